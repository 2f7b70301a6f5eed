#!/usr/bin/env python3
"""Find kernel splats in a console log.

Any of these fails the run, whatever the tests said: a warning or bug,
a KASAN, KCSAN or UBSAN report, a lockdep report, a hung task, an RCU stall or soft
lockup, a kmemleak report, an oops or a panic.  Each splat is reported with
the console lines that follow it, so the failure can be read without the
full log.
"""
import re
import sys

PATTERNS = [
    # The specific reports first: they also contain "BUG:" or "WARNING:".
    ("kasan", r"KASAN: "),
    ("ubsan", r"UBSAN: "),
    ("kcsan", r"BUG: KCSAN: "),
    ("lockdep", r"possible circular locking dependency|possible recursive locking"
                r"|inconsistent lock state|lock held when returning to user space"
                r"|suspicious RCU usage|bad unlock balance detected"
                r"|possible irq lock inversion|trying to register non-static key"),
    ("hung task", r"INFO: task .* blocked for more than"),
    ("rcu stall", r"rcu: INFO: rcu_\w+ (self-)?detected stall|rcu_\w+ self-detected stall"),
    ("soft lockup", r"watchdog: BUG: soft lockup|Watchdog detected hard LOCKUP"),
    # The guest's own count after its last scan (scripts/guest/kmemleak.sh),
    # not the kernel's per-scan line, which can name a transient reference.
    ("kmemleak", r"vfio-harness: kmemleak: scanned, [1-9]\d* suspected memory leaks"),
    ("list corruption", r"list_(add|del) corruption"),
    ("panic", r"Kernel panic - not syncing"),
    ("oops", r"Oops: |general protection fault"),
    ("warning", r"WARNING: CPU: \d+ PID: \d+ at|WARNING: at "),
    ("bug", r"\bBUG: "),
]
COMPILED = [(kind, re.compile(p)) for kind, p in PATTERNS]
EXCERPT_LINES = 25


def find(text):
    """Return [(kind, line_number, excerpt)] in console order."""
    lines = text.splitlines()
    found = []
    skip_until = -1
    for i, line in enumerate(lines):
        if i <= skip_until:
            continue
        for kind, rx in COMPILED:
            if rx.search(line):
                excerpt = "\n".join(lines[i:i + EXCERPT_LINES])
                found.append((kind, i + 1, excerpt))
                # One splat spans many lines ("WARNING" then "Call Trace");
                # report it once.
                skip_until = i + EXCERPT_LINES - 1
                break
    return found


def main(argv):
    if len(argv) != 2:
        print("usage: splat.py CONSOLE_LOG", file=sys.stderr)
        return 2
    with open(argv[1], errors="replace") as f:
        splats = find(f.read())
    for kind, lineno, excerpt in splats:
        print(f"--- kernel splat ({kind}) at console line {lineno}:")
        print(excerpt)
    return 1 if splats else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
