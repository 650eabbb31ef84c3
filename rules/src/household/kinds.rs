//! The enum values of the valid model: area, income and disability kinds, self-care, emergencies.

wire_enum! {
    /// Which standards apply.
    Area { Urban = "urban", Rural = "rural" }
}

wire_enum! {
    /// Kind of income (POLICY.md §3.2).
    IncomeKind {
        Wages = "wages",
        Business = "business",
        Farming = "farming",
        Property = "property",
        Pension = "pension",
        /// 赡养/抚养费.
        Support = "support",
        Other = "other",
        /// 优抚金.
        VeteranBenefit = "veteran_benefit",
        FamilyPlanningAward = "family_planning_award",
        /// 见义勇为奖励.
        BraveryAward = "bravery_award",
        /// 救助金.
        AssistancePayment = "assistance_payment",
        /// 城乡居民基础养老金中央基础部分.
        BasicPensionCentral = "basic_pension_central",
        /// 残疾人两项补贴.
        DisabilityAllowance = "disability_allowance",
    }
}

impl IncomeKind {
    /// Exempt kinds are not counted as income.
    pub const fn is_exempt(self) -> bool {
        matches!(
            self,
            IncomeKind::VeteranBenefit
                | IncomeKind::FamilyPlanningAward
                | IncomeKind::BraveryAward
                | IncomeKind::AssistancePayment
                | IncomeKind::BasicPensionCentral
                | IncomeKind::DisabilityAllowance
        )
    }
}

wire_enum! {
    /// Kind of disability.
    DisabilityKind {
        Physical = "physical",
        Visual = "visual",
        Hearing = "hearing",
        Speech = "speech",
        Intellectual = "intellectual",
        Mental = "mental",
        Multiple = "multiple",
    }
}

wire_enum! {
    /// Ability to care for oneself; selects the 特困 care supplement.
    SelfCare {
        Full = "full",
        Partial = "partial",
        /// Wholly unable (`none` on the wire).
        Unable = "none",
    }
}

wire_enum! {
    /// What happened.
    EmergencyKind {
        Fire = "fire",
        Disaster = "disaster",
        Accident = "accident",
        Illness = "illness",
        Bereavement = "bereavement",
        Other = "other",
    }
}

wire_enum! {
    /// How fast help is needed.
    Urgency {
        /// Life or safety at risk, no food or shelter today: advance within 2 hours.
        Critical = "critical",
        /// Advance within 24 hours.
        Urgent = "urgent",
    }
}

impl Urgency {
    /// The advance-assistance deadline in hours.
    pub const fn advance_within_hours(self) -> u8 {
        match self {
            Urgency::Critical => 2,
            Urgency::Urgent => 24,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn income_kinds() {
        assert_eq!(IncomeKind::ALL.len(), 13);
        assert_eq!(IncomeKind::ALL.iter().filter(|k| k.is_exempt()).count(), 6);
        for k in IncomeKind::ALL {
            assert_eq!(IncomeKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(IncomeKind::parse("Wages"), None);
    }
}
