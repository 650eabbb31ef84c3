#!/usr/bin/env python3
"""Checks a set of files written by generate.py against the specifications, independently of the
generator: reads every DIR/<kind>.csv as discovery/files/<kind>.json says (refusing what it
refuses, repairing 17- and 15-digit ID numbers and lost leading zeros, counting a repeated record
once), rebuilds the households as generate.py's docstring says, and checks that manifest.json
(rows, refused, repeated, accepted, known to the register) and DIR/households.jsonl (every §3.5
request) say the same. Exits 1 on the first disagreement.

Usage: check.py DIR      (the files generated with --households-out DIR/households.jsonl)
Standard library only; about 80 s for 1,000,000 residents.
"""
import collections
import json
import os
import re
import sys
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_DIR = os.path.join(ROOT, "discovery", "files")
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
STANDARD = {"urban": 98000, "rural": 82000}  # fen; rules/standards/sample-2026.json
WINDOW = ((2025, 12), (2026, 11))


def check_digit(s17):
    return CHECK[sum(int(a) * w for a, w in zip(s17, W)) % 11]


def id_number(s):
    s = s.strip().upper()
    if re.fullmatch(r"\d{17}[\dX]", s):
        return s if check_digit(s[:17]) == s[17] else None
    if re.fullmatch(r"\d{17}", s):
        return s + check_digit(s)
    if re.fullmatch(r"\d{15}", s):
        s17 = s[:6] + "19" + s[6:]
        return s17 + check_digit(s17)
    return None


def a_date(s):
    try:
        if re.fullmatch(r"\d{4}[-/]\d{2}[-/]\d{2}", s) and s[4] == s[7]:
            return date(int(s[:4]), int(s[5:7]), int(s[8:]))
        if re.fullmatch(r"\d{8}", s):
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        if re.fullmatch(r"\d{5}", s):
            return date(1899, 12, 30) + timedelta(days=int(s))
    except ValueError:
        return None
    return None


def a_month(s):
    m = re.fullmatch(r"(\d{4})[-/]?(\d{2})", s)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2))
    return None


def cell(field, v):
    """The value of a cell, or raises ValueError when the spec refuses it."""
    c = field.get("constraints", {})
    if v == "":
        if c.get("required"):
            raise ValueError("missing")
        return None
    t = field["type"]
    if field["name"] == "id_number":
        v = id_number(v)
    elif "enum" in c:
        v = v if v in c["enum"] else None
    elif t == "number":
        x = float(v)
        v = round(x * 100) if c.get("minimum", -1e18) <= x <= c.get("maximum", 1e18) else None
    elif t == "integer":
        x = int(v)
        v = x if c.get("minimum", -1e18) <= x <= c.get("maximum", 1e18) else None
    elif t == "date":
        v = a_date(v)
    elif t == "yearmonth":
        v = a_month(v)
    elif "pattern" in c and not re.fullmatch(c["pattern"], v):
        v = None
    if v is None:
        raise ValueError(field["name"])
    return v


def read(directory, kind):
    with open(os.path.join(SPEC_DIR, kind + ".json"), encoding="utf-8") as f:
        spec = json.load(f)
    with open(os.path.join(directory, kind + ".csv"), "rb") as f:
        lines = f.read().decode("utf-8-sig").splitlines()
    position = {h: i for i, h in enumerate(lines[0].split(","))}
    records, rows, refused, repeated = {}, 0, 0, 0
    for line in lines[1:]:
        rows += 1
        cells = line.split(",")
        try:
            rec = {f["name"]: cell(f, cells[position[f["name"]]].strip()) for f in spec["fields"]}
        except ValueError:
            refused += 1
            continue
        if kind == "household_register":
            rec["household_no"] = rec["household_no"].zfill(12)
        if rec["record_id"] in records:
            assert records[rec["record_id"]] == rec, rec["record_id"]
            repeated += 1
            continue
        records[rec["record_id"]] = rec
    return list(records.values()), rows, refused, repeated


def age(i):
    born = (int(i[6:10]), int(i[10:12]), int(i[12:14]))
    return 2026 - born[0] - ((12, 1) < born[1:])


def households(data):
    dead = {r["id_number"] for r in data["deaths"]}
    by_no = collections.defaultdict(list)
    for r in data["household_register"]:
        if r["id_number"] not in dead:
            by_no[r["household_no"]].append(r)
    facts = {}
    for kind, rows in data.items():
        d = collections.defaultdict(list)
        for r in rows:
            d[r["id_number"]].append(r)
        facts[kind] = d
    wages, business, pensions, disability, illness, medical, unemployment, vehicles, estate, students, monitoring = (
        facts[k] for k in ("wages", "business", "pensions", "disability", "serious_illness", "medical_costs",
                           "unemployment", "vehicles", "real_estate", "students", "rural_monitoring"))
    out = {}
    for no, rows in by_no.items():
        area = rows[0]["area"]
        members = []
        for r in rows:
            i = r["id_number"]
            incomes = collections.Counter()
            for w in wages[i]:
                incomes["wages"] += w["monthly_average"]
            for b in business[i]:
                if b["status"] == "active" and b["monthly_income"]:
                    incomes["business"] += b["monthly_income"]
            for p in pensions[i]:
                incomes["basic_pension_central" if p["kind"] == "resident_basic_central" else "pension"] += p["monthly"]
            for x in monitoring[i]:
                incomes["farming"] += x["farming_monthly"]
            d = disability[i][0] if disability[i] else None
            student = any(s["school_year"] >= 2025 for s in students[i])
            open_registration = any(u["ended_on"] is None for u in unemployment[i])
            employed = (bool(wages[i]) or any(b["status"] == "active" for b in business[i])) and not open_registration
            a = age(i)
            severe = bool(d and d["grade"] <= 2) or bool(illness[i])
            members.append({"rel": r["relation"], "severe": severe, "age": a, "i": i,
                            "counted": sum(v for k, v in incomes.items() if k != "basic_pension_central"),
                            "json": {"age": a, "disability_grade": d["grade"] if d else None,
                                     "disability_kind": d["kind"] if d else None, "serious_illness": bool(illness[i]),
                                     "can_work": 16 <= a <= 59 and not student and not severe, "employed": employed,
                                     "student": student, "self_care": "full",
                                     "incomes": sorted([k, v] for k, v in incomes.items() if v)}})
        for m in members:
            m["json"]["has_able_supporter"] = any(
                q is not m and q["rel"] != "other" and not q["severe"]
                and (18 <= q["age"] <= 59 or q["counted"] >= STANDARD[area]) for q in members)
        out[no] = {
            "area": area,
            "members": [m["json"] for m in members],
            "assets": [0, sum(v["value"] for m in members for v in vehicles[m["i"]] if v["kind"] != "disability"),
                       sum(1 for m in members for e in estate[m["i"]] if e["use"] == "residential")],
            "rigid": sum(x["out_of_pocket"] for m in members for x in medical[m["i"]]
                         if WINDOW[0] <= x["month"] <= WINDOW[1]),
            "special": any(x["category"] == "sudden_hardship" for m in members for x in monitoring[m["i"]]),
        }
    return out


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    data = {}
    for kind, m in manifest["kinds"].items():
        rows, n, refused, repeated = read(directory, kind)
        got = (n, refused, repeated, len(rows))
        want = (m["rows"], m["refused"], m["repeated_rows"], m["accepted"])
        if got != want:
            sys.exit(f"{kind}: rows, refused, repeated, accepted are {got}; the manifest says {want}")
        data[kind] = rows
    register = {r["id_number"] for r in data["household_register"]}
    for kind, rows in data.items():
        known = sum(1 for r in rows if r["id_number"] in register)
        if known != manifest["kinds"][kind]["accepted_in_register"]:
            sys.exit(f"{kind}: {known} accepted rows of people in the register; the manifest says "
                     f"{manifest['kinds'][kind]['accepted_in_register']}")
    rebuilt = households(data)
    count = 0
    with open(os.path.join(directory, "households.jsonl"), encoding="utf-8") as f:
        for line in f:
            h = json.loads(line)
            count += 1
            members = []
            for m in h["members"]:
                m = dict(m, incomes=sorted([x["kind"], round(x["monthly"] * 100)] for x in m["incomes"]))
                members.append(m)
            written = {"area": h["area"], "members": members,
                       "assets": [round(h["assets"]["financial"] * 100), round(h["assets"]["vehicles_value"] * 100),
                                  h["assets"]["houses_owned"]],
                       "rigid": round(h["rigid_expenses_12m"] * 100), "special": h["special_hardship"]}
            if rebuilt.get(h["id"]) != written:
                sys.exit(f"household {h['id']}: the files give\n  {rebuilt.get(h['id'])}\n"
                         f"households.jsonl has\n  {written}")
    if count != len(rebuilt) or count != manifest["expected"]["households"]:
        sys.exit(f"{count} households in households.jsonl, {len(rebuilt)} from the files, "
                 f"{manifest['expected']['households']} in the manifest")
    print(f"{directory}: the 13 files, manifest.json and households.jsonl agree ({count} households)")


if __name__ == "__main__":
    main()
