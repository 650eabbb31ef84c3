"""A small OpenFisca country package with the 低保 (dibao), 特困 (tekun) and 低保边缘 (marginal)
rules of POLICY.md §3, for comparing the portal's rules engine (the reference) with OpenFisca's
vectorised simulation on the same households.

Entities: person, and household (every member has the role `member`). Money is in fen, as whole
numbers (OpenFisca's floats are float32, too coarse for exact comparisons); multipliers are in
ten-thousandths, as the rules engine holds them. The standards come from the portal's own
rules/standards/sample-2026.json (parameters.py).
"""
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from . import entities, variables
from .parameters import parameter_node


class JishijiuTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self, standards_file=None):
        super().__init__(entities.ENTITIES)
        self.parameters = parameter_node(standards_file)
        for variable in variables.VARIABLES:
            self.add_variable(variable)
