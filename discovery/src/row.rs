//! One row of a department file, checked against its kind's specification and read into a
//! [`Fact`]. A bad row gets every problem found, each with its column and a stable code; the
//! importer reports them with the line and carries on.

use identity::{DepartmentIdError, IdNumber, IdRepair, NumberError};
use time::Date;

use crate::cell::{read_date, read_fen, read_integer, read_month, Cell};
use crate::fact::{
    BusinessKind, BusinessStatus, Fact, MonitoringCategory, PensionKind, PropertyUse, Registration,
    Relation, SchoolLevel, VehicleKind,
};
use crate::kind::Kind;
use crate::spec::{FieldSpec, FieldType};

rules::wire_enum! {
    /// Why a cell (or a row) was refused; stable codes for the report a department reads.
    ProblemCode {
        Missing = "missing",
        NotInList = "not_in_list",
        TooLong = "too_long",
        Format = "format",
        NotANumber = "not_a_number",
        NotAWholeNumber = "not_a_whole_number",
        BelowMinimum = "below_minimum",
        AboveMaximum = "above_maximum",
        NotADate = "not_a_date",
        NotAMonth = "not_a_month",
        IdFormat = "id_format",
        IdChecksum = "id_checksum",
        IdMangledByExcel = "id_mangled_by_excel",
        /// The file has the same record number on an earlier line.
        DuplicateRecord = "duplicate_record",
    }
}

/// One problem of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub code: ProblemCode,
}

/// The header row did not name every required column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the header row lacks the required columns {}", missing.join(", "))]
pub struct HeaderError {
    pub missing: Vec<String>,
}

/// Where each field of the specification is in the file.
#[derive(Debug, Clone)]
pub struct Header {
    kind: Kind,
    positions: Vec<Option<usize>>,
}

impl Header {
    /// Reads the header row: names in any order and case, a byte-order mark ignored, unknown
    /// columns ignored. Every required column must be there.
    pub fn read(kind: Kind, names: &[String]) -> Result<Header, HeaderError> {
        let names: Vec<String> = names
            .iter()
            .map(|n| {
                n.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .to_ascii_lowercase()
            })
            .collect();
        let spec = kind.spec();
        let positions: Vec<Option<usize>> = spec
            .fields
            .iter()
            .map(|f| names.iter().position(|n| *n == f.name))
            .collect();
        let missing: Vec<String> = spec
            .fields
            .iter()
            .zip(&positions)
            .filter(|(f, at)| f.constraints.required && at.is_none())
            .map(|(f, _)| f.name.clone())
            .collect();
        if missing.is_empty() {
            Ok(Header { kind, positions })
        } else {
            Err(HeaderError { missing })
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }
}

/// A row read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub record_id: String,
    pub id: IdNumber,
    /// How the ID number was put right, if it was.
    pub repair: Option<IdRepair>,
    pub fact: Fact,
    pub observed_on: Date,
}

/// A checked cell.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Absent,
    Text(String),
    Integer(i64),
    Fen(i64),
    Date(Date),
}

fn check(field: &FieldSpec, cell: &Cell) -> Result<Value, ProblemCode> {
    if cell.is_empty() {
        return if field.constraints.required {
            Err(ProblemCode::Missing)
        } else {
            Ok(Value::Absent)
        };
    }
    let c = &field.constraints;
    let in_range = |n: f64| {
        if c.minimum.is_some_and(|min| n < min) {
            Err(ProblemCode::BelowMinimum)
        } else if c.maximum.is_some_and(|max| n > max) {
            Err(ProblemCode::AboveMaximum)
        } else {
            Ok(())
        }
    };
    match field.field_type {
        FieldType::String => {
            let mut text = cell.as_text();
            if let Some(width) = field.pad {
                if !text.is_empty()
                    && text.len() < width
                    && text.bytes().all(|b| b.is_ascii_digit())
                {
                    text = format!("{text:0>width$}");
                }
            }
            if let Some(list) = &c.one_of {
                if !list.contains(&text) {
                    return Err(ProblemCode::NotInList);
                }
            }
            if c.max_length.is_some_and(|max| text.chars().count() > max) {
                return Err(ProblemCode::TooLong);
            }
            if field.pattern.as_ref().is_some_and(|p| !p.is_match(&text)) {
                return Err(ProblemCode::Format);
            }
            Ok(Value::Text(text))
        }
        FieldType::Integer => {
            let n = read_integer(cell).ok_or(ProblemCode::NotAWholeNumber)?;
            in_range(n as f64)?;
            Ok(Value::Integer(n))
        }
        FieldType::Number => {
            let fen = read_fen(cell).ok_or(ProblemCode::NotANumber)?;
            in_range(fen as f64 / 100.0)?;
            Ok(Value::Fen(fen))
        }
        FieldType::Date => read_date(cell)
            .map(Value::Date)
            .ok_or(ProblemCode::NotADate),
        FieldType::Yearmonth => read_month(cell)
            .map(Value::Date)
            .ok_or(ProblemCode::NotAMonth),
    }
}

/// The checked cells of a row, by field name.
struct Values<'a> {
    fields: &'a [FieldSpec],
    values: Vec<Value>,
}

impl Values<'_> {
    fn get(&self, name: &str) -> &Value {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| self.values.get(i))
            .unwrap_or(&Value::Absent)
    }

    fn text(&self, name: &str) -> String {
        match self.get(name) {
            Value::Text(t) => t.clone(),
            _ => String::new(),
        }
    }

    fn fen(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Value::Fen(f) => Some(*f),
            _ => None,
        }
    }

    fn integer(&self, name: &str) -> i64 {
        match self.get(name) {
            Value::Integer(n) => *n,
            _ => 0,
        }
    }

    fn date(&self, name: &str) -> Option<Date> {
        match self.get(name) {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// A code-list value; the specification's list was already checked, so an unknown value
    /// here means the Rust enum and the published list disagree (a test keeps them equal).
    fn code<T>(&self, name: &str, parse: fn(&str) -> Option<T>) -> Result<T, Problem> {
        parse(&self.text(name)).ok_or_else(|| Problem {
            field: name.to_owned(),
            code: ProblemCode::NotInList,
        })
    }
}

fn id_problem(error: DepartmentIdError) -> ProblemCode {
    match error {
        DepartmentIdError::Missing => ProblemCode::Missing,
        DepartmentIdError::MangledByExcel => ProblemCode::IdMangledByExcel,
        DepartmentIdError::Number(NumberError::IdChecksum) => ProblemCode::IdChecksum,
        DepartmentIdError::Number(_) => ProblemCode::IdFormat,
    }
}

/// Reads one row (`cells` in the file's column order). `file_date` is the day the file was
/// made, the date of facts that carry none (a registration).
pub fn read_row(header: &Header, cells: &[Cell], file_date: Date) -> Result<Row, Vec<Problem>> {
    let spec = header.kind.spec();
    let mut problems = Vec::new();
    let mut values = Vec::with_capacity(spec.fields.len());
    let mut id = None;
    for (field, at) in spec.fields.iter().zip(&header.positions) {
        let cell = at.and_then(|i| cells.get(i)).unwrap_or(&Cell::Empty);
        if field.format.as_deref() == Some("id_number") {
            let text = match cell {
                // More digits than a float holds: Excel has already lost the end of the number.
                Cell::Number(n) if *n >= 1e15 => {
                    problems.push(Problem {
                        field: field.name.clone(),
                        code: ProblemCode::IdMangledByExcel,
                    });
                    values.push(Value::Absent);
                    continue;
                }
                other => other.as_text(),
            };
            match IdNumber::from_department(&text) {
                Ok(found) => id = Some(found),
                Err(e) => problems.push(Problem {
                    field: field.name.clone(),
                    code: id_problem(e),
                }),
            }
            values.push(Value::Absent);
            continue;
        }
        match check(field, cell) {
            Ok(value) => values.push(value),
            Err(code) => {
                problems.push(Problem {
                    field: field.name.clone(),
                    code,
                });
                values.push(Value::Absent);
            }
        }
    }
    let values = Values {
        fields: &spec.fields,
        values,
    };
    let (Some((id, repair)), true) = (id, problems.is_empty()) else {
        return Err(problems);
    };
    let fact = fact_of(header.kind, &values, &id).map_err(|p| vec![p])?;
    Ok(Row {
        record_id: values.text("record_id"),
        observed_on: fact.observed_on(file_date),
        id,
        repair,
        fact,
    })
}

fn required_date(values: &Values, name: &str) -> Result<Date, Problem> {
    values.date(name).ok_or_else(|| Problem {
        field: name.to_owned(),
        code: ProblemCode::Missing,
    })
}

fn fact_of(kind: Kind, v: &Values, id: &IdNumber) -> Result<Fact, Problem> {
    let fen = |name: &str| v.fen(name).unwrap_or(0);
    Ok(match kind {
        Kind::HouseholdRegister => {
            let (year, month, day) = id.birth_date();
            let birth_date = time::Month::try_from(month)
                .ok()
                .and_then(|m| Date::from_calendar_date(i32::from(year), m, day).ok())
                .ok_or_else(|| Problem {
                    field: "id_number".into(),
                    code: ProblemCode::IdFormat,
                })?;
            Fact::Registration(Box::new(Registration {
                id_number: id.as_str().to_owned(),
                name: v.text("name"),
                household_no: v.text("household_no"),
                relation: v.code("relation", Relation::parse)?,
                county: v.text("county"),
                township: v.text("township"),
                village: v.text("village"),
                address: v.text("address"),
                area: v.code("area", rules::Area::parse)?,
                phone: Some(v.text("phone")).filter(|p| !p.is_empty()),
                birth_date,
            }))
        }
        Kind::Deaths => Fact::Death {
            died_on: required_date(v, "died_on")?,
        },
        Kind::Disability => Fact::Disability {
            grade: v.integer("grade") as u8,
            kind: v.code("kind", rules::DisabilityKind::parse)?,
            certified_on: required_date(v, "certified_on")?,
            rehabilitation_12m: fen("rehabilitation_12m"),
        },
        Kind::SeriousIllness => Fact::SeriousIllness {
            disease: v.text("disease"),
            since: required_date(v, "since")?,
        },
        Kind::MedicalCosts => Fact::MedicalCost {
            month: required_date(v, "month")?,
            out_of_pocket: fen("out_of_pocket"),
        },
        Kind::Unemployment => Fact::Unemployment {
            registered_on: required_date(v, "registered_on")?,
            ended_on: v.date("ended_on"),
        },
        Kind::Pensions => Fact::Pension {
            kind: v.code("kind", PensionKind::parse)?,
            month: required_date(v, "month")?,
            monthly: fen("monthly"),
        },
        Kind::Wages => Fact::Wages {
            period_end: required_date(v, "period_end")?,
            monthly_average: fen("monthly_average"),
        },
        Kind::Vehicles => Fact::Vehicle {
            kind: v.code("kind", VehicleKind::parse)?,
            value: fen("value"),
            registered_on: required_date(v, "registered_on")?,
        },
        Kind::RealEstate => Fact::RealEstate {
            property_use: v.code("use", PropertyUse::parse)?,
            floor_area: fen("floor_area") / 100,
            registered_on: required_date(v, "registered_on")?,
        },
        Kind::Business => Fact::Business {
            kind: v.code("kind", BusinessKind::parse)?,
            status: v.code("status", BusinessStatus::parse)?,
            monthly_income: v.fen("monthly_income"),
            registered_on: required_date(v, "registered_on")?,
        },
        Kind::Students => Fact::Student {
            level: v.code("level", SchoolLevel::parse)?,
            school_year: v.integer("school_year") as i32,
        },
        Kind::RuralMonitoring => Fact::RuralMonitoring {
            category: v.code("category", MonitoringCategory::parse)?,
            farming_monthly: fen("farming_monthly"),
            since: required_date(v, "since")?,
        },
    })
}
