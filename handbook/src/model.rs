use serde::{Deserialize, Serialize};

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized<T> {
    pub zh: T,
    pub en: T,
}

impl<T> Localized<T> {
    pub fn get(&self, english: bool) -> &T {
        if english {
            &self.en
        } else {
            &self.zh
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub name: Localized<String>,
    pub summary: Localized<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: String,
    pub name: Localized<String>,
    pub phone: String,
    /// The phone and address are samples until the bureau supplies real ones.
    pub contact_is_sample: bool,
    pub address: Localized<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeSituation {
    pub id: String,
    pub name: Localized<String>,
    pub summary: Localized<String>,
}

/// What a policy says, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyText {
    pub title: String,
    pub summary: String,
    pub who: String,
    pub what_you_get: String,
    pub conditions: Vec<String>,
    pub documents: Vec<String>,
    pub how_to_apply: String,
    pub where_to_apply: String,
    pub time_limits: String,
    pub contact: String,
    pub legal_basis: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub slug: String,
    pub category: String,
    pub department: String,
    pub life_situations: Vec<String>,
    /// Programmes of the rules engine the self-check can estimate for this policy.
    pub programmes: Vec<rules::ProgrammeId>,
    #[serde(with = "iso_date")]
    pub last_reviewed: time::Date,
    /// Some local figure in the text is a sample until the bureau publishes its own.
    pub sample_figures: bool,
    pub text: Localized<PolicyText>,
}

/// The whole handbook, checked: every reference resolves, every text exists in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handbook {
    pub categories: Vec<Category>,
    pub departments: Vec<Department>,
    pub life_situations: Vec<LifeSituation>,
    pub policies: Vec<Policy>,
}

impl Handbook {
    pub fn policy(&self, slug: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.slug == slug)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    pub fn life_situation(&self, id: &str) -> Option<&LifeSituation> {
        self.life_situations.iter().find(|s| s.id == id)
    }
}

mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]");

    pub fn serialize<S: Serializer>(date: &time::Date, serializer: S) -> Result<S::Ok, S::Error> {
        let text = date.format(FORMAT).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<time::Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).map_err(serde::de::Error::custom)
    }

    pub fn parse(text: &str) -> Result<time::Date, time::error::Parse> {
        time::Date::parse(text, FORMAT)
    }
}

pub(crate) use iso_date::parse as parse_iso_date;
