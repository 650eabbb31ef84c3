//! The directory of referral partners (跟踪转介, POLICY.md §1 and consent 5 of §4): the funds,
//! charity projects, village 济时救 charity funds and other departments a caseworker refers a
//! family on to. Each entry says what it helps with, which counties it serves, how to reach it,
//! within how many days it should answer a referral, and the most it gives in cash.
//!
//! The directory is data the bureau edits, not code: one JSON file, read and validated like the
//! price files (every problem names its place, `partners[3].answer_within_days`, and what is wrong
//! there). The file built in (`data/partners-sample.json`) is marked `sample`: its names, phones
//! and addresses are placeholders until the bureau supplies its own, and pages say so.
//!
//! Pure: the caller reads the file and brings the referral date.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::{Date, Duration};

use crate::county::County;
use crate::prices::ValueProblem;

/// The directory built in: sample entries for every county, marked `sample`.
const SAMPLE_PARTNERS: &str = include_str!("../data/partners-sample.json");

/// The longest a partner may be given to answer a referral, in days: beyond two months a
/// referral no longer helps a family in an emergency.
pub const MAX_ANSWER_DAYS: u32 = 60;

/// The highest cash cap the file accepts, in whole yuan: a guard against a slipped digit.
pub const MAX_CAP_YUAN: u32 = 1_000_000;

/// A partner's stable id, `[a-z0-9-]{2,40}` (`city-jsj-fund`, `rencheng-charity-emergency`).
/// Cases store it to name the partner they were referred to, so it never changes once
/// published, while names, phones and addresses may.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartnerId(String);

/// A text that is not a partner id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a partner id: 2 to 40 lowercase letters (a-z), digits and hyphens")]
pub struct InvalidPartnerId(pub String);

impl PartnerId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PartnerId {
    type Err = InvalidPartnerId;

    /// Accepts 2 to 40 characters, each a lowercase ASCII letter, a digit or a hyphen. Nothing
    /// is trimmed or lowered: an id is written exactly as stored.
    fn from_str(text: &str) -> Result<PartnerId, InvalidPartnerId> {
        let allowed = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-';
        if (2..=40).contains(&text.len()) && text.as_bytes().iter().all(allowed) {
            Ok(PartnerId(text.to_owned()))
        } else {
            Err(InvalidPartnerId(text.to_owned()))
        }
    }
}

impl fmt::Display for PartnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PartnerId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PartnerId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PartnerId, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

rules::wire_enum! {
    /// What kind of body a partner is.
    PartnerKind {
        /// A public special fund (e.g. the city's 济时救 special response fund).
        Fund = "fund",
        /// A charity project (e.g. a county charity federation's 慈善救急难).
        Charity = "charity",
        /// A village's own 济时救 charity fund.
        VillageFund = "village_fund",
        /// Another government department or public body (legal aid, 残联, 人社, 医保, …).
        Department = "department",
    }
}

impl PartnerKind {
    /// The kind in plain Chinese, for the caseworker's list.
    pub fn zh_label(self) -> &'static str {
        match self {
            PartnerKind::Fund => "专项资金",
            PartnerKind::Charity => "慈善项目",
            PartnerKind::VillageFund => "村级济时救慈善基金",
            PartnerKind::Department => "部门",
        }
    }

    /// The kind in plain English.
    pub fn en_label(self) -> &'static str {
        match self {
            PartnerKind::Fund => "Public fund",
            PartnerKind::Charity => "Charity project",
            PartnerKind::VillageFund => "Village charity fund",
            PartnerKind::Department => "Department",
        }
    }
}

/// How to reach a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Digits and hyphens, e.g. `0537-1234567`.
    pub phone: String,
    pub zh_address: String,
    pub en_address: String,
}

/// One referral partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partner {
    pub id: PartnerId,
    pub kind: PartnerKind,
    pub zh_name: String,
    pub en_name: String,
    /// What it helps with, in plain words.
    pub zh_covers: String,
    pub en_covers: String,
    /// The counties it serves, each once; empty when it serves the whole city.
    pub counties: Vec<County>,
    pub contact: Contact,
    /// It should answer a referral within this many calendar days (1 to [`MAX_ANSWER_DAYS`]).
    pub answer_within_days: u32,
    /// The most it gives, in whole yuan (1 to [`MAX_CAP_YUAN`]); `None` for help that is not
    /// cash, or not capped by the partner itself (legal aid, medical assistance by its rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_yuan: Option<u32>,
}

impl Partner {
    /// Whether it serves the whole city rather than listed counties.
    pub fn city_wide(&self) -> bool {
        self.counties.is_empty()
    }

    /// Whether a family of this county can be referred to it: it serves the whole city, or
    /// lists the county. A village fund lists its village's county; its name says the village.
    pub fn serves(&self, county: County) -> bool {
        self.city_wide() || self.counties.contains(&county)
    }

    /// The day by which the partner should have answered a referral made on `referred_on`:
    /// that day plus [`Partner::answer_within_days`] calendar days, weekends and holidays
    /// included (a referral on Monday 2 March with 3 days is due Thursday 5 March, to the end of
    /// that day). Calendar days, not working days, because partners are charities and funds as
    /// well as offices, and a family waiting on help counts every day. A date past the end of
    /// the calendar `time` knows stays at its last day.
    pub fn answer_due(&self, referred_on: Date) -> Date {
        referred_on
            .checked_add(Duration::days(i64::from(self.answer_within_days)))
            .unwrap_or(Date::MAX)
    }
}

/// The directory: the partners in file order, each id once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partners {
    sample: bool,
    partners: Vec<Partner>,
}

impl Partners {
    /// The entries are samples, not the bureau's directory: pages say so.
    pub fn sample(&self) -> bool {
        self.sample
    }

    /// Every partner, in file order.
    pub fn all(&self) -> &[Partner] {
        &self.partners
    }

    /// The partner of an id, if listed (a case may name one the bureau has since removed).
    pub fn get(&self, id: &str) -> Option<&Partner> {
        self.partners.iter().find(|p| p.id.as_str() == id)
    }

    /// The partners a family of this county can be referred to: the city-wide ones and those
    /// serving the county, in file order (the bureau orders the file as it wants the list shown).
    pub fn for_county(&self, county: County) -> Vec<&Partner> {
        self.partners.iter().filter(|p| p.serves(county)).collect()
    }
}

/// Why a partners file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnersFileError {
    #[error("partners file is not valid JSON: {0}")]
    Json(String),
    #[error("partners file is not an object with \"sample\" and \"partners\"")]
    NotAnObject,
    #[error("partners file lists no partner")]
    Empty,
    #[error("{at}: {problem}")]
    Value {
        /// `partners[3].answer_within_days`, `partners[3].contact.phone`, `partners[3]` for the
        /// entry as a whole, or a top-level field (`sample`).
        at: String,
        problem: ValueProblem,
    },
}

impl PartnersFileError {
    /// Where in the file (empty for the file as a whole) and a stable code for what is wrong
    /// there (`not_json`, `not_an_object`, `empty`, or a [`ValueProblem::code`]).
    pub fn located(&self) -> (&str, &'static str) {
        match self {
            PartnersFileError::Json(_) => ("", "not_json"),
            PartnersFileError::NotAnObject => ("", "not_an_object"),
            PartnersFileError::Empty => ("", "empty"),
            PartnersFileError::Value { at, problem } => (at.as_str(), problem.code()),
        }
    }
}

/// A problem and the full path of the value it is in.
type Located = (String, ValueProblem);

/// Reads a partners file:
/// `{"sample": true, "partners": [{"id": "city-jsj-fund", "kind": "fund", "zh_name": …,
/// "en_name": …, "zh_covers": …, "en_covers": …, "counties": ["任城区"], "contact": {"phone":
/// "0537-1234567", "zh_address": …, "en_address": …}, "answer_within_days": 3,
/// "max_yuan": 20000}, …]}`.
///
/// Every field is required except `max_yuan` (absent or `null` for help that is not cash). No
/// other field is accepted, so a misspelt one is caught rather than ignored. Texts are non-empty;
/// counties are written by Chinese name (`任城区`) or id (`rencheng`), each once, and an empty
/// list means the whole city; ids are unique. The first problem found is returned.
pub fn read_partners(json: &str) -> Result<Partners, PartnersFileError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| PartnersFileError::Json(e.to_string()))?;
    let located = |(at, problem): Located| PartnersFileError::Value { at, problem };
    let Value::Object(file) = &value else {
        return Err(PartnersFileError::NotAnObject);
    };
    if let Some(unknown) = file
        .keys()
        .find(|k| !["sample", "partners"].contains(&k.as_str()))
    {
        return Err(located((unknown.clone(), ValueProblem::UnknownField)));
    }
    let required = |name: &str| {
        file.get(name)
            .ok_or_else(|| located((name.to_owned(), ValueProblem::Missing)))
    };

    let sample = required("sample")?;
    let Value::Bool(sample) = *sample else {
        let problem = ValueProblem::NotABool(sample.to_string());
        return Err(located(("sample".to_owned(), problem)));
    };

    let listed = required("partners")?;
    let Value::Array(items) = listed else {
        let problem = ValueProblem::NotAList(listed.to_string());
        return Err(located(("partners".to_owned(), problem)));
    };
    if items.is_empty() {
        return Err(PartnersFileError::Empty);
    }

    let mut first_at: BTreeMap<PartnerId, usize> = BTreeMap::new();
    let mut partners = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let entry = format!("partners[{i}]");
        let partner = partner_entry(&entry, item).map_err(located)?;
        if let Some(first) = first_at.get(&partner.id) {
            let problem = ValueProblem::IdTwice {
                id: partner.id.to_string(),
                first: format!("partners[{first}]"),
            };
            return Err(located((format!("{entry}.id"), problem)));
        }
        first_at.insert(partner.id.clone(), i);
        partners.push(partner);
    }
    Ok(Partners { sample, partners })
}

/// The sample directory built in (`data/partners-sample.json`): the city's 济时救 fund, a
/// 慈善救急难 project for each county, a few village funds and the departments, with placeholder
/// phones and addresses, marked `sample`.
pub fn sample_partners() -> Partners {
    match read_partners(SAMPLE_PARTNERS) {
        Ok(partners) => partners,
        // The file is part of the crate and a test checks it; reaching this is a build defect.
        Err(error) => panic!("data/partners-sample.json is invalid: {error}"),
    }
}

/// The fields of an object that has no field but `names`.
struct Fields<'a> {
    at: &'a str,
    object: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    fn of(at: &'a str, value: &'a Value, names: &[&str]) -> Result<Fields<'a>, Located> {
        let Value::Object(object) = value else {
            return Err((at.to_owned(), ValueProblem::NotAnObject(value.to_string())));
        };
        if let Some(unknown) = object.keys().find(|k| !names.contains(&k.as_str())) {
            return Err((format!("{at}.{unknown}"), ValueProblem::UnknownField));
        }
        Ok(Fields { at, object })
    }

    /// A field's path, and its value if present and not `null`.
    fn optional(&self, name: &str) -> (String, Option<&'a Value>) {
        let value = self.object.get(name).filter(|v| !v.is_null());
        (format!("{}.{name}", self.at), value)
    }

    fn required(&self, name: &str) -> Result<(String, &'a Value), Located> {
        match self.optional(name) {
            (at, Some(value)) => Ok((at, value)),
            (at, None) => Err((at, ValueProblem::Missing)),
        }
    }

    /// A non-empty text.
    fn text(&self, name: &str) -> Result<String, Located> {
        let (at, value) = self.required(name)?;
        let Value::String(text) = value else {
            return Err((at, ValueProblem::NotAText(value.to_string())));
        };
        if text.trim().is_empty() {
            return Err((at, ValueProblem::EmptyText));
        }
        Ok(text.clone())
    }
}

fn partner_entry(entry: &str, item: &Value) -> Result<Partner, Located> {
    let fields = Fields::of(
        entry,
        item,
        &[
            "id",
            "kind",
            "zh_name",
            "en_name",
            "zh_covers",
            "en_covers",
            "counties",
            "contact",
            "answer_within_days",
            "max_yuan",
        ],
    )?;

    let (at, id) = fields.required("id")?;
    let id = id
        .as_str()
        .and_then(|text| text.parse::<PartnerId>().ok())
        .ok_or_else(|| (at, ValueProblem::NotAnId(id.to_string())))?;

    let (at, kind) = fields.required("kind")?;
    let kind = kind
        .as_str()
        .and_then(PartnerKind::parse)
        .ok_or_else(|| (at, ValueProblem::UnknownKind(kind.to_string())))?;

    let zh_name = fields.text("zh_name")?;
    let en_name = fields.text("en_name")?;
    let zh_covers = fields.text("zh_covers")?;
    let en_covers = fields.text("en_covers")?;

    let (at, listed) = fields.required("counties")?;
    let Value::Array(listed) = listed else {
        return Err((at, ValueProblem::NotAList(listed.to_string())));
    };
    let mut counties = Vec::with_capacity(listed.len());
    for (i, name) in listed.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let county = name
            .as_str()
            .and_then(|text| County::from_str(text).ok())
            .ok_or_else(|| (at.clone(), ValueProblem::UnknownCounty(name.to_string())))?;
        if counties.contains(&county) {
            return Err((at, ValueProblem::CountyTwice(county)));
        }
        counties.push(county);
    }

    let (at, contact) = fields.required("contact")?;
    let contact = Fields::of(&at, contact, &["phone", "zh_address", "en_address"])?;
    let phone = contact.text("phone")?;
    if !is_phone(&phone) {
        let (at, _) = contact.optional("phone");
        return Err((at, ValueProblem::NotAPhone(phone)));
    }
    let contact = Contact {
        phone,
        zh_address: contact.text("zh_address")?,
        en_address: contact.text("en_address")?,
    };

    let (at, days) = fields.required("answer_within_days")?;
    let answer_within_days = whole_in(at, days, 1, MAX_ANSWER_DAYS, "1", "60")?;

    let max_yuan = match fields.optional("max_yuan") {
        (_, None) => None,
        (at, Some(cap)) => Some(whole_in(at, cap, 1, MAX_CAP_YUAN, "1", "1000000")?),
    };

    Ok(Partner {
        id,
        kind,
        zh_name,
        en_name,
        zh_covers,
        en_covers,
        counties,
        contact,
        answer_within_days,
        max_yuan,
    })
}

/// A whole JSON number from `min` to `max`.
fn whole_in(
    at: String,
    value: &Value,
    min: u32,
    max: u32,
    min_text: &'static str,
    max_text: &'static str,
) -> Result<u32, Located> {
    if !(value.is_i64() || value.is_u64()) {
        return Err((at, ValueProblem::NotAWholeNumber(value.to_string())));
    }
    value
        .as_u64()
        .and_then(|whole| u32::try_from(whole).ok())
        .filter(|whole| (min..=max).contains(whole))
        .ok_or_else(|| {
            let problem = ValueProblem::OutOfRange {
                value: value.to_string(),
                min: min_text,
                max: max_text,
            };
            (at, problem)
        })
}

/// Digits in groups joined by single hyphens, 5 to 15 digits in all: a landline with its area
/// code (`0537-1234567`), a mobile, or a short hotline (`12345`).
fn is_phone(text: &str) -> bool {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    text.split('-')
        .all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()))
        && (5..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn ids(partners: &[&Partner]) -> Vec<String> {
        partners.iter().map(|p| p.id.to_string()).collect()
    }

    #[test]
    fn the_sample_file_reads_and_says_it_is_a_sample() {
        let partners = sample_partners();
        assert!(partners.sample());
        assert_eq!(partners.all().len(), 23);
        for partner in partners.all() {
            assert!(
                partner
                    .contact
                    .zh_address
                    .ends_with("（示例地址，以官方公布为准）"),
                "{}",
                partner.id
            );
            assert!(
                partner
                    .contact
                    .en_address
                    .ends_with("(sample address; the officially published address applies)"),
                "{}",
                partner.id
            );
        }
        let fund = partners.get("city-jsj-fund");
        assert_eq!(fund.map(|p| p.kind), Some(PartnerKind::Fund));
        assert_eq!(
            fund.map(|p| p.zh_name.as_str()),
            Some("济宁市济时救专项救助资金")
        );
        assert_eq!(fund.map(|p| p.answer_within_days), Some(3));
        assert!(fund.is_some_and(Partner::city_wide));
        assert_eq!(partners.get("no-such-partner"), None);
        for kind in PartnerKind::ALL {
            assert!(
                partners.all().iter().any(|p| p.kind == *kind),
                "the sample has a {kind}"
            );
        }
    }

    #[test]
    fn every_county_has_its_charity_project_and_the_city_fund() {
        let partners = sample_partners();
        for &county in County::ALL {
            let listed = partners.for_county(county);
            let ids = ids(&listed);
            assert!(ids.iter().any(|id| id == "city-jsj-fund"), "{county}");
            let project = format!("{}-charity-emergency", county.id());
            let Some(project) = partners.get(&project) else {
                panic!("{county} has no 慈善救急难 project");
            };
            assert_eq!(project.kind, PartnerKind::Charity);
            assert_eq!(project.counties, vec![county]);
            assert_eq!(project.answer_within_days, 5);
            assert!(project.zh_name.starts_with(county.chinese_name()));
            assert!(project.zh_name.contains("慈善总会"));
            assert!(project.zh_name.contains("慈善救急难"));
            assert!(listed.contains(&project));
            // No other county's project is offered.
            let others = listed
                .iter()
                .filter(|p| p.kind == PartnerKind::Charity)
                .count();
            assert_eq!(others, 1, "{county}");
        }
    }

    #[test]
    fn rencheng_gets_the_city_fund_its_project_and_dongcun_but_not_yanzhou() {
        let partners = sample_partners();
        let rencheng = ids(&partners.for_county(County::Rencheng));
        for id in [
            "city-jsj-fund",
            "rencheng-charity-emergency",
            "rencheng-dongcun-village-fund",
            "city-legal-aid",
        ] {
            assert!(rencheng.iter().any(|listed| listed == id), "{id}");
        }
        assert!(!rencheng.iter().any(|id| id == "yanzhou-charity-emergency"));
        assert!(!rencheng
            .iter()
            .any(|id| id == "zoucheng-nancun-village-fund"));
        // In file order: the city fund first.
        assert_eq!(rencheng.first().map(String::as_str), Some("city-jsj-fund"));
        let dongcun = partners.get("rencheng-dongcun-village-fund");
        assert_eq!(dongcun.map(|p| p.kind), Some(PartnerKind::VillageFund));
        assert!(dongcun.is_some_and(|p| p.zh_name.contains("李营街道东村")));
        assert!(dongcun.is_some_and(|p| p.serves(County::Rencheng)));
        assert!(dongcun.is_some_and(|p| !p.serves(County::Yanzhou)));
    }

    #[test]
    fn the_answer_is_due_after_calendar_days() {
        let partners = sample_partners();
        let Some(fund) = partners.get("city-jsj-fund") else {
            panic!("the city fund is listed");
        };
        // Monday 2 March 2026, 3 days: Thursday 5 March.
        assert_eq!(
            fund.answer_due(date!(2026 - 03 - 02)),
            date!(2026 - 03 - 05)
        );
        // Weekends count: Friday 6 March is due Monday 9 March.
        assert_eq!(
            fund.answer_due(date!(2026 - 03 - 06)),
            date!(2026 - 03 - 09)
        );
        // Across the year's end.
        assert_eq!(
            fund.answer_due(date!(2026 - 12 - 30)),
            date!(2027 - 01 - 02)
        );
        let slow = Partner {
            answer_within_days: 60,
            ..fund.clone()
        };
        assert_eq!(
            slow.answer_due(date!(2026 - 01 - 01)),
            date!(2026 - 03 - 02)
        );
        assert_eq!(slow.answer_due(Date::MAX), Date::MAX);
    }

    #[test]
    fn an_id_is_parsed_once_and_kept_as_written() {
        for good in ["city-jsj-fund", "ab", "a1-2", &"x".repeat(40)] {
            let id = good.parse::<PartnerId>();
            assert_eq!(id.as_ref().map(PartnerId::as_str), Ok(good));
        }
        for bad in [
            "",
            "a",
            "City-Fund",
            "city_fund",
            "city fund",
            " city-fund",
            "东村",
            &"x".repeat(41),
        ] {
            assert_eq!(
                bad.parse::<PartnerId>(),
                Err(InvalidPartnerId(bad.to_owned()))
            );
        }
        let read: Result<PartnerId, _> = serde_json::from_str("\"city-jsj-fund\"");
        assert_eq!(
            read.ok().map(|id| id.to_string()).as_deref(),
            Some("city-jsj-fund")
        );
        assert!(serde_json::from_str::<PartnerId>("\"City\"").is_err());
    }

    #[test]
    fn the_directory_written_out_reads_back_the_same() {
        let partners = sample_partners();
        let written = serde_json::to_string(&partners).unwrap_or_default();
        assert_eq!(read_partners(&written), Ok(partners));
        let legal_aid = serde_json::to_value(sample_partners().get("city-legal-aid"));
        let legal_aid = legal_aid.unwrap_or_default();
        assert_eq!(legal_aid["kind"], json!("department"));
        assert_eq!(legal_aid.get("max_yuan"), None);
    }

    /// A change to the sample file, and the error it must give.
    type Edit = Box<dyn FnOnce(&mut Value)>;

    fn file_error(edit: impl FnOnce(&mut Value)) -> String {
        let mut file: Value = serde_json::from_str(SAMPLE_PARTNERS).unwrap_or_default();
        edit(&mut file);
        match read_partners(&file.to_string()) {
            Ok(_) => "accepted".to_owned(),
            Err(error) => error.to_string(),
        }
    }

    fn remove(value: &mut Value, field: &str) {
        if let Some(object) = value.as_object_mut() {
            object.remove(field);
        }
    }

    #[test]
    fn every_file_error_names_its_place() {
        assert_eq!(file_error(|_| {}), "accepted");
        let cases: Vec<(Edit, &str)> = vec![
            (
                Box::new(|f| f["partners"][3]["fax"] = json!("0537-1234567")),
                "partners[3].fax: not a field of this file",
            ),
            (
                Box::new(|f| f["partners"][3]["contact"]["email"] = json!("a@b.cn")),
                "partners[3].contact.email: not a field of this file",
            ),
            (
                Box::new(|f| f["version"] = json!(2)),
                "version: not a field of this file",
            ),
            (
                Box::new(|f| f["partners"][2]["id"] = json!("Qufu_Charity")),
                "partners[2].id: \"Qufu_Charity\" is not an id of 2 to 40 lowercase letters (a-z), digits and hyphens",
            ),
            (
                Box::new(|f| f["partners"][2]["id"] = json!(7)),
                "partners[2].id: 7 is not an id of 2 to 40 lowercase letters (a-z), digits and hyphens",
            ),
            (
                Box::new(|f| f["partners"][5]["id"] = json!("city-jsj-fund")),
                "partners[5].id: city-jsj-fund is given twice (first at partners[0])",
            ),
            (
                Box::new(|f| f["partners"][1]["counties"] = json!(["任城区", "北京市"])),
                "partners[1].counties[1]: \"北京市\" is not one of Jining's counties (任城区, 兖州区, 曲阜市, …)",
            ),
            (
                Box::new(|f| f["partners"][1]["counties"] = json!(["任城区", "rencheng"])),
                "partners[1].counties[1]: 任城区 is listed twice",
            ),
            (
                Box::new(|f| f["partners"][1]["counties"] = json!("任城区")),
                "partners[1].counties: \"任城区\" is not a list",
            ),
            (
                Box::new(|f| f["partners"][3]["answer_within_days"] = json!(0)),
                "partners[3].answer_within_days: 0 is outside 1 to 60",
            ),
            (
                Box::new(|f| f["partners"][3]["answer_within_days"] = json!(61)),
                "partners[3].answer_within_days: 61 is outside 1 to 60",
            ),
            (
                Box::new(|f| f["partners"][3]["answer_within_days"] = json!(2.5)),
                "partners[3].answer_within_days: 2.5 is not a whole number",
            ),
            (
                Box::new(|f| f["partners"][3]["answer_within_days"] = json!("5")),
                "partners[3].answer_within_days: \"5\" is not a whole number",
            ),
            (
                Box::new(|f| f["partners"][0]["max_yuan"] = json!(-500)),
                "partners[0].max_yuan: -500 is outside 1 to 1000000",
            ),
            (
                Box::new(|f| f["partners"][0]["max_yuan"] = json!(0)),
                "partners[0].max_yuan: 0 is outside 1 to 1000000",
            ),
            (
                Box::new(|f| f["partners"][0]["max_yuan"] = json!(1000.5)),
                "partners[0].max_yuan: 1000.5 is not a whole number",
            ),
            (
                Box::new(|f| f["partners"][0]["max_yuan"] = Value::Null),
                "accepted",
            ),
            (
                Box::new(|f| remove(&mut f["partners"][0], "max_yuan")),
                "accepted",
            ),
            (
                Box::new(|f| f["partners"][4]["kind"] = json!("ngo")),
                "partners[4].kind: \"ngo\" is not a partner kind (fund, charity, village_fund or department)",
            ),
            (
                Box::new(|f| remove(&mut f["partners"][4], "en_covers")),
                "partners[4].en_covers: missing",
            ),
            (
                Box::new(|f| f["partners"][4]["zh_name"] = json!("  ")),
                "partners[4].zh_name: is empty",
            ),
            (
                Box::new(|f| f["partners"][4]["en_name"] = json!(["a"])),
                "partners[4].en_name: [\"a\"] is not a text",
            ),
            (
                Box::new(|f| f["partners"][4]["contact"]["phone"] = json!("0537 1234567")),
                "partners[4].contact.phone: 0537 1234567 is not a phone number (digits and hyphens, e.g. 0537-1234567)",
            ),
            (
                Box::new(|f| remove(&mut f["partners"][4]["contact"], "zh_address")),
                "partners[4].contact.zh_address: missing",
            ),
            (
                Box::new(|f| f["partners"][4]["contact"] = json!("0537-1234567")),
                "partners[4].contact: \"0537-1234567\" is not an object",
            ),
            (
                Box::new(|f| f["partners"][6] = json!("city-red-cross")),
                "partners[6]: \"city-red-cross\" is not an object",
            ),
            (
                Box::new(|f| f["sample"] = json!("yes")),
                "sample: \"yes\" is not true or false",
            ),
            (
                Box::new(|f| remove(f, "sample")),
                "sample: missing",
            ),
            (
                Box::new(|f| f["partners"] = json!({})),
                "partners: {} is not a list",
            ),
            (
                Box::new(|f| f["partners"] = json!([])),
                "partners file lists no partner",
            ),
            (
                Box::new(|f| *f = f["partners"].clone()),
                "partners file is not an object with \"sample\" and \"partners\"",
            ),
        ];
        for (edit, expected) in cases {
            assert_eq!(file_error(edit), expected);
        }
        let broken = read_partners("{\"sample\": true,").err();
        assert_eq!(broken.as_ref().map(|e| e.located()), Some(("", "not_json")));
        assert!(
            broken.is_some_and(|e| e
                .to_string()
                .starts_with("partners file is not valid JSON: ")),
            "a broken file is refused"
        );
    }

    #[test]
    fn a_refusal_has_a_place_and_a_stable_code() {
        let mut file: Value = serde_json::from_str(SAMPLE_PARTNERS).unwrap_or_default();
        file["partners"][3]["answer_within_days"] = json!(61);
        let error = read_partners(&file.to_string()).err();
        assert_eq!(
            error.as_ref().map(PartnersFileError::located),
            Some(("partners[3].answer_within_days", "out_of_range"))
        );
        file["partners"][3]["counties"] = json!(["北京市"]);
        let error = read_partners(&file.to_string()).err();
        assert_eq!(
            error.as_ref().map(PartnersFileError::located),
            Some(("partners[3].counties[0]", "unknown_county"))
        );
    }

    #[test]
    fn phones_are_digits_in_hyphenated_groups() {
        for good in ["0537-1234567", "13800138000", "12345", "0537-123-4567"] {
            assert!(is_phone(good), "{good}");
        }
        for bad in [
            "",
            "1234",
            "0537-",
            "-0537",
            "0537--1234567",
            "0537 1234567",
            "0537-XXXXXXX",
            "+86-537-1234567",
            "1234567890123456",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
    }
}
