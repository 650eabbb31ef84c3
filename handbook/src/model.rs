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

/// Where and how a resident applies for a policy. Every policy has exactly one route, so a page
/// never offers an application that leads nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApplyRoute {
    /// Apply on this portal: the self-check estimates the policy's `programmes` (never empty for
    /// this route) and the application names them.
    Portal,
    /// Apply at the township or street (乡镇/街道) 便民服务中心 window, or hand the papers to the
    /// village or community (村/社区) service station, which passes them on. The page links the
    /// window finder for the resident's county, filtered by the policy's department.
    Window,
    /// Apply at the department's own office or service point (for example the county legal aid
    /// centre, the disabled persons' federation, the trade union). The page shows the department's
    /// contact from `departments.toml`.
    Department,
    /// Nobody applies: it is given automatically to people already receiving other help (for
    /// example the price-linkage subsidy paid with 低保 and 特困). The page says so.
    Automatic,
}

impl ApplyRoute {
    /// Every route, in the order above.
    pub const ALL: [ApplyRoute; 4] = [
        ApplyRoute::Portal,
        ApplyRoute::Window,
        ApplyRoute::Department,
        ApplyRoute::Automatic,
    ];

    /// The name used in the content files and in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApplyRoute::Portal => "portal",
            ApplyRoute::Window => "window",
            ApplyRoute::Department => "department",
            ApplyRoute::Automatic => "automatic",
        }
    }

    /// The route for its name, `None` when unknown.
    pub fn parse(text: &str) -> Option<ApplyRoute> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl std::fmt::Display for ApplyRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// Where and how to apply; `Portal` exactly when `programmes` is not empty.
    pub apply: ApplyRoute,
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
