//! Whole-path checks of the crate: rows read from text cells, assembled, built and screened.

use std::collections::HashSet;

use rules::{ProgrammeId, Standards};
use time::macros::date;

use crate::*;

const DAY: time::Date = date!(2026 - 12 - 07);

/// Reads `lines` (a header line then rows, comma-separated) of one kind.
fn rows(kind: Kind, lines: &[&str]) -> Vec<Result<Row, Vec<Problem>>> {
    let names: Vec<String> = lines[0].split(',').map(str::to_owned).collect();
    let header = Header::read(kind, &names).expect("the header reads");
    lines[1..]
        .iter()
        .map(|line| {
            let cells: Vec<Cell> = line.split(',').map(Cell::text).collect();
            read_row(&header, &cells, DAY)
        })
        .collect()
}

fn people(files: &[(Kind, &[&str])]) -> Vec<Person> {
    let mut by_key: std::collections::BTreeMap<PersonKey, Vec<Sourced>> = Default::default();
    for (kind, lines) in files {
        for row in rows(*kind, lines) {
            let row = row.expect("the row reads");
            let mut key = [0u8; 32];
            key[..18].copy_from_slice(row.id.as_str().as_bytes());
            by_key.entry(PersonKey(key)).or_default().push(Sourced {
                kind: *kind,
                record_id: row.record_id,
                observed_on: row.observed_on,
                fact: row.fact,
            });
        }
    }
    by_key
        .into_iter()
        .map(|(key, records)| Person { key, records })
        .collect()
}

const REGISTER: &[&str] = &[
    "record_id,id_number,name,household_no,relation,county,township,village,address,area",
    "R1,11010519810101003X,张伟,000000000042,head,任城区,李营街道,王庄村,王庄村3号,urban",
    "R2,11010519830202004X,王芳,42,spouse,任城区,李营街道,王庄村,王庄村3号,urban",
];
const WAGES: &[&str] = &[
    "record_id,id_number,period_end,monthly_average",
    "W1,11010519810101003X,2026-10,3000",
];
const HOUSE: &[&str] = &[
    "record_id,id_number,use,floor_area,registered_on",
    "H1,11010519810101003X,residential,80,2010-05-01",
];
const DISABILITY: &[&str] = &[
    "record_id,id_number,grade,kind,certified_on,rehabilitation_12m",
    "D1,11010519830202004X,3,physical,2020-03-01,12000",
];
const MEDICAL: &[&str] = &[
    "record_id,id_number,month,out_of_pocket",
    "M1,11010519830202004X,2026-03,9000",
    "M2,11010519830202004X,2026-06,6000",
    // Outside the 12 months before December 2026: not counted.
    "M3,11010519830202004X,2025-11,50000",
];

fn screen_all(persons: &[Person], known: &HashSet<PersonKey>) -> Vec<Candidate> {
    let window = Window::before(DAY);
    let coverage = KindSet(u32::MAX);
    let (households, _) = assemble(persons, DAY);
    households
        .iter()
        .filter_map(|h| {
            let built = build(h, &window, &Standards::sample_2026(), coverage);
            screen(&Standards::sample_2026(), h, built, &window, known).ok()
        })
        .collect()
}

#[test]
fn disability_and_medical_files_together_find_what_neither_finds_alone() {
    let base: Vec<(Kind, &[&str])> = vec![
        (Kind::HouseholdRegister, REGISTER),
        (Kind::Wages, WAGES),
        (Kind::RealEstate, HOUSE),
    ];
    let with = |extra: &[(Kind, &'static [&'static str])]| {
        let mut files = base.clone();
        files.extend_from_slice(extra);
        screen_all(&people(&files), &HashSet::new())
    };
    assert!(with(&[]).is_empty());
    assert!(with(&[(Kind::Disability, DISABILITY)]).is_empty());
    assert!(with(&[(Kind::MedicalCosts, MEDICAL)]).is_empty());
    let found = with(&[
        (Kind::Disability, DISABILITY),
        (Kind::MedicalCosts, MEDICAL),
    ]);
    assert_eq!(found.len(), 1);
    let candidate = &found[0];
    assert_eq!(candidate.programme, ProgrammeId::RigidExpense);
    assert_eq!(
        (candidate.township.as_str(), candidate.village.as_str()),
        ("李营街道", "王庄村")
    );
    // The household number lost its leading zeros in one row and still joins.
    assert_eq!(candidate.household_no, "000000000042");
    assert!(candidate.sources.contains(Kind::Disability));
    assert!(candidate.sources.contains(Kind::MedicalCosts));
    let evidence = &candidate.evidence;
    assert_eq!(evidence.members.len(), 2);
    assert_eq!(evidence.members[0].name, "张伟");
    assert!(evidence.records.iter().any(|r| r.record_id == "M1"));
    // 15,000 medical (March and June) + 12,000 rehabilitation; November 2025 is outside.
    assert_eq!(evidence.household.rigid_expenses_12m, rules::Fen(2_700_000));
}

#[test]
fn a_household_with_a_known_person_is_never_a_candidate() {
    let files: Vec<(Kind, &[&str])> = vec![
        (Kind::HouseholdRegister, REGISTER),
        (Kind::Wages, WAGES),
        (Kind::RealEstate, HOUSE),
        (Kind::Disability, DISABILITY),
        (Kind::MedicalCosts, MEDICAL),
    ];
    let persons = people(&files);
    let known: HashSet<PersonKey> = [persons[1].key].into();
    assert!(screen_all(&persons, &known).is_empty());
}

#[test]
fn the_dead_leave_their_household_and_the_unregistered_are_counted() {
    let register: &[&str] = &[
        "record_id,id_number,name,household_no,relation,county,township,village,address,area",
        "R1,110105194501010030,李老汉,7,head,任城区,李营街道,王庄村,王庄村9号,rural",
        "R2,110105194703030048,刘大娘,7,spouse,任城区,李营街道,王庄村,王庄村9号,rural",
    ];
    let deaths: &[&str] = &[
        "record_id,id_number,died_on",
        "X1,110105194501010030,2026/10/02",
    ];
    let pension: &[&str] = &[
        "record_id,id_number,kind,month,monthly",
        "P1,110105194501010030,employee,2026-09,2600",
        "P2,320102198001010016,employee,2026-09,2600",
    ];
    let persons = people(&[
        (Kind::HouseholdRegister, register),
        (Kind::Deaths, deaths),
        (Kind::Pensions, pension),
    ]);
    let (households, count) = assemble(&persons, DAY);
    assert_eq!(count.died, 1);
    assert_eq!(count.without_household, 1);
    assert_eq!(households[0].members.len(), 1);
    // The widow alone, 79, no income of her own, no supporter: 特困.
    let found = screen_all(&persons, &HashSet::new());
    assert_eq!(found[0].programme, ProgrammeId::Tekun);
}

#[test]
fn a_bad_row_gets_each_problem_with_its_column() {
    let read = rows(
        Kind::Disability,
        &[
            "\u{feff}Record_ID,ID_Number,grade,kind,certified_on",
            "D1,110105198302020046,5,wings,2020-02-30",
            "D2,3.70802E+17,2,physical,45000",
            "D3,11010519830202004,2,physical,2023-01-01",
        ],
    );
    let problems: Vec<(String, ProblemCode)> = read[0]
        .clone()
        .expect_err("the row is refused")
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect();
    assert_eq!(
        problems,
        [
            ("id_number".into(), ProblemCode::IdChecksum),
            ("grade".into(), ProblemCode::AboveMaximum),
            ("kind".into(), ProblemCode::NotInList),
            ("certified_on".into(), ProblemCode::NotADate),
        ]
    );
    assert_eq!(
        read[1].clone().expect_err("refused")[0].code,
        ProblemCode::IdMangledByExcel
    );
    let repaired = read[2].clone().expect("the check digit is put back");
    assert_eq!(repaired.id.as_str(), "11010519830202004X");
    assert_eq!(
        repaired.repair,
        Some(identity::IdRepair::CheckDigitRestored)
    );
}

#[test]
fn a_file_without_a_required_column_is_refused_whole() {
    let error =
        Header::read(Kind::Wages, &["record_id".into(), "id_number".into()]).expect_err("refused");
    assert_eq!(error.missing, ["period_end", "monthly_average"]);
}

#[test]
fn the_published_code_lists_are_the_ones_the_importer_knows() {
    fn list(kind: Kind, field: &str) -> Vec<String> {
        let spec = kind.spec();
        spec.fields[spec.field(field).expect("the field")]
            .constraints
            .one_of
            .clone()
            .expect("a code list")
    }
    fn names<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
        all.iter().map(ToString::to_string).collect()
    }
    assert_eq!(
        list(Kind::HouseholdRegister, "relation"),
        names(Relation::ALL)
    );
    assert_eq!(
        list(Kind::HouseholdRegister, "area"),
        names(rules::Area::ALL)
    );
    assert_eq!(
        list(Kind::Disability, "kind"),
        names(rules::DisabilityKind::ALL)
    );
    assert_eq!(list(Kind::Pensions, "kind"), names(PensionKind::ALL));
    assert_eq!(list(Kind::Vehicles, "kind"), names(VehicleKind::ALL));
    assert_eq!(list(Kind::RealEstate, "use"), names(PropertyUse::ALL));
    assert_eq!(list(Kind::Business, "kind"), names(BusinessKind::ALL));
    assert_eq!(list(Kind::Business, "status"), names(BusinessStatus::ALL));
    assert_eq!(list(Kind::Students, "level"), names(SchoolLevel::ALL));
    assert_eq!(
        list(Kind::RuralMonitoring, "category"),
        names(MonitoringCategory::ALL)
    );
}

/// One person living alone in 任城区, born on `id`'s date, with `extra` files.
fn alone(id: &str, extra: &[(Kind, Vec<String>)]) -> Vec<Person> {
    let register = [
        "record_id,id_number,name,household_no,relation,county,township,village,address,area"
            .to_owned(),
        format!("R1,{id},赵秀英,900,head,任城区,李营街道,王庄村,王庄村1号,urban"),
    ];
    let mut owned: Vec<(Kind, Vec<String>)> = vec![(Kind::HouseholdRegister, register.to_vec())];
    owned.extend_from_slice(extra);
    let lines: Vec<(Kind, Vec<&str>)> = owned
        .iter()
        .map(|(kind, lines)| (*kind, lines.iter().map(String::as_str).collect()))
        .collect();
    let files: Vec<(Kind, &[&str])> = lines.iter().map(|(k, l)| (*k, l.as_slice())).collect();
    people(&files)
}

fn reverify_alone(persons: &[Person], programme: ProgrammeId, amount_fen: i64) -> Reverified {
    let window = Window::before(DAY);
    let (households, _) = assemble(persons, DAY);
    let recipient = Recipient {
        person: persons[0].key,
        programme,
        monthly_amount_fen: amount_fen,
        since: date!(2026 - 01 - 01),
    };
    reverify(
        &recipient,
        persons.iter().find(|p| p.key == recipient.person),
        households.first(),
        &window,
        &Standards::sample_2026(),
        KindSet(u32::MAX),
        &|county| county == "任城区",
    )
}

const BORN_1976: &str = "370811197605050034";
const TURNED_60: &str = "370811196611010026";

#[test]
fn a_recipient_whose_data_did_not_change_is_renewed_from_data_alone() {
    let found = reverify_alone(&alone(BORN_1976, &[]), ProgrammeId::Dibao, 98_000);
    assert!(found.renewed(), "{:?}", found.changes);
    assert_eq!(found.amount_now_fen, Some(98_000));
    assert_eq!(found.offer, None);
}

#[test]
fn income_above_the_line_raises_a_warning_with_its_evidence() {
    let wages = vec![
        "record_id,id_number,period_end,monthly_average".to_owned(),
        format!("W1,{BORN_1976},2026-10,3000"),
    ];
    let found = reverify_alone(
        &alone(BORN_1976, &[(Kind::Wages, wages)]),
        ProgrammeId::Dibao,
        98_000,
    );
    assert_eq!(found.changes, vec![Change::IncomeAboveLine, Change::Job]);
    assert_eq!(found.amount_now_fen, None);
    let evidence = found.evidence.expect("evidence");
    assert!(evidence.records.iter().any(|r| r.record_id == "W1"));
    assert!(evidence.checks.iter().any(|c| !c.passed));
}

#[test]
fn a_dibao_recipient_turned_60_with_no_supporter_is_offered_tekun() {
    let found = reverify_alone(&alone(TURNED_60, &[]), ProgrammeId::Dibao, 98_000);
    assert!(found.renewed());
    assert_eq!(found.offer, Some(ProgrammeId::Tekun));
}

#[test]
fn a_death_or_a_move_is_a_warning_never_a_renewal() {
    let deaths = vec![
        "record_id,id_number,died_on".to_owned(),
        format!("X1,{BORN_1976},2026-11-20"),
    ];
    let persons = alone(BORN_1976, &[(Kind::Deaths, deaths)]);
    let window = Window::before(DAY);
    let recipient = Recipient {
        person: persons[0].key,
        programme: ProgrammeId::Dibao,
        monthly_amount_fen: 98_000,
        since: date!(2026 - 01 - 01),
    };
    let found = reverify(
        &recipient,
        Some(&persons[0]),
        None,
        &window,
        &Standards::sample_2026(),
        KindSet(u32::MAX),
        &|_| true,
    );
    assert_eq!(found.changes, vec![Change::Died]);
    let moved = reverify_alone(&alone(BORN_1976, &[]), ProgrammeId::Dibao, 98_000);
    assert!(moved.renewed());
    let persons = alone(BORN_1976, &[]);
    let (households, _) = assemble(&persons, DAY);
    let found = reverify(
        &recipient,
        Some(&persons[0]),
        households.first(),
        &window,
        &Standards::sample_2026(),
        KindSet(u32::MAX),
        &|county| county == "兖州区",
    );
    assert_eq!(found.changes, vec![Change::Moved]);
}
