//! Every rule id that can appear in the check trail of an assessment.

wire_enum! {
    /// Every rule id that can appear in a check trail: the one list of them.
    Rule {
        /// Counted income / N < dibao_standard (strict). dibao.
        PerCapitaIncomeBelowStandard = "per_capita_income_below_standard",
        /// Financial assets / N ≤ months × dibao_standard; months depends on the programme.
        FinancialAssetsPerCapitaWithinLimit = "financial_assets_per_capita_within_limit",
        /// Vehicles value ≤ vehicle_limit.
        VehiclesWithinLimit = "vehicles_within_limit",
        /// Houses owned ≤ max_houses.
        HousesWithinLimit = "houses_within_limit",
        /// dibao individual cover (单人保): the household is 低保边缘-eligible.
        MarginalForIndividualCover = "marginal_for_individual_cover",
        /// dibao individual cover, per member: disability grade 1–2 or a serious illness.
        SevereDisabilityOrIllness = "severe_disability_or_illness",
        /// tekun, per member: age ≥ 60, age < 18, grade 1–2, or grade 3 intellectual/mental.
        AgeOrDisabilityCondition = "age_or_disability_condition",
        /// tekun, per member: own counted income < dibao_standard (strict).
        OwnIncomeBelowStandard = "own_income_below_standard",
        /// tekun, per member: no able legal supporter.
        NoAbleSupporter = "no_able_supporter",
        /// marginal, rigid_expense: the household is not dibao-eligible.
        NotDibaoEligible = "not_dibao_eligible",
        /// Counted income / N < marginal_multiplier × dibao_standard (strict). marginal.
        PerCapitaIncomeBelowMarginalLine = "per_capita_income_below_marginal_line",
        /// rigid_expense: the household is not marginal-eligible.
        NotMarginalEligible = "not_marginal_eligible",
        /// 12 × counted income / N < disposable_income (strict). rigid_expense.
        PerCapitaAnnualIncomeBelowDisposableIncome = "per_capita_annual_income_below_disposable_income",
        /// Rigid expenses ≥ rigid_ratio × 12 × counted income. rigid_expense.
        RigidExpensesAtLeastRatioOfIncome = "rigid_expenses_at_least_ratio_of_income",
        /// An emergency is declared. temporary_emergency.
        EmergencyDeclared = "emergency_declared",
        /// Rigid expenses > 12 × counted income (strict). temporary_expense, medical.
        RigidExpensesAboveAnnualIncome = "rigid_expenses_above_annual_income",
        /// Counted income / N < expense_multiplier × dibao_standard (strict). temporary_expense.
        PerCapitaIncomeBelowExpenseLine = "per_capita_income_below_expense_line",
        /// medical: eligible for dibao, tekun, marginal or rigid_expense.
        AssistedHousehold = "assisted_household",
        /// education: the household qualifies for medical assistance.
        MedicalAssistanceHousehold = "medical_assistance_household",
        /// education: at least one student.
        HasStudent = "has_student",
        /// housing: eligible for dibao, tekun or marginal.
        DibaoTekunOrMarginalHousehold = "dibao_tekun_or_marginal_household",
        /// housing: no home or a dangerous one.
        HousingDifficulty = "housing_difficulty",
        /// employment: eligible for dibao or marginal.
        DibaoOrMarginalHousehold = "dibao_or_marginal_household",
        /// employment: a member aged 16–59 who can work and is not employed.
        HasAbleUnemployedMember = "has_able_unemployed_member",
        /// care_service: a tekun person living at home.
        TekunPersonAtHome = "tekun_person_at_home",
        /// charity, deliberation: none of dibao, tekun, marginal, rigid_expense, temporary_expense fits.
        NoProgrammeFits = "no_programme_fits",
        /// charity, deliberation: an emergency, rigid expenses above 0, or special hardship.
        HardshipReported = "hardship_reported",
    }
}
