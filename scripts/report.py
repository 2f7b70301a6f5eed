#!/usr/bin/env python3
"""Add up the queues of one run: the timing table and the closing line.

  report.py RESULTS_DIR TOTAL_SECONDS QUEUE...

RESULTS_DIR holds timings.tsv (the phases shared by the queues) and one
directory per queue with its timings.tsv and summary.json (verdict.py).
Writes RESULTS_DIR/summary.json (per queue: counts, base and QEMU
versions, patches, seconds per phase, reset latencies; and the totals),
prints the timing table and, last, "N passed, N failed, N skipped".  A
queue without a summary (its run stopped early) counts as one failure.
Exit status 0 only when no queue failed.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verdict import read_timings  # noqa: E402


def fmt(secs):
    return f"{secs // 60:3d}m{secs % 60:02d}s"


def main(argv):
    if len(argv) < 4 or not argv[2].isdigit():
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results, total, queues = argv[1], int(argv[2]), argv[3:]
    shared = read_timings(os.path.join(results, "timings.tsv"))
    out = {"queues": {}, "seconds": dict(shared), "total_seconds": total}
    passed = failed = skipped = 0
    print("timing:")
    for name, secs in shared:
        print(f"  {name:<52} {fmt(secs)}")
    for q in queues:
        path = os.path.join(results, q, "summary.json")
        for name, secs in read_timings(os.path.join(results, q, "timings.tsv")):
            print(f"  {name:<52} {fmt(secs)}")
        try:
            with open(path) as f:
                s = json.load(f)
        except (OSError, ValueError):
            print(f"FAIL ({q}): no verdict ({path} missing): the queue's run stopped before its VM phase")
            out["queues"][q] = {"problems": ["no verdict"]}
            failed += 1
            continue
        s["seconds"] = dict(read_timings(os.path.join(results, q, "timings.tsv")))
        out["queues"][q] = s
        for name, ms in s.get("bench_ms", {}).items():
            print(f"  {q + ' guest: ' + name + ' (median)':<52} {ms:9.3f} ms")
        passed += s["passed"]
        skipped += s["skipped"]
        failed += s["failed"] + len(s["problems"])
    print(f"  {'total':<52} {fmt(total)}")
    for q, s in out["queues"].items():
        if "passed" in s:
            print(f"queue {q}: Linux {s['base_version']} + {s['patches']} patches, "
                  f"QEMU {s['qemu_version']}: {s['passed']} passed, "
                  f"{s['failed'] + len(s['problems'])} failed, {s['skipped']} skipped")
    out.update(passed=passed, failed=failed, skipped=skipped)
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"results: {results}/summary.json")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
