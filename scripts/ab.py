#!/usr/bin/env python3
"""Compare two VM runs, base kernel against series kernel.

  ab.py BASE_CONSOLE SERIES_CONSOLE [KNOWN]

Prints one row per test case with its result on each kernel, the reset
latencies of both runs with the ratio series/base, and a summary.  A case
that fails on base and passes on the series is behaviour the series adds;
one that passes on both already worked on base (a finding, not a failure).
Exit status 1 when the series run has failures or a splat: the base run is
expected to fail the tests of the new behaviour.  KNOWN is the queue's
known-differences file (see verdict.py): those cases count as skipped on
both kernels.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap     # noqa: E402
import splat    # noqa: E402
import verdict  # noqa: E402

MARK = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP", None: "-"}


def results(text, known):
    out = {}
    report = ktap.parse(text)
    verdict.apply_known(report, known)
    for b in report.binaries:
        for leaf in b.leaves():
            out[f"{b.name}: {leaf.name}"] = leaf.status
    return out


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    known = verdict.read_known(argv[3] if len(argv) == 4 else "")
    texts = []
    for path in argv[1:3]:
        with open(path, errors="replace") as f:
            texts.append(f.read())
    base, series = (results(t, known) for t in texts)
    names = list(series) + [n for n in base if n not in series]
    width = max(len(n) for n in names) if names else 10
    new = same = regressed = 0
    print(f"{'test':<{width}}  base  series")
    for n in names:
        b, s = base.get(n), series.get(n)
        note = ""
        if s == "pass" and b != "pass":
            new += 1
            note = "  <- new with the series"
        elif s == "pass" and b == "pass":
            same += 1
        elif s == "fail":
            regressed += 1
            note = "  <- FAILS on the series"
        print(f"{n:<{width}}  {MARK[b]:<4}  {MARK[s]:<6}{note}")
    print()
    bb, sb = (verdict.bench_figures(t) for t in texts)
    for name in sorted(set(bb) | set(sb)):
        x, y = bb.get(name), sb.get(name)
        ratio = f"{y / x:.3f}" if x and y else "-"
        print(f"latency {name:<28} base {x if x is not None else '-':>9} ms  "
              f"series {y if y is not None else '-':>9} ms  series/base {ratio}")
    splats = [k for k, _, _ in splat.find(texts[1])]
    print()
    print(f"{new} cases pass only with the series, {same} pass on both, "
          f"{regressed} fail on the series; series splats: {splats or 'none'}")
    return 1 if regressed or splats else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
