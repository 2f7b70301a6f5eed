"""apt-suite.sh finds the machine's own Debian mirror in its apt sources."""
import os
import subprocess
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "apt-suite.sh")


def codename():
    with open("/etc/os-release") as f:
        for line in f:
            if line.startswith("VERSION_CODENAME="):
                return line.split("=", 1)[1].strip().strip('"')
    return ""


class MirrorTest(unittest.TestCase):
    def mirror(self, files):
        with tempfile.TemporaryDirectory() as etc:
            os.mkdir(os.path.join(etc, "sources.list.d"))
            for name, text in files.items():
                with open(os.path.join(etc, name), "w") as f:
                    f.write(text.replace("CODENAME", codename()))
            return subprocess.run(["bash", SCRIPT, "mirror", etc], capture_output=True, text=True)

    def test_deb822_entry_of_the_host_suite_not_security(self):
        out = self.mirror({"sources.list.d/debian.sources":
                           "Types: deb\nURIs: http://sec.example/debian-security\nSuites: CODENAME-security\n\n"
                           "Types: deb\nURIs: http://mirror.example/debian/\nSuites: CODENAME CODENAME-updates\n"})
        self.assertEqual(out.stdout.strip(), "http://mirror.example/debian")

    def test_one_line_format_with_options(self):
        out = self.mirror({"sources.list": "deb [arch=amd64] http://old.example/debian CODENAME main\n"})
        self.assertEqual(out.stdout.strip(), "http://old.example/debian")

    def test_no_mirror_is_a_clear_error(self):
        out = self.mirror({"sources.list": "deb http://other.example/x nosuchsuite main\n"})
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("no Debian mirror", out.stderr)
        self.assertIn("KSRC=", out.stderr)


if __name__ == "__main__":
    unittest.main()
