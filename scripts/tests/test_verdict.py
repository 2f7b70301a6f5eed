"""verdict.py's known differences and report.py's totals."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import ktap
import verdict
from tests.recorded import load

SCRIPTS = os.path.join(os.path.dirname(__file__), "..")


class KnownDifferenceTest(unittest.TestCase):
    def test_a_listed_failure_becomes_a_named_skip(self):
        report = ktap.parse(load("ktap-mixed.log"))
        notes = verdict.apply_known(report, [(verdict.known_pattern("vfio_smoke_test:smoke.cdev.*"), "EINVAL on this base")])
        smoke = report.binaries[0]
        self.assertEqual(smoke.cases[1].status, "skip")
        self.assertIn("EINVAL on this base", smoke.cases[1].directive)
        self.assertEqual(smoke.status, "pass")
        self.assertEqual(notes, ["known difference: vfio_smoke_test:smoke.cdev.open: EINVAL on this base"])

    def test_a_listed_case_that_passes_is_reported_not_hidden(self):
        report = ktap.parse(load("ktap-mixed.log"))
        notes = verdict.apply_known(report, [(verdict.known_pattern("vfio_smoke_test:smoke.group.open"), "x")])
        self.assertEqual(report.binaries[0].cases[0].status, "pass")
        self.assertEqual(notes, ["listed as a known difference but passes: vfio_smoke_test:smoke.group.open"])

    def test_unlisted_failures_stay_failures(self):
        report = ktap.parse(load("ktap-mixed.log"))
        verdict.apply_known(report, [(verdict.known_pattern("other_test:*"), "x")])
        self.assertEqual(report.counts(), {"pass": 2, "fail": 2, "skip": 1})


class KnownPatternTest(unittest.TestCase):
    def test_brackets_are_literal_and_star_is_any_text(self):
        p = verdict.known_pattern("t[nvme]:x.type1*_iommu.overflow")
        self.assertTrue(p.match("t[nvme]:x.type1v2_iommu.overflow"))
        self.assertFalse(p.match("t[n]:x.type1v2_iommu.overflow"))
        self.assertFalse(p.match("t[nvme]:x.type1v2_iommu.overflow_more"))


class KmemleakVerdictTest(unittest.TestCase):
    """A guest run whose tests all pass still needs its kmemleak scan."""

    def verdict(self, console):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "console.log"), "w") as f:
                f.write("KTAP version 1\n1..1\n# vfio-harness: running t[nvme]\n  TAP version 13\n  1..1\n  ok 1 t.case\nok 1 t[nvme]\n"
                        + console + "vfio-harness: done\n")
            out = subprocess.run([sys.executable, os.path.join(SCRIPTS, "verdict.py"), d, "ok", "q",
                                  "7.3.4", "1", "11.1.3"], capture_output=True, text=True)
            with open(os.path.join(d, "summary.json")) as f:
                return out.returncode, json.load(f)["problems"]

    def test_a_clean_scan_passes(self):
        self.assertEqual(self.verdict("vfio-harness: kmemleak: scanned, 0 suspected memory leaks (3 s)\n"),
                         (0, []))

    def test_a_leak_fails_the_run(self):
        rc, problems = self.verdict("vfio-harness: kmemleak: scanned, 2 suspected memory leaks (3 s)\n"
                                    "vfio-harness: kmemleak: unreferenced object 0xffff8880 (size 64):\n")
        self.assertEqual(rc, 1)
        self.assertEqual(len(problems), 1)
        self.assertIn("kmemleak", problems[0])

    def test_no_scan_fails_the_run_with_the_guests_reason(self):
        rc, problems = self.verdict("vfio-harness: kmemleak: not available in this kernel\n")
        self.assertEqual(rc, 1)
        self.assertEqual(problems, ["no kmemleak scan after the tests: not available in this kernel"])
        self.assertEqual(self.verdict("")[1], ["no kmemleak scan after the tests: the guest printed none"])


class ReportTest(unittest.TestCase):
    def run_report(self, queues):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "timings.tsv"), "w") as f:
                f.write("deps\t3\n")
            for q, summary in queues.items():
                os.mkdir(os.path.join(d, q))
                if summary is not None:
                    with open(os.path.join(d, q, "summary.json"), "w") as f:
                        json.dump(summary, f)
            out = subprocess.run([sys.executable, os.path.join(SCRIPTS, "report.py"), d, "100", *queues],
                                 capture_output=True, text=True)
            with open(os.path.join(d, "summary.json")) as f:
                return out, json.load(f)

    def summary(self, passed, failed, problems=()):
        return {"passed": passed, "failed": failed, "skipped": 1, "problems": list(problems),
                "base_version": "7.3.4", "patches": 2, "qemu_version": "11.1.3", "bench_ms": {}}

    def test_queues_add_up_and_the_last_line_is_the_total(self):
        out, total = self.run_report({"a": self.summary(3, 0), "b": self.summary(2, 1, ["splat"])})
        self.assertEqual(out.stdout.splitlines()[-1], "5 passed, 2 failed, 2 skipped")
        self.assertEqual(out.returncode, 1)
        self.assertEqual(total["queues"]["a"]["qemu_version"], "11.1.3")

    def test_a_queue_without_verdict_fails(self):
        out, total = self.run_report({"a": self.summary(3, 0), "b": None})
        self.assertEqual(out.stdout.splitlines()[-1], "3 passed, 1 failed, 1 skipped")
        self.assertNotEqual(out.returncode, 0)


if __name__ == "__main__":
    unittest.main()
