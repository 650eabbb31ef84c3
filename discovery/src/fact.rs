//! What one row of a department file says about a person, typed. Kept sealed in the store with
//! its source, file and date; the household assembly reads these and nothing else.

use rules::{Area, DisabilityKind};
use serde::{Deserialize, Serialize};
use time::Date;

rules::wire_enum! {
    /// Relation to the head of the household, as the household register writes it.
    Relation {
        Head = "head",
        Spouse = "spouse",
        Child = "child",
        Parent = "parent",
        Grandchild = "grandchild",
        Grandparent = "grandparent",
        Sibling = "sibling",
        Other = "other",
    }
}

rules::wire_enum! {
    PensionKind {
        /// 职工养老金: counted.
        Employee = "employee",
        /// 城乡居民基础养老金中央基础部分: exempt (POLICY.md §3.2).
        ResidentBasicCentral = "resident_basic_central",
        /// The rest of the residents' pension: counted.
        ResidentOther = "resident_other",
    }
}

rules::wire_enum! {
    VehicleKind {
        Car = "car",
        Truck = "truck",
        Motorcycle = "motorcycle",
        Agricultural = "agricultural",
        /// 残疾人专用车: left out of the vehicle test.
        Disability = "disability",
    }
}

rules::wire_enum! {
    PropertyUse {
        Residential = "residential",
        Commercial = "commercial",
        Industrial = "industrial",
        Other = "other",
    }
}

rules::wire_enum! {
    BusinessKind {
        Individual = "individual",
        CompanyLegalPerson = "company_legal_person",
        CompanyShareholder = "company_shareholder",
    }
}

rules::wire_enum! {
    BusinessStatus { Active = "active", Closed = "closed" }
}

rules::wire_enum! {
    SchoolLevel {
        Preschool = "preschool",
        Primary = "primary",
        JuniorSecondary = "junior_secondary",
        SeniorSecondary = "senior_secondary",
        Vocational = "vocational",
        Higher = "higher",
    }
}

rules::wire_enum! {
    MonitoringCategory {
        /// 脱贫不稳定户.
        Unstable = "unstable",
        /// 边缘易致贫户.
        Marginal = "marginal",
        /// 突发严重困难户: special hardship.
        SuddenHardship = "sudden_hardship",
    }
}

/// The household register's row: who the person is and where they live. The only fact that
/// carries a name, an ID number, an address or a phone, all for the visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub id_number: String,
    pub name: String,
    pub household_no: String,
    pub relation: Relation,
    pub county: String,
    pub township: String,
    pub village: String,
    pub address: String,
    pub area: Area,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub birth_date: Date,
}

/// One row's fact. Money is in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    /// Boxed: the other facts are a few words each, and a run holds millions of them.
    Registration(Box<Registration>),
    Death {
        died_on: Date,
    },
    Disability {
        grade: u8,
        kind: DisabilityKind,
        certified_on: Date,
        #[serde(default)]
        rehabilitation_12m: i64,
    },
    SeriousIllness {
        disease: String,
        since: Date,
    },
    MedicalCost {
        month: Date,
        out_of_pocket: i64,
    },
    Unemployment {
        registered_on: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ended_on: Option<Date>,
    },
    Pension {
        kind: PensionKind,
        month: Date,
        monthly: i64,
    },
    Wages {
        period_end: Date,
        monthly_average: i64,
    },
    Vehicle {
        kind: VehicleKind,
        value: i64,
        registered_on: Date,
    },
    RealEstate {
        #[serde(rename = "use")]
        property_use: PropertyUse,
        floor_area: i64,
        registered_on: Date,
    },
    Business {
        kind: BusinessKind,
        status: BusinessStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        monthly_income: Option<i64>,
        registered_on: Date,
    },
    Student {
        level: SchoolLevel,
        school_year: i32,
    },
    RuralMonitoring {
        category: MonitoringCategory,
        farming_monthly: i64,
        since: Date,
    },
}

impl Fact {
    /// The day the fact is about, what the evidence shows beside it; a registration is as of
    /// the file that carried it.
    pub fn observed_on(&self, file_date: Date) -> Date {
        match self {
            Fact::Registration(_) => file_date,
            Fact::Death { died_on } => *died_on,
            Fact::Disability { certified_on, .. } => *certified_on,
            Fact::SeriousIllness { since, .. } => *since,
            Fact::MedicalCost { month, .. } => *month,
            Fact::Unemployment { registered_on, .. } => *registered_on,
            Fact::Pension { month, .. } => *month,
            Fact::Wages { period_end, .. } => *period_end,
            Fact::Vehicle { registered_on, .. } => *registered_on,
            Fact::RealEstate { registered_on, .. } => *registered_on,
            Fact::Business { registered_on, .. } => *registered_on,
            Fact::Student { school_year, .. } => {
                Date::from_calendar_date(*school_year, time::Month::September, 1)
                    .unwrap_or(Date::MIN)
            }
            Fact::RuralMonitoring { since, .. } => *since,
        }
    }
}
