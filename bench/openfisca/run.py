#!/usr/bin/env python3
"""Screens a file of POLICY.md §3.5 requests (JSON lines, as `server screen` reads them) for dibao,
tekun and marginal with OpenFisca's vectorised simulation, and prints, as JSON: how long loading
took (reading the file, building the simulation) and how long the computation took, households per
second of the computation, how many households are eligible for each programme and the sum of
their monthly amounts.

Usage: run.py HOUSEHOLDS.jsonl [--compare RESULTS.jsonl] [--standards FILE]

--compare RESULTS.jsonl: the output of `server screen --input HOUSEHOLDS.jsonl` (the rules engine,
the reference): checks, household by household, that both find the same households eligible for
dibao, tekun and marginal with the same dibao and tekun amounts; prints the first differences
and exits 1 when there is any.

Run it with the Python of .tools/openfisca-venv (openfisca-core, installed by bench/discovery.sh).
"""
import argparse
import importlib.metadata
import json
import os
import sys
import time

import numpy
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.simulations import SimulationBuilder

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openfisca_jishijiu import JishijiuTaxBenefitSystem  # noqa: E402
from openfisca_jishijiu.variables import INCOME_KINDS  # noqa: E402

PERIOD = "2026-12"
PROGRAMMES = ("dibao", "tekun", "marginal")
DISABILITY_KINDS = {None: 0, "physical": 1, "visual": 2, "hearing": 3, "speech": 4, "intellectual": 5,
                    "mental": 6, "multiple": 7}
SELF_CARE = {None: 0, "full": 0, "partial": 1, "none": 2}


def fen(yuan):
    return int(round((yuan or 0) * 100))


def load(path):
    """The households as columns (numpy arrays), persons in household order."""
    ids = []
    area, financial, vehicles, houses = [], [], [], []
    member_of, age, grade, dkind, ill, supporter, care = [], [], [], [], [], [], []
    incomes = {kind: [] for kind in INCOME_KINDS}
    index = {kind: i for i, kind in enumerate(INCOME_KINDS)}
    with open(path, encoding="utf-8") as f:
        for h, line in enumerate(f):
            d = json.loads(line)
            ids.append(d.get("id", str(h + 1)))
            area.append(0 if d["area"] == "urban" else 1)
            a = d.get("assets") or {}
            financial.append(fen(a.get("financial")))
            vehicles.append(fen(a.get("vehicles_value")))
            houses.append(int(a.get("houses_owned") or 0))
            for m in d["members"]:
                member_of.append(h)
                age.append(int(m["age"]))
                grade.append(int(m.get("disability_grade") or 0))
                dkind.append(DISABILITY_KINDS[m.get("disability_kind")])
                ill.append(bool(m.get("serious_illness")))
                supporter.append(bool(m.get("has_able_supporter")))
                care.append(SELF_CARE[m.get("self_care")])
                row = [0] * len(INCOME_KINDS)
                for income in m.get("incomes") or []:
                    row[index[income["kind"]]] += fen(income["monthly"])
                for kind, value in zip(INCOME_KINDS, row):
                    incomes[kind].append(value)
    i32 = numpy.int32
    return {
        "ids": ids,
        "household": {"area": numpy.array(area, dtype=numpy.int16), "financial_assets": numpy.array(financial, i32),
                      "vehicles_value": numpy.array(vehicles, i32), "houses_owned": numpy.array(houses, i32)},
        "member_of": numpy.array(member_of, dtype=numpy.int64),
        "person": {"age": numpy.array(age, i32), "disability_grade": numpy.array(grade, i32),
                   "disability_kind": numpy.array(dkind, numpy.int16), "serious_illness": numpy.array(ill, bool),
                   "has_able_supporter": numpy.array(supporter, bool), "self_care": numpy.array(care, numpy.int16),
                   **{f"income_{kind}": numpy.array(v, i32) for kind, v in incomes.items()}},
    }


def simulation(tbs, data):
    households = len(data["ids"])
    persons = len(data["member_of"])
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("person", numpy.arange(persons))
    household = builder.declare_entity("household", numpy.arange(households))
    builder.join_with_persons(household, data["member_of"], numpy.zeros(persons, dtype=numpy.int64))
    sim = builder.build(tbs)
    for name, values in list(data["person"].items()) + list(data["household"].items()):
        variable = tbs.get_variable(name)
        if variable.value_type is Enum:
            values = EnumArray(values, variable.possible_values)
        sim.set_input(name, PERIOD, values)
    return sim


def compare(path, ids, eligible, amounts):
    """Household by household against `server screen`'s compact rows; returns the differences."""
    differences = []
    with open(path, encoding="utf-8") as f:
        for h, line in enumerate(f):
            row = json.loads(line)
            if row.get("id") is not None and h < len(ids) and row["id"] != ids[h]:
                differences.append(f"line {h + 1}: id {row['id']} where the households file has {ids[h]}")
                break
            for programme in PROGRAMMES:
                theirs = programme in row.get("eligible", [])
                ours = bool(eligible[programme][h])
                if theirs != ours:
                    differences.append(f"household {ids[h]}: {programme} server {theirs}, openfisca {ours}")
            for programme in ("dibao", "tekun"):
                theirs = row.get("monthly_amounts", {}).get(programme)
                ours = int(amounts[programme][h]) if eligible[programme][h] else None
                if theirs != ours:
                    differences.append(f"household {ids[h]}: {programme} amount server {theirs}, openfisca {ours}")
        if h + 1 != len(ids):
            differences.append(f"{h + 1} results for {len(ids)} households")
    return differences


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("households")
    ap.add_argument("--compare", help="server screen's results for the same file")
    ap.add_argument("--standards", help="the standards file (default: rules/standards/sample-2026.json)")
    args = ap.parse_args()

    started = time.perf_counter()
    tbs = JishijiuTaxBenefitSystem(args.standards)
    data = load(args.households)
    sim = simulation(tbs, data)
    loaded = time.perf_counter()
    eligible = {p: sim.calculate(f"{p}_eligible", PERIOD) for p in PROGRAMMES}
    amounts = {p: sim.calculate(f"{p}_amount", PERIOD) for p in ("dibao", "tekun")}
    computed = time.perf_counter()

    households = len(data["ids"])
    compute_seconds = computed - loaded
    report = {
        "households": households,
        "persons": len(data["member_of"]),
        "load_seconds": round(loaded - started, 3),
        "compute_seconds": round(compute_seconds, 3),
        "households_per_second": int(households / compute_seconds) if compute_seconds > 0 else None,
        # With reading the file and building the simulation, as `server screen`'s rate includes both.
        "households_per_second_with_load": int(households / (computed - started)),
        "eligible": {p: int(numpy.count_nonzero(eligible[p])) for p in PROGRAMMES},
        "monthly_amounts": {p: int(amounts[p][eligible[p]].sum()) for p in ("dibao", "tekun")},
        "openfisca_core": importlib.metadata.version("openfisca-core"),
    }
    status = 0
    if args.compare:
        differences = compare(args.compare, data["ids"], eligible, amounts)
        report["compared_with"] = os.path.basename(args.compare)
        report["differences"] = len(differences)
        for d in differences[:20]:
            print(d, file=sys.stderr)
        status = 1 if differences else 0
    print(json.dumps(report))
    return status


if __name__ == "__main__":
    sys.exit(main())
