#!/usr/bin/env python3
"""Prints one step of bench/discovery.sh (an import or the run) with its rows per second, and checks
what the server reports against the generator's manifest.json. Exits 1 when they disagree.

Usage: report.py import MANIFEST KIND OUTPUT.json WALL_MS PEAK_KIB
       report.py run MANIFEST OUTPUT.json WALL_MS PEAK_KIB

OUTPUT.json is what `server discover import KIND FILE --json` or `server discover run --json` printed:
  {"kind":…,"rows_read":N,"accepted":N,"refused":N,"unchanged":N,"id_match_rate":0.97,"seconds":1.2}
  {"persons":N,"households":N,"candidates":N,"seconds":…,"stages":{"read":{"rows":N,"seconds":…},…}}
"""
import json
import sys


def num(x):
    return f"{x:,}" if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x)


def rate(rows, seconds):
    if isinstance(rows, (int, float)) and isinstance(seconds, (int, float)) and seconds > 0:
        return f"{rows / seconds:,.0f} rows/s"
    return "- rows/s"


def read_output(path):
    with open(path, encoding="utf-8") as f:
        text = f.read().strip()
    # One JSON object on standard output; tolerate lines before it.
    return json.loads(text.splitlines()[-1])


def check(problems, what, got, expected):
    if got != expected:
        problems.append(f"{what}: the server says {got}, the generator's manifest {expected}")


def import_step(manifest, kind, out, wall_ms, peak_kib):
    m = manifest["kinds"][kind]
    seconds = wall_ms / 1000
    rows = out.get("rows_read")
    match = out.get("id_match_rate")
    match = f"{100 * match:.1f}%" if isinstance(match, (int, float)) else str(match)
    print(f"  import {kind:<19} {num(rows):>9} rows {seconds:7.1f} s {rate(rows, seconds):>17}  "
          f"accepted {num(out.get('accepted'))}, refused {num(out.get('refused'))}, "
          f"unchanged {num(out.get('unchanged'))}, ID match {match}, peak {peak_kib / 1024:,.0f} MiB")
    problems = []
    check(problems, f"{kind}: kind", out.get("kind"), kind)
    check(problems, f"{kind}: rows read", rows, m["rows"])
    # A row repeating an earlier row's record_id is refused as `duplicate_record` (the department
    # sees it in the report); the bench imports into a fresh database, so nothing is unchanged.
    check(problems, f"{kind}: refused", out.get("refused"), m["refused"] + m["repeated_rows"])
    check(problems, f"{kind}: duplicate rows", (out.get("refused_by_reason") or {}).get("duplicate_record", 0),
          m["repeated_rows"])
    check(problems, f"{kind}: accepted", out.get("accepted"), m["accepted"])
    check(problems, f"{kind}: unchanged", out.get("unchanged"), 0)
    return problems


def run_step(manifest, out, wall_ms, peak_kib):
    e = manifest["expected"]
    seconds = wall_ms / 1000
    print(f"  run: {num(out.get('persons'))} persons, {num(out.get('households'))} households, "
          f"{num(out.get('candidates'))} candidates in {seconds:.1f} s, peak {peak_kib / 1024:,.0f} MiB")
    for name, stage in (out.get("stages") or {}).items():
        rows = stage.get("rows")
        s = stage.get("seconds")
        shown = f"{s:7.2f}" if isinstance(s, (int, float)) else f"{s!s:>7}"
        print(f"    {name:<11} {num(rows):>9} rows {shown} s {rate(rows, s):>17}")
    problems = []
    check(problems, "run: households", out.get("households"), e["households"])
    check(problems, "run: persons in households", out.get("persons_in_households"), e["persons"])
    check(problems, "run: candidates (households with a recommended programme)", out.get("candidates"),
          e["candidates"])
    return problems


def main():
    step = sys.argv[1]
    with open(sys.argv[2], encoding="utf-8") as f:
        manifest = json.load(f)
    if step == "import":
        kind, path, wall_ms, peak_kib = sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
        problems = import_step(manifest, kind, read_output(path), wall_ms, peak_kib)
    elif step == "run":
        path, wall_ms, peak_kib = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        problems = run_step(manifest, read_output(path), wall_ms, peak_kib)
    else:
        sys.exit(__doc__)
    for p in problems:
        print(f"    !! {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
