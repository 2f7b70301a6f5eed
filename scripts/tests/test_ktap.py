"""The KTAP reader on recorded console logs."""
import unittest

import ktap
from tests.recorded import load


class KtapTest(unittest.TestCase):
    def test_leaf_counting_with_kernel_messages_interleaved(self):
        report = ktap.parse(load("ktap-mixed.log"))
        self.assertEqual(report.planned, 3)
        self.assertEqual([b.name for b in report.binaries],
                         ["vfio_smoke_test", "vfio_crash_test", "vfio_hang_test"])
        smoke = report.binaries[0]
        self.assertEqual([(c.name, c.status) for c in smoke.cases],
                         [("smoke.group.open", "pass"), ("smoke.cdev.open", "fail"),
                          ("smoke.group.pm_reset", "skip")])
        self.assertIn("does not reset", smoke.cases[2].directive)

    def test_binary_without_cases_counts_as_itself(self):
        report = ktap.parse(load("ktap-mixed.log"))
        crash = report.binaries[1]
        self.assertEqual(crash.status, "fail")
        self.assertEqual([c.status for c in crash.leaves()], ["fail"])

    def test_unfinished_binary_and_running_case(self):
        report = ktap.parse(load("ktap-mixed.log"))
        # smoke: 1 pass 1 fail 1 skip; crash: 1 fail; hang: 1 pass + 1
        # unfinished case.
        self.assertEqual(report.counts(), {"pass": 2, "fail": 2, "skip": 1})
        self.assertEqual(report.running(), "vfio_hang_test: hot_reset.cdev.race")

    def test_missing_binaries_count_as_failures(self):
        text = "KTAP version 1\n1..2\n# vfio-harness: running a\nok 1 a\n"
        self.assertEqual(ktap.parse(text).counts(), {"pass": 1, "fail": 1, "skip": 0})

    def test_no_ktap_at_all(self):
        report = ktap.parse(load("boot-clean.log").replace("KTAP version 1", ""))
        self.assertFalse(report.version_seen)
        self.assertEqual(report.counts(), {"pass": 0, "fail": 0, "skip": 0})

    def test_clean_boot_without_tests(self):
        report = ktap.parse(load("boot-clean.log"))
        self.assertTrue(report.version_seen)
        self.assertEqual(report.planned, 0)
        self.assertEqual(report.running(), "")


if __name__ == "__main__":
    unittest.main()
