#!/usr/bin/env python3
"""Read the KTAP document the guest prints on its serial console.

The guest runner prints one top-level KTAP document ("KTAP version 1",
"1..N", one "ok/not ok N binary" per kselftest binary) with each binary's
own kselftest_harness output nested, indented by two spaces.  The console
also carries kernel messages ("[   12.3] ..."), which are dropped here.

Counting is by leaf: a binary that printed test cases counts as its cases,
a binary that printed none (it crashed, or timed out) counts as itself.
"""
import re
import sys
from dataclasses import dataclass, field

RESULT = re.compile(r"^(not ok|ok)\s+(\d+)\s*-?\s*([^#]*?)\s*(?:#\s*(.*))?$")
KMSG = re.compile(r"^\[\s*\d+\.\d+\]")
RUNNING = re.compile(r"^# vfio-harness: running (\S+)")
CASE_RUN = re.compile(r"^#\s+RUN\s+(\S+)")
CASE_DONE = re.compile(r"^#\s+(OK|FAIL|SKIP)\s+(\S+)")


@dataclass
class Case:
    name: str
    status: str          # "pass", "fail" or "skip"
    directive: str = ""  # text after '#', e.g. the SKIP reason


@dataclass
class Binary:
    name: str
    status: str = ""       # "" while it has not finished
    directive: str = ""
    cases: list = field(default_factory=list)
    lines: list = field(default_factory=list)   # its raw nested output
    running_case: str = ""                     # RUN seen without a result

    def leaves(self):
        if self.cases:
            return self.cases
        if self.status:
            return [Case(self.name, self.status, self.directive)]
        return [Case(self.name, "fail", "did not finish")]


@dataclass
class Report:
    version_seen: bool = False
    planned: int = 0
    binaries: list = field(default_factory=list)

    def counts(self):
        c = {"pass": 0, "fail": 0, "skip": 0}
        for b in self.binaries:
            for leaf in b.leaves():
                c[leaf.status] += 1
        # A binary planned but never started counts as one failure.
        c["fail"] += max(0, self.planned - len(self.binaries))
        return c

    def running(self):
        """Name of what was running when output stopped, or ''."""
        for b in reversed(self.binaries):
            if not b.status:
                return f"{b.name}: {b.running_case}" if b.running_case else b.name
        return ""


def status_of(word, directive):
    if directive.upper().startswith("SKIP"):
        return "skip"
    return "pass" if word == "ok" else "fail"


def parse(text):
    report = Report()
    current = None
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if KMSG.match(line):
            continue
        if line.startswith("KTAP version") and not report.version_seen:
            report.version_seen = True
            continue
        if not report.version_seen:
            continue
        if line.startswith("  "):
            inner = line[2:]
            if current is None:
                continue
            current.lines.append(inner)
            m = RESULT.match(inner)
            if m:
                current.cases.append(Case(m.group(3).strip(), status_of(m.group(1), m.group(4) or ""),
                                          (m.group(4) or "").strip()))
                current.running_case = ""
                continue
            m = CASE_RUN.match(inner)
            if m:
                current.running_case = m.group(1)
            elif CASE_DONE.match(inner):
                current.running_case = ""
            continue
        m = re.match(r"^1\.\.(\d+)", line)
        if m and not report.planned:
            report.planned = int(m.group(1))
            continue
        m = RUNNING.match(line)
        if m:
            current = Binary(m.group(1))
            report.binaries.append(current)
            continue
        m = RESULT.match(line)
        if m and current is not None:
            current.status = status_of(m.group(1), m.group(4) or "")
            current.directive = (m.group(4) or "").strip()
    return report


def main(argv):
    if len(argv) != 2:
        print("usage: ktap.py CONSOLE_LOG", file=sys.stderr)
        return 2
    with open(argv[1], errors="replace") as f:
        report = parse(f.read())
    c = report.counts()
    print(f"{c['pass']} passed, {c['fail']} failed, {c['skip']} skipped")
    return 0 if report.version_seen and not c["fail"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
