//! The question pages of the self-check: one topic per page.

use leptos::either::EitherOf7;
use leptos::prelude::*;
use rules::{DisabilityKind, EmergencyKind, IncomeKind, SelfCare, Urgency};

use super::answers::{field, person_field, Answers, FieldProblem, Problem, Step, ASKED_INCOMES};
use crate::form_fields::{
    number_field, radio_field, select_field, tick_box, Choice, NumberKind, SummaryLine,
};
use crate::i18n::{tr, Lang};
use crate::posted_form::Fields;

/// The page's title: the question it asks.
pub fn title(lang: Lang, step: Step) -> &'static str {
    match step {
        Step::Start => tr::check_start_title(lang),
        Step::Household => tr::check_household_title(lang),
        Step::People => tr::check_people_title(lang),
        Step::Income => tr::check_income_title(lang),
        Step::Assets => tr::check_assets_title(lang),
        Step::Expenses => tr::check_expenses_title(lang),
        Step::Emergency => tr::check_emergency_title(lang),
        Step::Result => tr::check_result_title(lang),
    }
}

/// The fields of a question page.
pub fn questions(
    lang: Lang,
    step: Step,
    answers: &Answers,
    shown: &Fields,
    problems: &[FieldProblem],
) -> impl IntoView {
    let page = Page {
        lang,
        shown,
        problems,
    };
    match step {
        Step::Household => EitherOf7::A(page.household()),
        Step::People => EitherOf7::B(page.people(answers.household_size())),
        Step::Income => EitherOf7::C(page.incomes(answers)),
        Step::Assets => EitherOf7::D(page.assets()),
        Step::Expenses => EitherOf7::E(page.expenses()),
        Step::Emergency => EitherOf7::F(page.emergency()),
        Step::Start | Step::Result => EitherOf7::G(()),
    }
}

/// The error summary's lines: each problem with the question it belongs to.
pub fn summary_lines(lang: Lang, problems: &[FieldProblem]) -> Vec<SummaryLine> {
    problems
        .iter()
        .map(|p| SummaryLine {
            field: p.field.clone(),
            text: tr::check_summary_line(
                lang,
                field_label(lang, &p.field),
                problem_message(lang, p.problem),
            ),
        })
        .collect()
}

pub fn problem_message(lang: Lang, problem: Problem) -> &'static str {
    match problem {
        Problem::ChooseArea => tr::check_problem_choose_area(lang),
        Problem::EnterSize => tr::check_problem_enter_size(lang),
        Problem::SizeOutOfRange => tr::check_problem_size_out_of_range(lang),
        Problem::EnterAge => tr::check_problem_enter_age(lang),
        Problem::AgeOutOfRange => tr::check_problem_age_out_of_range(lang),
        Problem::ChooseGrade => tr::check_problem_choose_grade(lang),
        Problem::ChooseKind => tr::check_problem_choose_kind(lang),
        Problem::MoneyNotANumber => tr::check_problem_money_not_a_number(lang),
        Problem::MoneyNegative => tr::check_problem_money_negative(lang),
        Problem::MoneyTooLarge => tr::check_problem_money_too_large(lang),
        Problem::HousesNotAWholeNumber => tr::check_problem_houses_not_a_whole_number(lang),
        Problem::ChooseYesOrNo => tr::check_problem_choose_yes_or_no(lang),
        Problem::ChooseWhatHappened => tr::check_problem_choose_what_happened(lang),
        Problem::ChooseUrgency => tr::check_problem_choose_urgency(lang),
    }
}

/// The question a field asks, for the error summary: "Person 2: age".
fn field_label(lang: Lang, name: &str) -> String {
    if let Some((index, rest)) = person_of(name) {
        let question = match rest {
            person_field::AGE => tr::check_age_label(lang),
            person_field::GRADE => tr::check_grade_label(lang),
            person_field::KIND => tr::check_kind_label(lang),
            other => other
                .strip_prefix("income.")
                .and_then(IncomeKind::parse)
                .map_or(tr::check_income_title(lang), |kind| {
                    income_label(lang, kind)
                }),
        };
        return tr::check_person_prefix(lang, index + 1, question);
    }
    match name {
        field::AREA => tr::check_area_legend(lang),
        field::SIZE => tr::check_size_label(lang),
        field::FINANCIAL => tr::check_financial_label(lang),
        field::VEHICLES => tr::check_vehicles_label(lang),
        field::HOUSES => tr::check_houses_label(lang),
        field::MEDICAL => tr::check_medical_label(lang),
        field::EDUCATION => tr::check_education_label(lang),
        field::REHABILITATION => tr::check_rehabilitation_label(lang),
        field::HOUSING_DIFFICULTY => tr::check_housing_difficulty_legend(lang),
        field::SPECIAL_HARDSHIP => tr::check_special_hardship_legend(lang),
        field::WHAT_HAPPENED => tr::check_what_happened_legend(lang),
        field::URGENCY => tr::check_urgency_legend(lang),
        _ => tr::check_start_title(lang),
    }
    .to_owned()
}

/// `p3.age` → (3, "age").
fn person_of(name: &str) -> Option<(usize, &str)> {
    let (person, rest) = name.strip_prefix('p')?.split_once('.')?;
    Some((person.parse().ok()?, rest))
}

pub fn income_label(lang: Lang, kind: IncomeKind) -> &'static str {
    match kind {
        IncomeKind::Wages => tr::check_income_wages(lang),
        IncomeKind::Pension => tr::check_income_pension(lang),
        IncomeKind::Farming => tr::check_income_farming(lang),
        IncomeKind::Business => tr::check_income_business(lang),
        IncomeKind::Property => tr::check_income_property(lang),
        IncomeKind::Support => tr::check_income_support(lang),
        _ => tr::check_income_other(lang),
    }
}

pub fn person_legend(lang: Lang, index: usize) -> String {
    if index == 0 {
        tr::check_person_first(lang).to_owned()
    } else {
        tr::check_person_n(lang, index + 1)
    }
}

pub fn emergency_label(lang: Lang, kind: EmergencyKind) -> &'static str {
    match kind {
        EmergencyKind::Fire => tr::check_emergency_fire(lang),
        EmergencyKind::Disaster => tr::check_emergency_disaster(lang),
        EmergencyKind::Accident => tr::check_emergency_accident(lang),
        EmergencyKind::Illness => tr::check_emergency_illness(lang),
        EmergencyKind::Bereavement => tr::check_emergency_bereavement(lang),
        EmergencyKind::Other => tr::check_emergency_other(lang),
    }
}

pub fn urgency_label(lang: Lang, urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Critical => tr::check_urgency_critical(lang),
        Urgency::Urgent => tr::check_urgency_urgent(lang),
    }
}

struct Page<'a> {
    lang: Lang,
    shown: &'a Fields,
    problems: &'a [FieldProblem],
}

impl Page<'_> {
    fn problem(&self, name: &str) -> Option<&'static str> {
        self.problems
            .iter()
            .find(|p| p.field == name)
            .map(|p| problem_message(self.lang, p.problem))
    }

    fn money(
        &self,
        name: String,
        label: String,
        hint: Option<&'static str>,
        unit: &'static str,
    ) -> impl IntoView {
        let problem = self.problem(&name);
        let value = self.shown.text(&name);
        number_field(
            self.lang,
            name,
            label,
            hint,
            Some(unit),
            NumberKind::Money,
            value,
            problem,
        )
    }

    fn yes_no(&self, name: &str, legend: &'static str, hint: &'static str) -> impl IntoView {
        let lang = self.lang;
        radio_field(
            lang,
            name.to_owned(),
            legend.to_owned(),
            Some(hint),
            vec![
                Choice::new(field::YES, tr::check_yes(lang)),
                Choice::new(field::NO, tr::check_no(lang)),
            ],
            self.shown.get(name).map(str::to_owned),
            self.problem(name),
        )
    }

    fn household(&self) -> impl IntoView {
        let lang = self.lang;
        let area = radio_field(
            lang,
            field::AREA.to_owned(),
            tr::check_area_legend(lang).to_owned(),
            Some(tr::check_area_hint(lang)),
            vec![
                Choice::new("urban", tr::check_area_urban(lang)),
                Choice::new("rural", tr::check_area_rural(lang)),
            ],
            self.shown.get(field::AREA).map(str::to_owned),
            self.problem(field::AREA),
        );
        let size = number_field(
            lang,
            field::SIZE.to_owned(),
            tr::check_size_label(lang).to_owned(),
            Some(tr::check_size_hint(lang)),
            Some(tr::check_size_unit(lang)),
            NumberKind::Whole,
            self.shown.text(field::SIZE),
            self.problem(field::SIZE),
        );
        view! { {area} {size} }
    }

    fn people(&self, size: usize) -> impl IntoView {
        let lang = self.lang;
        (0..size)
            .map(|index| {
                let name = |n: &str| field::person(index, n);
                let age = number_field(
                    lang,
                    name(person_field::AGE),
                    tr::check_age_label(lang).to_owned(),
                    None,
                    Some(tr::check_age_unit(lang)),
                    NumberKind::Whole,
                    self.shown.text(&name(person_field::AGE)),
                    self.problem(&name(person_field::AGE)),
                );
                let grades = std::iter::once(Choice::new(
                    field::NO_DISABILITY,
                    tr::check_grade_none(lang),
                ))
                .chain([
                    Choice::new("1", tr::check_grade_1(lang)),
                    Choice::new("2", tr::check_grade_2(lang)),
                    Choice::new("3", tr::check_grade_3(lang)),
                    Choice::new("4", tr::check_grade_4(lang)),
                ])
                .collect();
                let grade = select_field(
                    lang,
                    name(person_field::GRADE),
                    tr::check_grade_label(lang).to_owned(),
                    grades,
                    self.shown
                        .get(&name(person_field::GRADE))
                        .map(str::to_owned),
                    self.problem(&name(person_field::GRADE)),
                );
                let kinds = std::iter::once(Choice::new("", tr::check_kind_none(lang)))
                    .chain(
                        DisabilityKind::ALL
                            .iter()
                            .map(|k| Choice::new(k.as_str(), disability_label(lang, *k))),
                    )
                    .collect();
                let kind = select_field(
                    lang,
                    name(person_field::KIND),
                    tr::check_kind_label(lang).to_owned(),
                    kinds,
                    self.shown.get(&name(person_field::KIND)).map(str::to_owned),
                    self.problem(&name(person_field::KIND)),
                );
                let ticks = person_field::TICKS
                    .into_iter()
                    .map(|tick| {
                        tick_box(
                            name(tick),
                            tick_label(lang, tick),
                            self.shown.ticked(&name(tick)),
                        )
                    })
                    .collect_view();
                let care_chosen = self
                    .shown
                    .get(&name(person_field::SELF_CARE))
                    .unwrap_or(SelfCare::Full.as_str())
                    .to_owned();
                let care = radio_field(
                    lang,
                    name(person_field::SELF_CARE),
                    tr::check_self_care_legend(lang).to_owned(),
                    None,
                    vec![
                        Choice::new(SelfCare::Full.as_str(), tr::check_self_care_full(lang)),
                        Choice::new(
                            SelfCare::Partial.as_str(),
                            tr::check_self_care_partial(lang),
                        ),
                        Choice::new(SelfCare::Unable.as_str(), tr::check_self_care_none(lang)),
                    ],
                    Some(care_chosen),
                    None,
                );
                view! {
                    <fieldset class="person">
                        <legend class="person-legend">{person_legend(lang, index)}</legend>
                        {age}
                        {grade}
                        {kind}
                        <div class="field">
                            <fieldset>
                                <legend>{tr::check_ticks_legend(lang)}</legend>
                                <p class="hint">{tr::check_ticks_hint(lang)}</p>
                                <div class="choices">{ticks}</div>
                            </fieldset>
                        </div>
                        {care}
                    </fieldset>
                }
            })
            .collect_view()
    }

    fn incomes(&self, answers: &Answers) -> impl IntoView {
        let lang = self.lang;
        let people = answers
            .people
            .iter()
            .enumerate()
            .map(|(index, person)| {
                let legend = match person.age {
                    Some(age) => tr::check_person_with_age(lang, person_legend(lang, index), age),
                    None => person_legend(lang, index),
                };
                let boxes = ASKED_INCOMES
                    .into_iter()
                    .map(|kind| {
                        self.money(
                            field::income(index, kind),
                            income_label(lang, kind).to_owned(),
                            None,
                            tr::check_unit_per_month(lang),
                        )
                    })
                    .collect_view();
                view! {
                    <fieldset class="person">
                        <legend class="person-legend">{legend}</legend>
                        {boxes}
                    </fieldset>
                }
            })
            .collect_view();
        view! {
            <p class="lead">{tr::check_income_hint(lang)}</p>
            <div class="notice">
                <p><strong>{tr::check_exempt_heading(lang)}</strong></p>
                <p>{tr::check_exempt_text(lang)}</p>
            </div>
            {people}
        }
    }

    fn assets(&self) -> impl IntoView {
        let lang = self.lang;
        let yuan = tr::check_unit_yuan(lang);
        let houses = number_field(
            lang,
            field::HOUSES.to_owned(),
            tr::check_houses_label(lang).to_owned(),
            Some(tr::check_houses_hint(lang)),
            Some(tr::check_houses_unit(lang)),
            NumberKind::Whole,
            self.shown.text(field::HOUSES),
            self.problem(field::HOUSES),
        );
        view! {
            {self.money(field::FINANCIAL.to_owned(), tr::check_financial_label(lang).to_owned(), Some(tr::check_financial_hint(lang)), yuan)}
            {self.money(field::VEHICLES.to_owned(), tr::check_vehicles_label(lang).to_owned(), Some(tr::check_vehicles_hint(lang)), yuan)}
            {houses}
        }
    }

    fn expenses(&self) -> impl IntoView {
        let lang = self.lang;
        let yuan = tr::check_unit_yuan(lang);
        view! {
            <p class="lead">{tr::check_expenses_hint(lang)}</p>
            {self.money(field::MEDICAL.to_owned(), tr::check_medical_label(lang).to_owned(), Some(tr::check_medical_hint(lang)), yuan)}
            {self.money(field::EDUCATION.to_owned(), tr::check_education_label(lang).to_owned(), None, yuan)}
            {self.money(field::REHABILITATION.to_owned(), tr::check_rehabilitation_label(lang).to_owned(), None, yuan)}
            {self.yes_no(field::HOUSING_DIFFICULTY, tr::check_housing_difficulty_legend(lang), tr::check_housing_difficulty_hint(lang))}
            {self.yes_no(field::SPECIAL_HARDSHIP, tr::check_special_hardship_legend(lang), tr::check_special_hardship_hint(lang))}
        }
    }

    fn emergency(&self) -> impl IntoView {
        let lang = self.lang;
        let what = std::iter::once(Choice::new(
            field::NOTHING,
            tr::check_emergency_nothing(lang),
        ))
        .chain(
            EmergencyKind::ALL
                .iter()
                .map(|k| Choice::new(k.as_str(), emergency_label(lang, *k))),
        )
        .collect();
        let urgencies = Urgency::ALL
            .iter()
            .map(|u| {
                let hint = match u {
                    Urgency::Critical => tr::check_urgency_critical_hint(lang),
                    Urgency::Urgent => tr::check_urgency_urgent_hint(lang),
                };
                Choice::new(u.as_str(), urgency_label(lang, *u)).with_hint(hint)
            })
            .collect();
        view! {
            <p class="urgent-banner">
                {tr::check_emergency_call_first(lang)} " "
                <a href="/help/urgent">{tr::check_emergency_call_link(lang)}</a>
            </p>
            {radio_field(lang, field::WHAT_HAPPENED.to_owned(), tr::check_what_happened_legend(lang).to_owned(),
                None, what, self.shown.get(field::WHAT_HAPPENED).map(str::to_owned), self.problem(field::WHAT_HAPPENED))}
            {radio_field(lang, field::URGENCY.to_owned(), tr::check_urgency_legend(lang).to_owned(),
                Some(tr::check_urgency_hint(lang)), urgencies, self.shown.get(field::URGENCY).map(str::to_owned),
                self.problem(field::URGENCY))}
        }
    }
}

pub fn disability_label(lang: Lang, kind: DisabilityKind) -> &'static str {
    match kind {
        DisabilityKind::Physical => tr::check_kind_physical(lang),
        DisabilityKind::Visual => tr::check_kind_visual(lang),
        DisabilityKind::Hearing => tr::check_kind_hearing(lang),
        DisabilityKind::Speech => tr::check_kind_speech(lang),
        DisabilityKind::Intellectual => tr::check_kind_intellectual(lang),
        DisabilityKind::Mental => tr::check_kind_mental(lang),
        DisabilityKind::Multiple => tr::check_kind_multiple(lang),
    }
}

fn tick_label(lang: Lang, tick: &str) -> &'static str {
    match tick {
        person_field::SERIOUS_ILLNESS => tr::check_tick_serious_illness(lang),
        person_field::STUDENT => tr::check_tick_student(lang),
        person_field::CAN_WORK => tr::check_tick_can_work(lang),
        person_field::EMPLOYED => tr::check_tick_employed(lang),
        _ => tr::check_tick_has_able_supporter(lang),
    }
}
