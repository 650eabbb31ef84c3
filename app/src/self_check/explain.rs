//! The rules engine's check trail in words a resident understands: each check as one sentence
//! with their figure and the line it is compared with.

use rules::{Check, Measure, ProgrammeId, Rule, Status};

use crate::i18n::{format_yuan, tr, Lang};

/// One check as a sentence: "Counted income per person each month is ¥300; it must be below the
/// dibao standard of ¥980", prefixed with the person it is about.
pub fn check_sentence(lang: Lang, check: &Check) -> String {
    let sentence = rule_sentence(lang, check.rule, check.value, check.threshold);
    match check.member {
        Some(index) => tr::check_person_prefix(lang, index + 1, sentence),
        None => sentence,
    }
}

/// "Meets this" or "Does not meet this", never colour alone.
pub fn met_label(lang: Lang, passed: bool) -> &'static str {
    if passed {
        tr::check_met(lang)
    } else {
        tr::check_not_met(lang)
    }
}

pub fn programme_name(lang: Lang, programme: ProgrammeId) -> &'static str {
    match programme {
        ProgrammeId::Dibao => tr::check_programme_dibao(lang),
        ProgrammeId::Tekun => tr::check_programme_tekun(lang),
        ProgrammeId::Marginal => tr::check_programme_marginal(lang),
        ProgrammeId::RigidExpense => tr::check_programme_rigid_expense(lang),
        ProgrammeId::TemporaryEmergency => tr::check_programme_temporary_emergency(lang),
        ProgrammeId::TemporaryExpense => tr::check_programme_temporary_expense(lang),
        ProgrammeId::Medical => tr::check_programme_medical(lang),
        ProgrammeId::Education => tr::check_programme_education(lang),
        ProgrammeId::Housing => tr::check_programme_housing(lang),
        ProgrammeId::Employment => tr::check_programme_employment(lang),
        ProgrammeId::CareService => tr::check_programme_care_service(lang),
        ProgrammeId::Charity => tr::check_programme_charity(lang),
        ProgrammeId::Deliberation => tr::check_programme_deliberation(lang),
    }
}

pub fn status_label(lang: Lang, status: Status) -> &'static str {
    match status {
        Status::Eligible => tr::check_status_eligible(lang),
        Status::NeedsReview => tr::check_status_needs_review(lang),
        Status::Ineligible => tr::check_status_ineligible(lang),
    }
}

fn measure(lang: Lang, value: Measure) -> String {
    match value {
        Measure::Yuan(yuan) => format_yuan(yuan),
        Measure::Count(n) => n.to_string(),
        Measure::Flag(true) => tr::check_yes(lang).to_owned(),
        Measure::Flag(false) => tr::check_no(lang).to_owned(),
        Measure::None => String::new(),
    }
}

fn rule_sentence(lang: Lang, rule: Rule, value: Measure, threshold: Measure) -> String {
    let v = || measure(lang, value);
    let t = || measure(lang, threshold);
    match rule {
        Rule::PerCapitaIncomeBelowStandard => {
            tr::check_rule_per_capita_income_below_standard(lang, v(), t())
        }
        Rule::FinancialAssetsPerCapitaWithinLimit => {
            tr::check_rule_financial_assets_per_capita_within_limit(lang, v(), t())
        }
        Rule::VehiclesWithinLimit => tr::check_rule_vehicles_within_limit(lang, v(), t()),
        Rule::HousesWithinLimit => tr::check_rule_houses_within_limit(lang, v(), t()),
        Rule::OwnIncomeBelowStandard => tr::check_rule_own_income_below_standard(lang, v(), t()),
        Rule::PerCapitaIncomeBelowMarginalLine => {
            tr::check_rule_per_capita_income_below_marginal_line(lang, v(), t())
        }
        Rule::PerCapitaAnnualIncomeBelowDisposableIncome => {
            tr::check_rule_per_capita_annual_income_below_disposable_income(lang, v(), t())
        }
        Rule::RigidExpensesAtLeastRatioOfIncome => {
            tr::check_rule_rigid_expenses_at_least_ratio_of_income(lang, v(), t())
        }
        Rule::RigidExpensesAboveAnnualIncome => {
            tr::check_rule_rigid_expenses_above_annual_income(lang, v(), t())
        }
        Rule::PerCapitaIncomeBelowExpenseLine => {
            tr::check_rule_per_capita_income_below_expense_line(lang, v(), t())
        }
        Rule::MarginalForIndividualCover => {
            tr::check_rule_marginal_for_individual_cover(lang).to_owned()
        }
        Rule::SevereDisabilityOrIllness => {
            tr::check_rule_severe_disability_or_illness(lang).to_owned()
        }
        Rule::AgeOrDisabilityCondition => {
            tr::check_rule_age_or_disability_condition(lang).to_owned()
        }
        Rule::NoAbleSupporter => tr::check_rule_no_able_supporter(lang).to_owned(),
        Rule::NotDibaoEligible => tr::check_rule_not_dibao_eligible(lang).to_owned(),
        Rule::NotMarginalEligible => tr::check_rule_not_marginal_eligible(lang).to_owned(),
        Rule::EmergencyDeclared => tr::check_rule_emergency_declared(lang).to_owned(),
        Rule::AssistedHousehold => tr::check_rule_assisted_household(lang).to_owned(),
        Rule::MedicalAssistanceHousehold => {
            tr::check_rule_medical_assistance_household(lang).to_owned()
        }
        Rule::HasStudent => tr::check_rule_has_student(lang).to_owned(),
        Rule::DibaoTekunOrMarginalHousehold => {
            tr::check_rule_dibao_tekun_or_marginal_household(lang).to_owned()
        }
        Rule::HousingDifficulty => tr::check_rule_housing_difficulty(lang).to_owned(),
        Rule::DibaoOrMarginalHousehold => {
            tr::check_rule_dibao_or_marginal_household(lang).to_owned()
        }
        Rule::HasAbleUnemployedMember => tr::check_rule_has_able_unemployed_member(lang).to_owned(),
        Rule::TekunPersonAtHome => tr::check_rule_tekun_person_at_home(lang).to_owned(),
        Rule::NoProgrammeFits => tr::check_rule_no_programme_fits(lang).to_owned(),
        Rule::HardshipReported => tr::check_rule_hardship_reported(lang).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_money_check_shows_the_figure_and_the_line() {
        let check = Check {
            rule: Rule::PerCapitaIncomeBelowStandard,
            member: None,
            passed: true,
            value: Measure::Yuan(326.666_666),
            threshold: Measure::Yuan(980.0),
        };
        assert_eq!(
            check_sentence(Lang::Zh, &check),
            "每人每月算进去的收入是 ¥326.67，要低于低保标准 ¥980"
        );
        assert_eq!(
            check_sentence(Lang::En, &check),
            "Counted income per person each month is ¥326.67; it must be below the dibao standard of ¥980"
        );
    }

    #[test]
    fn a_check_about_one_person_names_them() {
        let check = Check {
            rule: Rule::NoAbleSupporter,
            member: Some(1),
            passed: false,
            value: Measure::Flag(true),
            threshold: Measure::None,
        };
        assert_eq!(
            check_sentence(Lang::Zh, &check),
            "第 2 位：没有能养活他（她）的子女或其他法定赡养人"
        );
    }
}
