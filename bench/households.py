#!/usr/bin/env python3
"""Writes N generated households as JSON lines (POLICY.md §3.5 requests) for `server screen`.

Usage: households.py N OUTPUT. Seeded, so every run writes the same file.
"""
import json
import random
import sys

KINDS = ["wages", "business", "farming", "property", "pension", "support", "other",
         "veteran_benefit", "assistance_payment", "disability_allowance"]


def member(rng):
    age = rng.choice([rng.randint(0, 17), rng.randint(18, 59), rng.randint(60, 100)])
    grade = rng.choice([None, None, None, None, 1, 2, 3, 4])
    return {
        "age": age,
        "disability_grade": grade,
        "disability_kind": rng.choice(["physical", "intellectual", "mental"]) if grade else None,
        "serious_illness": rng.random() < 0.1,
        "can_work": 16 <= age <= 59 and rng.random() < 0.7,
        "employed": rng.random() < 0.4,
        "student": 6 <= age <= 22 and rng.random() < 0.8,
        "has_able_supporter": rng.random() < 0.5,
        "self_care": rng.choice(["full", "full", "partial", "none"]),
        "incomes": [{"kind": rng.choice(KINDS), "monthly": round(rng.uniform(0, 2500), 2)}
                    for _ in range(rng.randint(0, 2))],
    }


def household(rng, n):
    emergency = None
    if rng.random() < 0.05:
        emergency = {"kind": rng.choice(["fire", "disaster", "accident", "illness", "bereavement", "other"]),
                     "urgency": rng.choice(["critical", "urgent"])}
    return {
        "id": f"H{n:07d}",
        "area": rng.choice(["urban", "rural"]),
        "members": [member(rng) for _ in range(rng.randint(1, 5))],
        "assets": {"financial": round(rng.uniform(0, 60000), 2), "vehicles_value": rng.choice([0, 0, 0, 20000, 50000]),
                   "houses_owned": rng.choice([0, 1, 1, 1, 2])},
        "rigid_expenses_12m": rng.choice([0, 0, round(rng.uniform(0, 80000), 2)]),
        "housing_difficulty": rng.random() < 0.1,
        "special_hardship": rng.random() < 0.05,
        "emergency": emergency,
    }


def main():
    count, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(2026)
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps(household(rng, n), separators=(",", ":")))
            out.write("\n")


if __name__ == "__main__":
    main()
