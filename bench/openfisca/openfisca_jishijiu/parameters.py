"""POLICY.md §3.1's standards as OpenFisca parameters, read from the portal's standards file.

Amounts are converted to fen and multipliers to ten-thousandths here, so that the formulas compare
whole numbers exactly, as the rules engine does.
"""
import json
import os

from openfisca_core.parameters import ParameterNode

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
STANDARDS_FILE = os.path.join(ROOT, "rules", "standards", "sample-2026.json")

FEN = ("dibao_standard", "vehicle_limit")
RATIOS = ("tekun_multiplier", "marginal_multiplier")
COUNTS = ("asset_months", "marginal_asset_months", "max_houses")


def parameter_node(standards_file=None):
    with open(standards_file or STANDARDS_FILE, encoding="utf-8") as f:
        standards = json.load(f)
    start = f"{standards['year']}-01-01"

    def value(v):
        return {"values": {start: {"value": v}}}

    data = {}
    for area in ("urban", "rural"):
        a = standards[area]
        node = {}
        for name in FEN:
            node[name] = value(int(round(a[name] * 100)))
        for name in RATIOS:
            node[name] = value(int(round(a[name] * 10000)))
        for name in COUNTS:
            node[name] = value(int(a[name]))
        node["care_standard"] = {level: value(int(round(a["care_standard"][level] * 100)))
                                 for level in ("full", "partial", "none")}
        data[area] = node
    return ParameterNode("", data=data)
