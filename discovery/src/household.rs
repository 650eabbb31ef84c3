//! Households assembled from the household register, and the rules engine's household built
//! from what the department files say about each member.
//!
//! Where the data cannot say what the rules ask, this module decides, and the candidate's
//! completeness score says how much was known:
//! - **Who lives together**: everyone with the same household number in the register, less
//!   those the deaths file says have died by the day of the run. A person in no household is
//!   counted and left out: there is no one to visit.
//! - **Income**: the latest wage average and each kind of pension paid in the 12 months before
//!   the run's month, an active business's declared income, a monitored rural household's
//!   farming income; the central basic part of the residents' pension is exempt.
//! - **Employed**: a wage above zero in those 12 months or an active business, unless an
//!   unemployment registration is open. **Can work**: aged 16–59, not a student, no grade 1–2
//!   disability and no registered serious illness.
//! - **Student**: a students row of this school year or the one before (the education bureau's
//!   file can be a year behind).
//! - **Able supporter**: another member of the household, not related as `other` (no legal duty
//!   to support), with no grade 1–2 disability or serious illness, who is aged 18–59 or has a
//!   counted income of at least the area's dibao standard (the register shows no supporter
//!   living elsewhere).
//! - **Self-care**: grade 1 disability `none`, grade 2 `partial`, else `full`.
//! - **Assets**: vehicles (disability vehicles left out) and residential properties over the
//!   household; financial assets are never in department data and count as 0, which the score
//!   shows as unknown.
//! - **Rigid expenses**: medical out-of-pocket costs of those 12 months and the rehabilitation the
//!   disability file reports.
//! - **Special hardship**: a rural household monitored for a sudden serious hardship.

use std::collections::HashMap;

use rules::{Area, Fen, Household, Income, IncomeKind, Member, SelfCare};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::fact::{
    BusinessStatus, Fact, MonitoringCategory, PensionKind, PropertyUse, Registration, Relation,
    VehicleKind,
};
use crate::kind::{Kind, KindSet};

/// A person as the data know them: the keyed hash of their ID number, never the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonKey(pub [u8; 32]);

/// One record of a person, with its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    pub kind: Kind,
    pub record_id: String,
    pub observed_on: Date,
    pub fact: Fact,
}

/// Everything the data say about one person.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub key: PersonKey,
    pub records: Vec<Sourced>,
}

impl Person {
    /// The latest registration, if the person is in the register.
    pub fn registration(&self) -> Option<&Registration> {
        self.records
            .iter()
            .filter_map(|r| match &r.fact {
                Fact::Registration(reg) => Some((r.observed_on, reg.as_ref())),
                _ => None,
            })
            .max_by_key(|(on, _)| *on)
            .map(|(_, reg)| reg)
    }

    fn died_by(&self, day: Date) -> bool {
        self.records
            .iter()
            .any(|r| matches!(r.fact, Fact::Death { died_on } if died_on <= day))
    }
}

/// How the people in the data came together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssemblyCount {
    pub persons: u64,
    /// In a department file but not in the household register.
    pub without_household: u64,
    pub died: u64,
    pub households: u64,
}

/// A household of the register, its living members head first.
#[derive(Debug, Clone)]
pub struct RegisteredHousehold<'a> {
    pub household_no: &'a str,
    pub members: Vec<(&'a Person, &'a Registration)>,
}

impl RegisteredHousehold<'_> {
    /// The member whose registration names the place: the head, or the first member.
    pub fn head(&self) -> Option<&Registration> {
        self.members.first().map(|(_, r)| *r)
    }
}

/// Groups people into the register's households, as of `day`.
pub fn assemble(persons: &[Person], day: Date) -> (Vec<RegisteredHousehold<'_>>, AssemblyCount) {
    let mut count = AssemblyCount {
        persons: persons.len() as u64,
        ..AssemblyCount::default()
    };
    let mut by_number: HashMap<&str, Vec<(&Person, &Registration)>> = HashMap::new();
    for person in persons {
        let Some(registration) = person.registration() else {
            count.without_household += 1;
            continue;
        };
        if person.died_by(day) {
            count.died += 1;
            continue;
        }
        by_number
            .entry(registration.household_no.as_str())
            .or_default()
            .push((person, registration));
    }
    let mut households: Vec<RegisteredHousehold> = by_number
        .into_iter()
        .map(|(household_no, mut members)| {
            members.sort_by_key(|(p, r)| {
                (r.relation != crate::fact::Relation::Head, r.relation, p.key)
            });
            RegisteredHousehold {
                household_no,
                members,
            }
        })
        .collect();
    households.sort_by(|a, b| a.household_no.cmp(b.household_no));
    count.households = households.len() as u64;
    (households, count)
}

/// The 12 whole months before `day`'s month: the window incomes and expenses are averaged over.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub day: Date,
    pub from: Date,
    pub until: Date,
}

impl Window {
    pub fn before(day: Date) -> Window {
        let until = day.replace_day(1).unwrap_or(day);
        let from = Date::from_calendar_date(until.year() - 1, until.month(), 1).unwrap_or(until);
        Window { day, from, until }
    }

    fn holds(&self, date: Date) -> bool {
        self.from <= date && date < self.until
    }

    /// The school year going on on the day (it begins in September).
    fn school_year(&self) -> i32 {
        if self.day.month() >= Month::September {
            self.day.year()
        } else {
            self.day.year() - 1
        }
    }
}

/// Whole years from `born` to `day`.
pub fn age_on(born: Date, day: Date) -> u8 {
    let mut years = day.year() - born.year();
    if (day.month(), day.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years.clamp(0, 130) as u8
}

/// The rules' household built from the data, with what went into it.
#[derive(Debug, Clone)]
pub struct Built {
    pub household: Household,
    /// Which kinds of file said something about the household.
    pub sources: KindSet,
    /// The records used: (member index, kind, record id, day).
    pub records: Vec<(usize, Kind, String, Date)>,
    /// 0–100: the share of the rules' inputs that came from a file imported for the run.
    pub score: u8,
}

struct MemberFacts {
    member: Member,
    able: bool,
    vehicles: Fen,
    houses: u32,
    rigid: Fen,
    special_hardship: bool,
}

fn member_facts(
    person: &Person,
    registration: &Registration,
    window: &Window,
    dibao_standard: Fen,
) -> MemberFacts {
    let age = age_on(registration.birth_date, window.day);
    let mut member = Member::new(age);
    let mut vehicles = Fen::ZERO;
    let mut houses = 0;
    let mut rigid = Fen::ZERO;
    let mut special_hardship = false;
    let mut wage: Option<(Date, i64)> = None;
    let mut pensions: HashMap<PensionKind, (Date, i64)> = HashMap::new();
    let mut business_income = 0_i64;
    let mut active_business = false;
    let mut farming: Option<(Date, i64)> = None;
    let mut unemployed = false;
    let disability = person
        .records
        .iter()
        .filter_map(|r| match &r.fact {
            Fact::Disability { certified_on, .. } if *certified_on <= window.day => {
                Some((*certified_on, &r.fact))
            }
            _ => None,
        })
        .max_by_key(|(on, _)| *on)
        .map(|(_, fact)| fact);
    if let Some(Fact::Disability {
        grade,
        kind,
        rehabilitation_12m,
        ..
    }) = disability
    {
        member.disability_grade = Some(*grade);
        member.disability_kind = Some(*kind);
        member.self_care = match grade {
            1 => SelfCare::Unable,
            2 => SelfCare::Partial,
            _ => SelfCare::Full,
        };
        rigid = rigid.saturating_add(Fen(*rehabilitation_12m));
    }
    for record in &person.records {
        match &record.fact {
            Fact::SeriousIllness { since, .. } if *since <= window.day => {
                member.serious_illness = true;
            }
            Fact::MedicalCost {
                month,
                out_of_pocket,
            } if window.holds(*month) => rigid = rigid.saturating_add(Fen(*out_of_pocket)),
            Fact::Unemployment {
                registered_on,
                ended_on,
            } if *registered_on <= window.day && ended_on.is_none_or(|end| end > window.day) => {
                unemployed = true;
            }
            Fact::Pension {
                kind,
                month,
                monthly,
            } if window.holds(*month) => {
                let entry = pensions.entry(*kind).or_insert((*month, *monthly));
                if *month > entry.0 {
                    *entry = (*month, *monthly);
                }
            }
            Fact::Wages {
                period_end,
                monthly_average,
            } if window.holds(*period_end) && wage.is_none_or(|(on, _)| *period_end > on) => {
                wage = Some((*period_end, *monthly_average));
            }
            Fact::Vehicle {
                kind,
                value,
                registered_on,
            } if *registered_on <= window.day && *kind != VehicleKind::Disability => {
                vehicles = vehicles.saturating_add(Fen(*value));
            }
            Fact::RealEstate {
                property_use: PropertyUse::Residential,
                registered_on,
                ..
            } if *registered_on <= window.day => houses += 1,
            Fact::Business {
                status: BusinessStatus::Active,
                monthly_income,
                registered_on,
                ..
            } if *registered_on <= window.day => {
                active_business = true;
                business_income += monthly_income.unwrap_or(0);
            }
            Fact::Student { school_year, .. } if *school_year >= window.school_year() - 1 => {
                member.student = true;
            }
            Fact::RuralMonitoring {
                category,
                farming_monthly,
                since,
            } if *since <= window.day => {
                if *category == MonitoringCategory::SuddenHardship {
                    special_hardship = true;
                }
                if farming.is_none_or(|(on, _)| *since > on) {
                    farming = Some((*since, *farming_monthly));
                }
            }
            _ => {}
        }
    }
    let mut incomes = Vec::new();
    let mut add = |kind: IncomeKind, fen: i64| {
        if fen > 0 {
            incomes.push(Income {
                kind,
                monthly: Fen(fen),
            });
        }
    };
    if let Some((_, fen)) = wage {
        add(IncomeKind::Wages, fen);
    }
    for kind in PensionKind::ALL {
        if let Some((_, fen)) = pensions.get(kind) {
            let income = match kind {
                PensionKind::ResidentBasicCentral => IncomeKind::BasicPensionCentral,
                _ => IncomeKind::Pension,
            };
            add(income, *fen);
        }
    }
    add(IncomeKind::Business, business_income);
    if let Some((_, fen)) = farming {
        add(IncomeKind::Farming, fen);
    }
    member.incomes = incomes;
    member.employed = (wage.is_some_and(|(_, fen)| fen > 0) || active_business) && !unemployed;
    let severe = matches!(member.disability_grade, Some(1 | 2)) || member.serious_illness;
    member.can_work = (16..=59).contains(&age) && !member.student && !severe;
    MemberFacts {
        able: registration.relation != Relation::Other
            && !severe
            && ((18..=59).contains(&age) || member.counted_income() >= dibao_standard),
        member,
        vehicles,
        houses,
        rigid,
        special_hardship,
    }
}

/// What the rules ask of one member and of the household, and which kind of file answers it.
fn score(household: &Household, coverage: KindSet) -> u8 {
    let mut known = 0_u32;
    let mut total = 0_u32;
    let mut ask = |kinds: &[Kind]| {
        total += 1;
        if kinds.iter().all(|k| coverage.contains(*k)) {
            known += 1;
        }
    };
    for member in &household.members {
        let mut income = vec![Kind::Wages, Kind::Pensions, Kind::Business];
        if household.area == Area::Rural {
            income.push(Kind::RuralMonitoring);
        }
        ask(&income);
        ask(&[Kind::Disability]);
        ask(&[Kind::SeriousIllness]);
        ask(&[Kind::Unemployment]);
        if (3..=22).contains(&member.age) {
            ask(&[Kind::Students]);
        }
    }
    ask(&[Kind::Vehicles]);
    ask(&[Kind::RealEstate]);
    ask(&[Kind::MedicalCosts]);
    // Financial assets: no department file says.
    total += 1;
    ((known * 100 + total / 2) / total.max(1)) as u8
}

/// Builds the rules' household of a registered household on the window's day, with the
/// standards in force then. `coverage` is the set of kinds of file imported for the run, for the
/// score.
pub fn build(
    household: &RegisteredHousehold,
    window: &Window,
    standards: &rules::Standards,
    coverage: KindSet,
) -> Built {
    let area = household.head().map(|r| r.area).unwrap_or(Area::Urban);
    let dibao_standard = standards.area(area).dibao_standard;
    let facts: Vec<MemberFacts> = household
        .members
        .iter()
        .map(|(person, registration)| member_facts(person, registration, window, dibao_standard))
        .collect();
    let mut members: Vec<Member> = Vec::with_capacity(facts.len());
    for (i, f) in facts.iter().enumerate() {
        let mut member = f.member.clone();
        member.has_able_supporter = facts.iter().enumerate().any(|(j, o)| j != i && o.able);
        members.push(member);
    }
    let sum = |f: fn(&MemberFacts) -> Fen| {
        facts
            .iter()
            .fold(Fen::ZERO, |total, m| total.saturating_add(f(m)))
    };
    let rules_household = Household {
        area,
        financial_assets: Fen::ZERO,
        vehicles_value: sum(|m| m.vehicles),
        houses_owned: facts.iter().map(|m| m.houses).sum(),
        rigid_expenses_12m: sum(|m| m.rigid),
        housing_difficulty: false,
        special_hardship: facts.iter().any(|m| m.special_hardship),
        emergency: None,
        members,
    };
    let mut sources = KindSet::default();
    let mut records = Vec::new();
    for (i, (person, _)) in household.members.iter().enumerate() {
        for record in &person.records {
            sources.insert(record.kind);
            records.push((i, record.kind, record.record_id.clone(), record.observed_on));
        }
    }
    Built {
        score: score(&rules_household, coverage),
        household: rules_household,
        sources,
        records,
    }
}
