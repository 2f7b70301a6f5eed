#!/usr/bin/env python3
"""Turn a VM run into the verdict: KTAP, splats, timings, summary.json.

  verdict.py RESULTS_DIR QEMU_STATUS QUEUE BASE_VERSION PATCHES QEMU_VERSION [KNOWN]

RESULTS_DIR holds one queue's console.log and timings.tsv; QEMU_STATUS is
"ok", "timeout" or "error".  Writes ktap.txt and summary.json there, prints
the failing tests with their KTAP lines, any splat with its console
excerpt, and, last, "QUEUE: N passed, N failed, N skipped".  Exit status 0
only when nothing failed, no splat was seen and the guest finished.
scripts/report.py adds up the queues.

KNOWN (patches/QUEUE/known-differences) lists "PATTERN reason" lines: a
failing case whose "binary[roles]:case" matches PATTERN (literal but for
"*", any text) is a difference of that base kernel, named with its reason
and counted as skipped, never as passed; a listed case that passes is
reported too.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap   # noqa: E402
import splat  # noqa: E402


def read_timings(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                name, _, secs = line.rstrip("\n").partition("\t")
                if secs.isdigit():
                    rows.append((name, int(secs)))
    return rows


# "bench: NAME MS ms" from bench.sh, or as a kselftest's "# bench:" line
# inside its (indented) output.
BENCH = re.compile(r"^\s*(?:# )?bench: (\S+) ([0-9.]+) ms")


def bench_figures(text):
    """{name: median ms} from the guest's "bench:" lines."""
    return {m.group(1): float(m.group(2))
            for m in map(BENCH.match, text.splitlines()) if m}


def known_pattern(text):
    """A compiled PATTERN: literal, "*" matches any text."""
    return re.compile(".*".join(map(re.escape, text.split("*"))) + r"\Z")


def read_known(path):
    """[(pattern, reason)] from a known-differences file."""
    rows = []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    pattern, _, reason = line.partition(" ")
                    rows.append((known_pattern(pattern), reason.strip()))
    return rows


def apply_known(report, known):
    """Turn failing cases that match KNOWN into skips; return the notes."""
    notes = []
    for b in report.binaries:
        # A binary without cases is its own leaf, named by itself.
        for c in b.cases or [b]:
            full = f"{b.name}:{c.name}" if b.cases else b.name
            reason = next((r for p, r in known if p.match(full)), None)
            if reason is None:
                continue
            if c.status in ("fail", ""):
                c.status, c.directive = "skip", f"known difference of this base: {reason}"
                notes.append(f"known difference: {full}: {reason}")
            elif c.status == "pass":
                notes.append(f"listed as a known difference but passes: {full}")
        if b.cases:
            # The binary's own verdict follows its cases.
            b.status = "fail" if any(c.status == "fail" for c in b.cases) else "pass"
    return notes


def ktap_lines(text):
    """The KTAP document alone, without the kernel's messages."""
    out, seen = [], False
    for line in text.splitlines():
        seen = seen or line.startswith("KTAP version")
        if seen and not ktap.KMSG.match(line):
            out.append(line)
    return out


def main(argv):
    if len(argv) not in (7, 8):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results, qemu_status, queue, base_version, patches, qemu_version = argv[1:7]
    known = read_known(argv[7] if len(argv) == 8 else "")
    with open(os.path.join(results, "console.log"), errors="replace") as f:
        console = f.read()
    report = ktap.parse(console)
    notes = apply_known(report, known)
    counts = report.counts()
    splats = splat.find(console)
    problems = []

    with open(os.path.join(results, "ktap.txt"), "w") as f:
        f.write("\n".join(ktap_lines(console)) + "\n")

    for b in report.binaries:
        bad = [c for c in b.leaves() if c.status == "fail"]
        if bad:
            print(f"--- {b.name}: {len(bad)} failed")
            for c in bad:
                print(f"    not ok {c.name} {('# ' + c.directive) if c.directive else ''}")
            # The test's own diagnostics, for reading without the full log.
            for line in [x for x in b.lines if x.startswith("#")][-15:]:
                print(f"    {line}")
    if not report.version_seen:
        problems.append("the guest printed no KTAP (it did not reach the test runner): see console.log")
    if qemu_status == "timeout":
        what = report.running() or "(before the tests started)"
        problems.append(f"the guest hung and QEMU was killed at the timeout; running: {what}")
    elif qemu_status != "ok":
        problems.append(f"QEMU failed ({qemu_status}): see console.log")
    elif "vfio-harness: done" not in console:
        problems.append("the guest stopped before the test runner finished: see console.log")
    elif "vfio-harness: kmemleak: scanned," not in console:
        why = re.search(r"vfio-harness: kmemleak: (.*)", console)
        problems.append("no kmemleak scan after the tests: "
                        + (why.group(1) if why else "the guest printed none"))
    for kind, lineno, excerpt in splats:
        print(f"--- kernel splat ({kind}) at console line {lineno}:")
        print("\n".join("    " + x for x in excerpt.splitlines()))
        problems.append(f"kernel splat: {kind} (console line {lineno})")

    timings = read_timings(os.path.join(results, "timings.tsv"))
    summary = {
        "passed": counts["pass"], "failed": counts["fail"], "skipped": counts["skip"],
        "queue": queue, "base_version": base_version, "patches": int(patches),
        "qemu_version": qemu_version,
        "seconds": dict(timings), "splats": [k for k, _, _ in splats],
        "bench_ms": bench_figures(console),
        "problems": problems, "known_differences": notes,
    }
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")

    for n in notes:
        print(f"{queue}: {n}")
    for p in problems:
        print(f"FAIL ({queue}): {p}")
    print(f"results: {results}/ (console.log, ktap.txt, summary.json)")
    print(f"queue {queue} (Linux {base_version} + {patches} patches, QEMU {qemu_version}): "
          f"{counts['pass']} passed, {counts['fail'] + len(problems)} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] or problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
