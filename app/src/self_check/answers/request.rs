//! The answers converted to the rules engine's request.

use rules::{
    AssetsRequest, EmergencyRequest, HouseholdRequest, IncomeRequest, MemberRequest, SelfCare,
};

use super::{Answers, EmergencyAnswer, Person};

impl Answers {
    /// The answers as the rules engine's request (the body of `POST /api/v1/eligibility`).
    pub fn to_request(&self) -> HouseholdRequest {
        let expenses = self.expenses.unwrap_or_default();
        HouseholdRequest {
            area: self.area.map(|a| a.as_str().to_owned()),
            members: Some(self.people.iter().map(Person::to_request).collect()),
            assets: self.assets.map(|a| AssetsRequest {
                financial: Some(a.financial),
                vehicles_value: Some(a.vehicles_value),
                houses_owned: Some(f64::from(a.houses_owned)),
            }),
            rigid_expenses_12m: Some(
                expenses.medical + expenses.education + expenses.rehabilitation,
            ),
            housing_difficulty: expenses.housing_difficulty,
            special_hardship: expenses.special_hardship,
            emergency: match self.emergency {
                Some(EmergencyAnswer::Happened { kind, urgency }) => Some(EmergencyRequest {
                    kind: Some(kind.as_str().to_owned()),
                    urgency: Some(urgency.as_str().to_owned()),
                }),
                _ => None,
            },
        }
    }
}

impl Person {
    fn to_request(&self) -> MemberRequest {
        MemberRequest {
            age: self.age.map(f64::from),
            disability_grade: self.disability_grade.map(f64::from),
            disability_kind: self.disability_kind.map(|k| k.as_str().to_owned()),
            serious_illness: self.serious_illness,
            can_work: self.can_work,
            employed: self.employed,
            student: self.student,
            has_able_supporter: self.has_able_supporter,
            self_care: Some(self.self_care.unwrap_or(SelfCare::Full).as_str().to_owned()),
            incomes: self
                .incomes
                .iter()
                .map(|(kind, monthly)| IncomeRequest {
                    kind: Some(kind.as_str().to_owned()),
                    monthly: Some(*monthly),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::self_check::answers::testing::{answered_household, fields};
    use crate::self_check::answers::Step;

    #[test]
    fn the_request_sums_rigid_expenses_and_leaves_out_zero_incomes() {
        let mut answers = answered_household();
        answers
            .apply(
                Step::Income,
                &fields(&[("p0.income.wages", "1200"), ("p0.income.other", "0")]),
            )
            .expect("valid");
        answers
            .apply(
                Step::Expenses,
                &fields(&[
                    ("medical", "100.25"),
                    ("education", "50"),
                    ("rehabilitation", ""),
                    ("housing_difficulty", "yes"),
                    ("special_hardship", "no"),
                ]),
            )
            .expect("valid");
        let request = answers.to_request();
        assert_eq!(request.rigid_expenses_12m, Some(150.25));
        assert!(request.housing_difficulty);
        let members = request.members.unwrap_or_default();
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].incomes.len(), 1);
    }
}
