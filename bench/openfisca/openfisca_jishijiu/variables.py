"""The variables and formulas: POLICY.md §3.2 (counted income), §3.3 (assets) and the dibao, tekun
and marginal programmes of §3.4, vectorised over every person and household at once.

Inputs are the fields of a §3.5 request; money in fen (int), multipliers in ten-thousandths.
Products that could pass 2^31 are computed in int64.
"""
import numpy
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from .entities import Household, Person

SCALE = 10_000  # ten-thousandths per 1.0, as the rules engine's Ratio

# §3.2: counted kinds, and kinds that are not counted as income.
COUNTED_KINDS = ("wages", "business", "farming", "property", "pension", "support", "other")
EXEMPT_KINDS = ("veteran_benefit", "family_planning_award", "bravery_award", "assistance_payment",
                "basic_pension_central", "disability_allowance")
INCOME_KINDS = COUNTED_KINDS + EXEMPT_KINDS


class Area(Enum):
    urban = "urban"
    rural = "rural"


class DisabilityKind(Enum):
    none = "none"
    physical = "physical"
    visual = "visual"
    hearing = "hearing"
    speech = "speech"
    intellectual = "intellectual"
    mental = "mental"
    multiple = "multiple"


class SelfCare(Enum):
    full = "full"
    partial = "partial"
    unable = "none"


def i64(a):
    return numpy.asarray(a, dtype=numpy.int64)


def paid(fen):
    """Whole yuan paid for an amount in fen: never negative, 0.5 rounding up."""
    return (numpy.maximum(i64(fen), 0) + 50) // 100


def by_area(urban, urban_value, rural_value):
    return numpy.where(urban, urban_value, rural_value)


# --- person inputs ---------------------------------------------------------------------------

class age(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Age in whole years"


class disability_grade(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Disability grade, 1 (most severe) to 4; 0 when none"


class disability_kind(Variable):
    value_type = Enum
    possible_values = DisabilityKind
    default_value = DisabilityKind.none
    entity = Person
    definition_period = MONTH
    label = "Kind of disability"


class serious_illness(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Has a serious illness"


class has_able_supporter(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Has a legal supporter able to support"


class self_care(Variable):
    value_type = Enum
    possible_values = SelfCare
    default_value = SelfCare.full
    entity = Person
    definition_period = MONTH
    label = "Ability to care for oneself (selects the tekun care supplement)"


def income_variable(kind):
    return type(f"income_{kind}", (Variable,), {
        "value_type": int,
        "entity": Person,
        "definition_period": MONTH,
        "label": f"Monthly income of kind {kind}, fen",
    })


INCOME_VARIABLES = [income_variable(kind) for kind in INCOME_KINDS]


# --- person formulas -------------------------------------------------------------------------

class counted_income(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "The member's own counted (non-exempt) monthly income, fen (§3.2)"

    def formula(person, period):
        total = i64(person(f"income_{COUNTED_KINDS[0]}", period))
        for kind in COUNTED_KINDS[1:]:
            total = total + person(f"income_{kind}", period)
        return total


class severe_disability_or_illness(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Disability grade 1-2 or a serious illness (individual cover)"

    def formula(person, period):
        grade = person("disability_grade", period)
        return ((grade == 1) | (grade == 2)) | person("serious_illness", period)


class tekun_condition(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Age >= 60, age < 18, disability grade 1-2, or grade 3 intellectual or mental"

    def formula(person, period):
        a = person("age", period)
        grade = person("disability_grade", period)
        kind = person("disability_kind", period)
        grade3_mind = (grade == 3) & ((kind == DisabilityKind.intellectual) | (kind == DisabilityKind.mental))
        return (a >= 60) | (a < 18) | (grade == 1) | (grade == 2) | grade3_mind


class tekun_person_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "特困: the condition, own counted income < standard, assets, no able supporter"

    def formula(person, period):
        standard = person.household("dibao_standard", period)
        own = person("counted_income", period)
        return (person("tekun_condition", period)
                & (i64(own) < standard)
                & person.household("assets_ok", period)
                & ~person("has_able_supporter", period))


class tekun_person_amount(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困 monthly amount of the person, fen: ceil(multiplier x standard) + care"

    def formula(person, period, parameters):
        p = parameters(period)
        urban = person.household("area", period) == Area.urban
        care = person("self_care", period)
        basic = person.household("tekun_basic", period)
        supplement = numpy.select(
            [care == SelfCare.full, care == SelfCare.partial],
            [by_area(urban, p.urban.care_standard.full, p.rural.care_standard.full),
             by_area(urban, p.urban.care_standard.partial, p.rural.care_standard.partial)],
            by_area(urban, p.urban.care_standard.none, p.rural.care_standard.none))
        return numpy.where(person("tekun_person_eligible", period), i64(basic) + supplement, 0)


class individual_cover_amount(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "单人保: dibao_standard - own counted income (not below 0) of a severe member, fen"

    def formula(person, period):
        standard = person.household("dibao_standard", period)
        own = person("counted_income", period)
        return numpy.where(person("severe_disability_or_illness", period),
                           numpy.maximum(standard - i64(own), 0), 0)


# --- household inputs ------------------------------------------------------------------------

class area(Variable):
    value_type = Enum
    possible_values = Area
    default_value = Area.urban
    entity = Household
    definition_period = MONTH
    label = "Which standards apply"


class financial_assets(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Financial assets, fen"


class vehicles_value(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Motor vehicles' value, disability vehicles excluded, fen"


class houses_owned(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Residential properties owned"


# --- household formulas ----------------------------------------------------------------------

class household_size(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "N: co-resident members"

    def formula(household, period):
        return numpy.maximum(household.nb_persons(), 1)


class dibao_standard(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保 standard of the household's area, fen per person per month"

    def formula(household, period, parameters):
        p = parameters(period)
        urban = household("area", period) == Area.urban
        return by_area(urban, p.urban.dibao_standard, p.rural.dibao_standard)


class tekun_basic(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "特困 basic-living standard: ceil(tekun_multiplier x dibao_standard) in whole yuan, fen"

    def formula(household, period, parameters):
        p = parameters(period)
        urban = household("area", period) == Area.urban
        multiplier = by_area(urban, p.urban.tekun_multiplier, p.rural.tekun_multiplier)
        product = i64(multiplier) * household("dibao_standard", period)
        unit = SCALE * 100
        return (product + unit - 1) // unit * 100


class counted_household_income(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Counted household income per month, fen"

    def formula(household, period):
        return household.sum(household.members("counted_income", period))


def assets_within(household, period, parameters, months_name):
    p = parameters(period)
    urban = household("area", period) == Area.urban
    months = by_area(urban, getattr(p.urban, months_name), getattr(p.rural, months_name))
    standard = i64(household("dibao_standard", period))
    n = i64(household("household_size", period))
    limit = by_area(urban, p.urban.vehicle_limit, p.rural.vehicle_limit)
    max_houses = by_area(urban, p.urban.max_houses, p.rural.max_houses)
    return ((i64(household("financial_assets", period)) <= i64(months) * standard * n)
            & (household("vehicles_value", period) <= limit)
            & (household("houses_owned", period) <= max_houses))


class assets_ok(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "assets_ok(asset_months) (§3.3), for dibao and tekun"

    def formula(household, period, parameters):
        return assets_within(household, period, parameters, "asset_months")


class marginal_assets_ok(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "assets_ok(marginal_asset_months) (§3.3), for marginal"

    def formula(household, period, parameters):
        return assets_within(household, period, parameters, "marginal_asset_months")


class dibao_household_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "低保 for the household: per-capita income < standard (strictly), assets_ok"

    def formula(household, period):
        counted = i64(household("counted_household_income", period))
        line = i64(household("dibao_standard", period)) * household("household_size", period)
        return (counted < line) & household("assets_ok", period)


class marginal_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "低保边缘: not dibao, per-capita income < multiplier x standard, marginal assets"

    def formula(household, period, parameters):
        p = parameters(period)
        urban = household("area", period) == Area.urban
        multiplier = by_area(urban, p.urban.marginal_multiplier, p.rural.marginal_multiplier)
        counted = i64(household("counted_household_income", period))
        line = (i64(multiplier) * household("dibao_standard", period)) * household("household_size", period)
        return (~household("dibao_household_eligible", period)
                & (counted * SCALE < line)
                & household("marginal_assets_ok", period))


class individual_cover_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "单人保: a marginal household with a member of disability grade 1-2 or a serious illness"

    def formula(household, period):
        return household("marginal_eligible", period) & household.any(
            household.members("severe_disability_or_illness", period))


class dibao_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "低保 eligible: the household, or individual cover"

    def formula(household, period):
        return household("dibao_household_eligible", period) | household("individual_cover_eligible", period)


class dibao_amount(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保 monthly amount, whole yuan: standard x N - counted income, or the individual covers"

    def formula(household, period):
        counted = i64(household("counted_household_income", period))
        n = household("household_size", period)
        whole = i64(household("dibao_standard", period)) * n - counted
        individual = household.sum(household.members("individual_cover_amount", period))
        return numpy.select(
            [household("dibao_household_eligible", period), household("individual_cover_eligible", period)],
            [paid(whole), paid(individual)], 0)


class tekun_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "特困: a member eligible"

    def formula(household, period):
        return household.any(household.members("tekun_person_eligible", period))


class tekun_amount(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "特困 monthly amount, whole yuan: the sum over eligible members"

    def formula(household, period):
        total = household.sum(household.members("tekun_person_amount", period))
        return numpy.where(household("tekun_eligible", period), paid(total), 0)


VARIABLES = [age, disability_grade, disability_kind, serious_illness, has_able_supporter, self_care,
             *INCOME_VARIABLES, counted_income, severe_disability_or_illness, tekun_condition,
             tekun_person_eligible, tekun_person_amount, individual_cover_amount, area, financial_assets,
             vehicles_value, houses_owned, household_size, dibao_standard, tekun_basic,
             counted_household_income, assets_ok, marginal_assets_ok, dibao_household_eligible,
             marginal_eligible, individual_cover_eligible, dibao_eligible, dibao_amount, tekun_eligible,
             tekun_amount]
