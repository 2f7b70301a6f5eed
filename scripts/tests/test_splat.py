"""The splat detector on recorded console logs."""
import unittest

import splat
from tests.recorded import load


class SplatTest(unittest.TestCase):
    def test_clean_boot_has_no_splat(self):
        self.assertEqual(splat.find(load("boot-clean.log")), [])

    def test_recorded_warn_is_found_once_with_its_trace(self):
        found = splat.find(load("warn.log"))
        self.assertEqual(len(found), 1)
        kind, lineno, excerpt = found[0]
        self.assertEqual(kind, "warning")
        self.assertIn("vfio_pci_core", excerpt)
        self.assertIn("Call Trace", excerpt)

    def test_each_kind(self):
        cases = {
            "[ 1.0] BUG: KASAN: slab-use-after-free in vfio_pci_release": "kasan",
            "[ 1.0] BUG: KCSAN: data-race in vfio_pci_core_read / vfio_pci_core_reset_done": "kcsan",
            "[ 1.0] WARNING: possible circular locking dependency detected": "lockdep",
            "[ 1.0] WARNING: possible recursive locking detected": "lockdep",
            "[ 1.0] INFO: task vfio_test:81 blocked for more than 60 seconds.": "hung task",
            "[ 1.0] rcu: INFO: rcu_preempt self-detected stall on CPU": "rcu stall",
            "[ 1.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s!": "soft lockup",
            "vfio-harness: kmemleak: scanned, 3 suspected memory leaks (4 s)": "kmemleak",
            "[ 1.0] Oops: general protection fault, probably for non-canonical address": "oops",
            "[ 1.0] Kernel panic - not syncing: Fatal exception": "panic",
            "[ 1.0] BUG: sleeping function called from invalid context at mm/slub.c:4200": "bug",
            "[ 1.0] WARNING: at drivers/pci/pci.c:100 foo": "warning",
            "[ 1.0] list_add corruption. prev->next should be next": "list corruption",
        }
        for line, kind in cases.items():
            with self.subTest(kind=kind):
                found = splat.find("[ 0.9] before\n" + line + "\n[ 1.1] after\n")
                self.assertEqual([(k, n) for k, n, _ in found], [(kind, 2)])

    def test_two_separate_splats(self):
        text = load("warn.log") + "\n" * 40 + "[ 9.0] BUG: KASAN: double-free\n"
        self.assertEqual([k for k, _, _ in splat.find(text)], ["warning", "kasan"])

    def test_ordinary_messages_are_not_splats(self):
        text = ("[ 1.0] pci 0000:00:04.0: AER: enabled with IRQ 24\n"
                "[ 1.0] vfio-pci 0000:01:00.0: unlocked secondary bus reset via: x\n"
                "  # smoke.c:10: warning text from a test\n"
                # A scan's own count can name a transient reference: only
                # the count read after the guest's last scan is a splat.
                "[ 1.0] kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n"
                "vfio-harness: kmemleak: scanned, 0 suspected memory leaks (4 s)\n")
        self.assertEqual(splat.find(text), [])


if __name__ == "__main__":
    unittest.main()
