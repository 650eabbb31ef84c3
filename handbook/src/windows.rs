//! Where to go in person: the social assistance windows of Jining's townships and streets
//! (乡镇/街道 便民服务中心) and the village and community stations (村/社区 便民服务站) that take
//! applications and pass them on, with their opening hours and the departments they act for.
//!
//! Pure: the caller reads `content/windows.toml` and hands its text in. Every problem in the file
//! is collected and named by window (its number in the file and its name) and field, so whoever
//! edits the file can fix them all in one go, and a bad file never replaces a good one.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Department, Localized};

/// Jining's eleven county-level areas (POLICY.md §5), in the official order. Every one of them
/// must have at least one township-level window, so no resident is left without a place to go.
pub const JINING_COUNTIES: [&str; 11] = [
    "任城区",
    "兖州区",
    "曲阜市",
    "邹城市",
    "微山县",
    "鱼台县",
    "金乡县",
    "嘉祥县",
    "汶上县",
    "泗水县",
    "梁山县",
];

/// A day of the week as the windows file writes it (`mon` … `sun`). Pages translate the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    /// The week from Monday, the order days are shown in.
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];

    /// The id the file uses, e.g. `"mon"`.
    pub fn id(self) -> &'static str {
        match self {
            Day::Mon => "mon",
            Day::Tue => "tue",
            Day::Wed => "wed",
            Day::Thu => "thu",
            Day::Fri => "fri",
            Day::Sat => "sat",
            Day::Sun => "sun",
        }
    }

    pub fn parse(id: &str) -> Option<Day> {
        Day::ALL.into_iter().find(|d| d.id() == id)
    }
}

impl From<time::Weekday> for Day {
    fn from(weekday: time::Weekday) -> Day {
        match weekday {
            time::Weekday::Monday => Day::Mon,
            time::Weekday::Tuesday => Day::Tue,
            time::Weekday::Wednesday => Day::Wed,
            time::Weekday::Thursday => Day::Thu,
            time::Weekday::Friday => Day::Fri,
            time::Weekday::Saturday => Day::Sat,
            time::Weekday::Sunday => Day::Sun,
        }
    }
}

/// One opening period: on these days, from `from` (open) until `to` (closed again).
/// Times are minutes after midnight, local time; they travel as `"08:30"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// In week order, each day once.
    days: Vec<Day>,
    #[serde(with = "clock")]
    from: u16,
    #[serde(with = "clock")]
    to: u16,
}

impl OpeningHours {
    pub fn days(&self) -> &[Day] {
        &self.days
    }

    /// When the window opens, in minutes after midnight.
    pub fn from_minute(&self) -> u16 {
        self.from
    }

    /// When the window closes, in minutes after midnight; it is closed at this minute.
    pub fn to_minute(&self) -> u16 {
        self.to
    }

    /// The opening time as the file writes it, e.g. `"08:30"`.
    pub fn from_text(&self) -> String {
        clock::format(self.from)
    }

    /// The closing time as the file writes it, e.g. `"12:00"`.
    pub fn to_text(&self) -> String {
        clock::format(self.to)
    }

    /// Open on `day` at `minute_of_day`: the opening minute counts, the closing minute does not.
    pub fn covers(&self, day: Day, minute_of_day: u16) -> bool {
        self.days.contains(&day) && self.from <= minute_of_day && minute_of_day < self.to
    }
}

/// A place where a resident can ask for social assistance in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceWindow {
    county: String,
    township: String,
    /// Absent for the township's (or street's) own window.
    village: Option<String>,
    name: Localized<String>,
    address: Localized<String>,
    phone: String,
    hours: Vec<OpeningHours>,
    /// Department ids of the handbook this window takes applications for.
    services: Vec<String>,
}

impl ServiceWindow {
    /// One of [`JINING_COUNTIES`].
    pub fn county(&self) -> &str {
        &self.county
    }

    /// The township or street (乡镇/街道), shown as is in both languages.
    pub fn township(&self) -> &str {
        &self.township
    }

    /// The village or community (村/社区) of a station; `None` for the township's own window.
    pub fn village(&self) -> Option<&str> {
        self.village.as_deref()
    }

    /// The township's (or street's) own window, where applications are decided on and sent up.
    pub fn is_township_level(&self) -> bool {
        self.village.is_none()
    }

    pub fn name(&self) -> &Localized<String> {
        &self.name
    }

    pub fn address(&self) -> &Localized<String> {
        &self.address
    }

    pub fn phone(&self) -> &str {
        &self.phone
    }

    pub fn hours(&self) -> &[OpeningHours] {
        &self.hours
    }

    /// Department ids, as in `content/departments.toml`.
    pub fn services(&self) -> &[String] {
        &self.services
    }

    /// The window takes applications for this department.
    pub fn handles(&self, department_id: &str) -> bool {
        self.services.iter().any(|s| s == department_id)
    }

    /// Open on `weekday` at `minute_of_day` (minutes after local midnight): from the opening
    /// minute, up to but not including the closing minute.
    pub fn open_at(&self, weekday: time::Weekday, minute_of_day: u16) -> bool {
        let day = Day::from(weekday);
        self.hours.iter().any(|h| h.covers(day, minute_of_day))
    }

    /// Open at some time on `weekday`.
    pub fn open_on(&self, weekday: time::Weekday) -> bool {
        let day = Day::from(weekday);
        self.hours.iter().any(|h| h.days.contains(&day))
    }
}

/// All the windows of the file, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows {
    sample: bool,
    windows: Vec<ServiceWindow>,
}

impl Windows {
    /// The file holds sample data (names, addresses, phones, hours) until the bureau supplies
    /// its own; pages say so next to every window.
    pub fn sample(&self) -> bool {
        self.sample
    }

    /// Every window, in file order.
    pub fn all(&self) -> &[ServiceWindow] {
        &self.windows
    }

    /// The counties that have windows, in the official order.
    pub fn counties(&self) -> Vec<&str> {
        JINING_COUNTIES
            .into_iter()
            .filter(|county| self.windows.iter().any(|w| w.county == *county))
            .collect()
    }

    /// The townships and streets of a county, in file order, each once.
    pub fn townships(&self, county: &str) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.windows
            .iter()
            .filter(|w| w.county == county)
            .map(|w| w.township.as_str())
            .filter(|t| seen.insert(*t))
            .collect()
    }

    /// A township's own window first, then its village and community stations in file order.
    pub fn of_township(&self, county: &str, township: &str) -> Vec<&ServiceWindow> {
        let (mut own, villages): (Vec<&ServiceWindow>, Vec<&ServiceWindow>) = self
            .windows
            .iter()
            .filter(|w| w.county == county && w.township == township)
            .partition(|w| w.is_township_level());
        own.extend(villages);
        own
    }

    /// The township-level windows of a county, in file order.
    pub fn of_county(&self, county: &str) -> Vec<&ServiceWindow> {
        self.windows
            .iter()
            .filter(|w| w.county == county && w.is_township_level())
            .collect()
    }

    /// The township-level windows of a county that take applications for a department.
    pub fn for_service(&self, county: &str, department_id: &str) -> Vec<&ServiceWindow> {
        self.of_county(county)
            .into_iter()
            .filter(|w| w.handles(department_id))
            .collect()
    }

    /// One window by its place; `village: None` is the township's own window.
    pub fn find(
        &self,
        county: &str,
        township: &str,
        village: Option<&str>,
    ) -> Option<&ServiceWindow> {
        self.windows
            .iter()
            .find(|w| w.county == county && w.township == township && w.village() == village)
    }
}

/// One thing wrong with the windows file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowProblem {
    /// Which `[[window]]` it is, counting from 1 in file order; `None` when the problem is not
    /// one window's (a county without any window).
    pub window: Option<usize>,
    /// The window's Chinese name, or its place (county, township, village) when the name is
    /// empty; for a problem that is not one window's, what it is about (the county).
    pub name: String,
    pub field: String,
    pub problem: String,
}

impl fmt::Display for WindowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.window {
            Some(number) => write!(
                f,
                "window #{number} ({}): {}: {}",
                self.name, self.field, self.problem
            ),
            None => write!(f, "{}: {}: {}", self.name, self.field, self.problem),
        }
    }
}

/// Why the windows file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowsError {
    /// The file is not TOML of the expected shape (a misspelt or missing field, a wrong type).
    #[error("the windows file cannot be read: {at}: {message}")]
    Syntax { at: String, message: String },
    /// The file reads, but some windows are incomplete or wrong; all of them are listed.
    #[error("{}", list_problems(.0))]
    Invalid(Vec<WindowProblem>),
}

fn list_problems(problems: &[WindowProblem]) -> String {
    let mut text = format!("the windows file has {} problem(s):", problems.len());
    for p in problems {
        text.push_str("\n  ");
        text.push_str(&p.to_string());
    }
    text
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowsFile {
    sample: bool,
    #[serde(default)]
    window: Vec<WindowEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowEntry {
    county: String,
    township: String,
    village: Option<String>,
    zh_name: String,
    en_name: String,
    zh_address: String,
    en_address: String,
    phone: String,
    hours: Vec<HoursEntry>,
    services: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursEntry {
    days: Vec<String>,
    from: String,
    to: String,
}

/// Collects the problems of one window, naming it in each.
struct Checker<'a> {
    number: usize,
    name: String,
    problems: &'a mut Vec<WindowProblem>,
}

impl Checker<'_> {
    fn report(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        self.problems.push(WindowProblem {
            window: Some(self.number),
            name: self.name.clone(),
            field: field.into(),
            problem: problem.into(),
        });
    }

    fn text(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.report(field, "must not be empty");
        }
    }
}

/// A phone number as people dial it: digits with at most one hyphen between them
/// (`0537-2345678`), or a short service number such as `12345`; 5 to 13 digits in all.
fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let hyphens = text.chars().filter(|c| *c == '-').count();
    text.chars().all(|c| c.is_ascii_digit() || c == '-')
        && hyphens <= 1
        && !text.starts_with('-')
        && !text.ends_with('-')
        && (5..=13).contains(&digits)
}

fn check_hours(c: &mut Checker<'_>, i: usize, entry: &HoursEntry) -> Option<OpeningHours> {
    let field = |part: &str| format!("hours[{i}].{part}");
    let mut days = Vec::new();
    if entry.days.is_empty() {
        c.report(field("days"), "must list at least one day");
    }
    for id in &entry.days {
        match Day::parse(id) {
            Some(day) if days.contains(&day) => {
                c.report(field("days"), format!("{id:?} appears twice"));
            }
            Some(day) => days.push(day),
            None => c.report(
                field("days"),
                format!("unknown day {id:?}; use mon, tue, wed, thu, fri, sat or sun"),
            ),
        }
    }
    days.sort();
    let from = clock::parse(&entry.from);
    let to = clock::parse(&entry.to);
    for (part, value, parsed) in [("from", &entry.from, from), ("to", &entry.to, to)] {
        if parsed.is_none() {
            c.report(
                field(part),
                format!("{value:?} is not a time like \"08:30\" (24-hour clock)"),
            );
        }
    }
    let (from, to) = (from?, to?);
    if from >= to {
        c.report(
            field("to"),
            format!("{:?} must be later than from {:?}", entry.to, entry.from),
        );
        return None;
    }
    // A window with any problem is dropped as a whole, so what is built here is only kept when
    // every check above passed.
    Some(OpeningHours { days, from, to })
}

fn check_window(
    number: usize,
    entry: WindowEntry,
    department_ids: &HashSet<&str>,
    problems: &mut Vec<WindowProblem>,
) -> Option<ServiceWindow> {
    let name = if entry.zh_name.trim().is_empty() {
        [
            Some(entry.county.as_str()),
            Some(entry.township.as_str()),
            entry.village.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    } else {
        entry.zh_name.clone()
    };
    let before = problems.len();
    let mut c = Checker {
        number,
        name,
        problems,
    };

    if !JINING_COUNTIES.contains(&entry.county.as_str()) {
        c.report(
            "county",
            format!(
                "{:?} is not one of Jining's counties ({})",
                entry.county,
                JINING_COUNTIES.join("、")
            ),
        );
    }
    c.text("township", &entry.township);
    if let Some(village) = &entry.village {
        c.text("village", village);
    }
    for (field, value) in [
        ("zh_name", &entry.zh_name),
        ("en_name", &entry.en_name),
        ("zh_address", &entry.zh_address),
        ("en_address", &entry.en_address),
    ] {
        c.text(field, value);
    }
    if !is_phone(&entry.phone) {
        c.report(
            "phone",
            format!(
                "{:?} is not a phone number: use digits with at most one hyphen, 5 to 13 digits (0537-1234567, 12345)",
                entry.phone
            ),
        );
    }

    if entry.hours.is_empty() {
        c.report("hours", "must list at least one opening period");
    }
    let mut hours = Vec::new();
    for (i, h) in entry.hours.iter().enumerate() {
        if let Some(h) = check_hours(&mut c, i, h) {
            hours.push(h);
        }
    }

    if entry.services.is_empty() {
        c.report("services", "must list at least one department id");
    }
    let mut seen = HashSet::new();
    for id in &entry.services {
        if !department_ids.contains(id.as_str()) {
            c.report("services", format!("unknown department {id:?}"));
        } else if !seen.insert(id.as_str()) {
            c.report("services", format!("{id:?} appears twice"));
        }
    }

    if c.problems.len() > before {
        return None;
    }
    Some(ServiceWindow {
        county: entry.county,
        township: entry.township,
        village: entry.village,
        name: Localized {
            zh: entry.zh_name,
            en: entry.en_name,
        },
        address: Localized {
            zh: entry.zh_address,
            en: entry.en_address,
        },
        phone: entry.phone,
        hours,
        services: entry.services,
    })
}

/// Parses and checks the windows file against the handbook's departments; on any problem,
/// returns them all and no windows.
///
/// Beyond each window's own fields: no two windows share a place (county, township, village);
/// a village station's township has its own window in the file; and each of the eleven
/// counties has at least one township-level window.
pub fn read_windows(text: &str, departments: &[Department]) -> Result<Windows, WindowsError> {
    let file: WindowsFile = toml::from_str(text).map_err(|e| {
        // The line the parser stopped at: one more than the line breaks before it.
        let at = e
            .span()
            .map(|span| {
                let before = text.get(..span.start).unwrap_or(text);
                before.matches('\n').count() + 1
            })
            .map(|line| format!("line {line}"))
            .unwrap_or_else(|| "(file)".to_owned());
        WindowsError::Syntax {
            at,
            message: e.message().to_owned(),
        }
    })?;

    let department_ids: HashSet<&str> = departments.iter().map(|d| d.id.as_str()).collect();
    let mut problems = Vec::new();
    let mut windows = Vec::new();
    let mut places: Vec<(usize, String, String, String, Option<String>)> = Vec::new();
    for (i, entry) in file.window.into_iter().enumerate() {
        let number = i + 1;
        places.push((
            number,
            entry.zh_name.clone(),
            entry.county.clone(),
            entry.township.clone(),
            entry.village.clone(),
        ));
        if let Some(window) = check_window(number, entry, &department_ids, &mut problems) {
            windows.push(window);
        }
    }

    let mut seen = HashSet::new();
    for (number, name, county, township, village) in &places {
        let place = (county.as_str(), township.as_str(), village.as_deref());
        let report = |problems: &mut Vec<WindowProblem>, field: &str, problem: String| {
            problems.push(WindowProblem {
                window: Some(*number),
                name: name.clone(),
                field: field.to_owned(),
                problem,
            });
        };
        if !seen.insert(place) {
            let field = if village.is_some() {
                "village"
            } else {
                "township"
            };
            report(
                &mut problems,
                field,
                format!(
                    "another window already stands for {}",
                    [
                        Some(county.as_str()),
                        Some(township.as_str()),
                        village.as_deref()
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
                ),
            );
        }
        let township_has_window = places
            .iter()
            .any(|(_, _, c, t, v)| c == county && t == township && v.is_none());
        if village.is_some() && !township_has_window {
            report(
                &mut problems,
                "township",
                format!(
                    "{township:?} in {county} has no township-level window; a village station needs one to pass applications to"
                ),
            );
        }
    }

    for county in JINING_COUNTIES {
        if !places
            .iter()
            .any(|(_, _, c, _, v)| c == county && v.is_none())
        {
            problems.push(WindowProblem {
                window: None,
                name: county.to_owned(),
                field: "county".to_owned(),
                problem: "has no township-level window; every county needs at least one".to_owned(),
            });
        }
    }

    if !problems.is_empty() {
        return Err(WindowsError::Invalid(problems));
    }
    Ok(Windows {
        sample: file.sample,
        windows,
    })
}

/// Times of day as `"HH:MM"` on the 24-hour clock, held as minutes after midnight.
mod clock {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn parse(text: &str) -> Option<u16> {
        let (hours, minutes) = text.split_once(':')?;
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(hours) || !two_digits(minutes) {
            return None;
        }
        let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
        (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
    }

    pub fn format(minute_of_day: u16) -> String {
        format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
    }

    pub fn serialize<S: Serializer>(minute_of_day: &u16, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(*minute_of_day))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("{text:?} is not a time like \"08:30\""))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ContentFiles, Handbook};

    const REAL_FILE: &str = include_str!("../../content/windows.toml");

    /// The handbook's departments, parsed by the handbook itself from the repository's content
    /// (as `tests/content.rs` reads it), so the windows are checked against the real ids.
    fn departments() -> Vec<Department> {
        let dir = format!("{}/../content", env!("CARGO_MANIFEST_DIR"));
        let read = |path: &str| {
            let full = format!("{dir}/{path}");
            let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
            (path.to_owned(), text)
        };
        let mut names: Vec<String> = std::fs::read_dir(format!("{dir}/policies"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        names.sort();
        let files = ContentFiles {
            categories: read("categories.toml"),
            departments: read("departments.toml"),
            life_situations: read("life_situations.toml"),
            policies: names
                .iter()
                .map(|n| read(&format!("policies/{n}")))
                .collect(),
        };
        Handbook::from_files(&files)
            .unwrap_or_else(|e| panic!("{e}"))
            .departments
    }

    fn real() -> Windows {
        read_windows(REAL_FILE, &departments()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// One window of each county (the first township-level one), then `extra`.
    fn file_with(extra: &str) -> String {
        let mut text = String::from("sample = true\n");
        for (i, county) in JINING_COUNTIES.iter().enumerate() {
            text.push_str(&format!(
                r#"
[[window]]
county = "{county}"
township = "示例{i}镇"
zh_name = "示例{i}镇便民服务中心社会救助窗口"
en_name = "Sample {i} Town Service Centre, social assistance window"
zh_address = "{county}示例{i}镇便民服务中心（示例地址）"
en_address = "Sample {i} Town Service Centre (sample address)"
phone = "0537-0000000"
hours = [{{ days = ["mon", "tue", "wed", "thu", "fri"], from = "08:30", to = "12:00" }}]
services = ["civil_affairs"]
"#
            ));
        }
        text.push_str(extra);
        text
    }

    /// A twelfth window (number 12 in the file) with one field replaced: `field = value`.
    fn bad(field: &str, value: &str) -> String {
        let mut fields =
            vec![
            ("county", r#""任城区""#.to_owned()),
            ("township", r#""李营街道""#.to_owned()),
            ("zh_name", r#""李营街道便民服务中心社会救助窗口""#.to_owned()),
            (
                "en_name",
                r#""Liying Street Service Centre, social assistance window""#.to_owned(),
            ),
            ("zh_address", r#""任城区李营街道便民服务中心（示例地址）""#.to_owned()),
            (
                "en_address",
                r#""Liying Street Service Centre (sample address)""#.to_owned(),
            ),
            ("phone", r#""0537-0010100""#.to_owned()),
            (
                "hours",
                r#"[{ days = ["mon", "tue", "wed", "thu", "fri"], from = "08:30", to = "12:00" }]"#
                    .to_owned(),
            ),
            ("services", r#"["civil_affairs", "hrss"]"#.to_owned()),
        ];
        match fields.iter_mut().find(|(f, _)| *f == field) {
            Some(entry) => entry.1 = value.to_owned(),
            None => fields.push((field, value.to_owned())),
        }
        let body: String = fields.iter().map(|(f, v)| format!("{f} = {v}\n")).collect();
        file_with(&format!("\n[[window]]\n{body}"))
    }

    /// 李营街道's own window, to follow a test file's station of 李营街道.
    const LIYING_WINDOW: &str = r#"
[[window]]
county = "任城区"
township = "李营街道"
zh_name = "李营街道便民服务中心社会救助窗口"
en_name = "Liying Street Service Centre, social assistance window"
zh_address = "任城区李营街道便民服务中心（示例地址）"
en_address = "Liying Street Service Centre (sample address)"
phone = "12345"
hours = [{ days = ["mon"], from = "08:30", to = "12:00" }]
services = ["civil_affairs"]
"#;

    /// The problems of a file that must be refused.
    fn problems(text: &str) -> Vec<WindowProblem> {
        match read_windows(text, &departments()) {
            Err(WindowsError::Invalid(problems)) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    /// The file is refused with exactly one problem, in window #12 (named) and `field`.
    fn refused(text: &str, field: &str, says: &str) {
        let found = problems(text);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        assert_eq!(p.window, Some(12), "{p}");
        assert_eq!(p.field, field, "{p}");
        assert!(p.problem.contains(says), "{p}");
        let shown = WindowsError::Invalid(found.clone()).to_string();
        assert!(
            shown.contains("window #12 (李营街道便民服务中心社会救助窗口)"),
            "{shown}"
        );
        assert!(shown.contains(field), "{shown}");
    }

    #[test]
    fn the_small_files_of_these_tests_are_good() {
        let windows = read_windows(&file_with(""), &departments()).unwrap();
        assert_eq!(windows.counties(), JINING_COUNTIES.to_vec());
        let windows = read_windows(&bad("phone", r#""12345""#), &departments()).unwrap();
        assert_eq!(windows.all().len(), 12);
    }

    #[test]
    fn the_repository_file_reads_with_every_county_and_is_marked_sample() {
        let windows = real();
        assert!(windows.sample());
        assert_eq!(windows.counties(), JINING_COUNTIES.to_vec());
        for county in JINING_COUNTIES {
            let townships = windows.townships(county);
            assert!(townships.len() >= 6, "{county}: {townships:?}");
            assert_eq!(windows.of_county(county).len(), townships.len(), "{county}");
            let with_villages = townships
                .iter()
                .filter(|t| {
                    (2..=3).contains(&windows.of_township(county, t).len().saturating_sub(1))
                })
                .count();
            assert!(with_villages >= 2, "{county}: too few village stations");
            assert!(!windows.for_service(county, "civil_affairs").is_empty());
        }
        for w in windows.all() {
            assert!(w.address().zh.contains("示例地址"), "{:?}", w.name());
            assert!(w.address().en.contains("sample address"), "{:?}", w.name());
            assert!(w.phone().starts_with("0537-0"), "{:?}", w.name());
        }
    }

    #[test]
    fn liying_street_in_rencheng_has_its_window_then_dongcun() {
        let windows = real();
        assert!(windows.townships("任城区").contains(&"李营街道"));
        let liying = windows.of_township("任城区", "李营街道");
        assert!(liying.len() >= 2, "{liying:?}");
        assert!(liying[0].is_township_level());
        assert_eq!(liying[0].township(), "李营街道");
        assert!(liying[1..].iter().all(|w| w.village().is_some()));

        let dongcun = windows
            .find("任城区", "李营街道", Some("东村"))
            .expect("东村 station");
        assert!(liying.contains(&dongcun));
        assert!(dongcun.handles("civil_affairs"));
        assert!(!windows.of_county("任城区").contains(&dongcun));
        assert!(windows.of_county("任城区").contains(&liying[0]));

        let justice = windows.for_service("任城区", "justice");
        assert!(justice.contains(&liying[0]));
        assert!(justice.iter().all(|w| w.is_township_level()));
        assert!(windows
            .for_service("任城区", "no_such_department")
            .is_empty());
        assert!(windows.of_township("任城区", "没有这个街道").is_empty());
        assert!(windows.townships("北京市").is_empty());
    }

    #[test]
    fn a_window_is_open_from_its_opening_minute_until_before_its_closing_minute() {
        let windows = real();
        let liying = windows.find("任城区", "李营街道", None).unwrap();
        let at = |h: u16, m: u16| h * 60 + m;
        use time::Weekday::*;
        assert!(!liying.open_at(Monday, at(8, 29)));
        assert!(liying.open_at(Monday, at(8, 30)));
        assert!(liying.open_at(Friday, at(11, 59)));
        assert!(!liying.open_at(Monday, at(12, 0)));
        assert!(!liying.open_at(Monday, at(13, 0)));
        assert!(liying.open_at(Wednesday, at(13, 30)));
        assert!(!liying.open_at(Wednesday, at(17, 0)));
        assert!(!liying.open_at(Sunday, at(9, 0)));
        assert!(!liying.open_at(Saturday, at(9, 0)));
        assert!(liying.open_on(Tuesday) && !liying.open_on(Sunday));

        let dongcun = windows.find("任城区", "李营街道", Some("东村")).unwrap();
        assert!(dongcun.open_at(Monday, at(9, 0)));
        assert!(!dongcun.open_at(Tuesday, at(9, 0)));

        let hours = &liying.hours()[0];
        assert_eq!(
            (hours.from_text(), hours.to_text()),
            ("08:30".into(), "12:00".into())
        );
        assert_eq!((hours.from_minute(), hours.to_minute()), (510, 720));
        assert_eq!(hours.days()[0], Day::Mon);
    }

    #[test]
    fn times_travel_as_clock_text_and_come_back_the_same() {
        let windows = real();
        let hours = toml::to_string(&windows.all()[0].hours()[0]).unwrap();
        assert!(hours.contains("from = \"08:30\""), "{hours}");
        assert!(hours.contains("days = [\"mon\""), "{hours}");
        let back: Windows = toml::from_str(&toml::to_string(&windows).unwrap()).unwrap();
        assert_eq!(back, windows);
    }

    #[test]
    fn an_unknown_county_is_named() {
        refused(
            &bad("county", r#""济南市""#),
            "county",
            "not one of Jining's counties",
        );
    }

    #[test]
    fn empty_texts_are_named() {
        refused(&bad("township", r#""""#), "township", "must not be empty");
        refused(
            &format!("{}{LIYING_WINDOW}", bad("village", r#"" ""#)),
            "village",
            "must not be empty",
        );
        refused(&bad("en_name", r#""""#), "en_name", "must not be empty");
        refused(
            &bad("zh_address", r#""""#),
            "zh_address",
            "must not be empty",
        );
        refused(
            &bad("en_address", r#""  ""#),
            "en_address",
            "must not be empty",
        );
    }

    #[test]
    fn a_window_without_a_chinese_name_is_named_by_its_place() {
        let found = problems(&bad("zh_name", r#""""#));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "zh_name");
        assert_eq!(found[0].name, "任城区 李营街道");
        assert!(found[0]
            .to_string()
            .starts_with("window #12 (任城区 李营街道): zh_name"));
    }

    #[test]
    fn phones_must_be_dialable_numbers() {
        for phone in [
            "",
            "1234",
            "0537-12-34567",
            "-05371234567",
            "05371234567-",
            "0537 1234567",
            "12345678901234",
            "电话0537",
        ] {
            refused(
                &bad("phone", &format!("{phone:?}")),
                "phone",
                "not a phone number",
            );
        }
        for phone in ["12345", "0537-2345678", "05372345678", "13800138000"] {
            read_windows(&bad("phone", &format!("{phone:?}")), &departments())
                .unwrap_or_else(|e| panic!("{phone}: {e}"));
        }
    }

    #[test]
    fn opening_hours_are_checked_period_by_period() {
        refused(&bad("hours", "[]"), "hours", "at least one opening period");
        refused(
            &bad("hours", r#"[{ days = [], from = "08:30", to = "12:00" }]"#),
            "hours[0].days",
            "at least one day",
        );
        refused(
            &bad(
                "hours",
                r#"[{ days = ["mon", "monday"], from = "08:30", to = "12:00" }]"#,
            ),
            "hours[0].days",
            "unknown day \"monday\"",
        );
        refused(
            &bad(
                "hours",
                r#"[{ days = ["mon", "tue", "mon"], from = "08:30", to = "12:00" }]"#,
            ),
            "hours[0].days",
            "\"mon\" appears twice",
        );
        for from in ["8:30", "24:00", "08:60", "0830", "08:30am", ""] {
            refused(
                &bad(
                    "hours",
                    &format!(r#"[{{ days = ["mon"], from = "{from}", to = "12:00" }}]"#),
                ),
                "hours[0].from",
                "not a time like",
            );
        }
        refused(
            &bad(
                "hours",
                r#"[{ days = ["mon"], from = "08:30", to = "12:00" }, { days = ["tue"], from = "13:30", to = "13:30" }]"#,
            ),
            "hours[1].to",
            "must be later than from",
        );
        refused(
            &bad(
                "hours",
                r#"[{ days = ["sat"], from = "17:00", to = "08:30" }]"#,
            ),
            "hours[0].to",
            "must be later than from",
        );
    }

    #[test]
    fn services_must_be_known_departments_each_once() {
        refused(
            &bad("services", "[]"),
            "services",
            "at least one department id",
        );
        refused(
            &bad("services", r#"["civil_affairs", "veterans"]"#),
            "services",
            "unknown department \"veterans\"",
        );
        refused(
            &bad("services", r#"["civil_affairs", "hrss", "civil_affairs"]"#),
            "services",
            "\"civil_affairs\" appears twice",
        );
    }

    #[test]
    fn two_windows_for_one_place_are_refused() {
        let station = bad("village", r#""东村""#);
        let twice = format!("{station}{}", &station[file_with("").len()..]);
        let found = problems(&format!("{twice}{LIYING_WINDOW}"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].window, Some(13));
        assert_eq!(found[0].field, "village");
        assert!(
            found[0].problem.contains("任城区 李营街道 东村"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn a_village_station_needs_its_township_window() {
        let found = problems(&bad("village", r#""东村""#));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].window, Some(12));
        assert_eq!(found[0].field, "township");
        assert!(
            found[0].problem.contains("no township-level window"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn every_county_needs_a_township_window() {
        let without_liangshan = file_with("").replace("county = \"梁山县\"", "county = \"嘉祥县\"");
        let found = problems(&without_liangshan);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].window, None);
        assert_eq!(found[0].name, "梁山县");
        assert_eq!(found[0].field, "county");
        assert_eq!(
            found[0].to_string(),
            "梁山县: county: has no township-level window; every county needs at least one"
        );
        assert_eq!(problems("sample = true\n").len(), JINING_COUNTIES.len());
    }

    #[test]
    fn every_problem_of_a_file_is_listed_at_once() {
        let text = bad("phone", r#""x""#)
            .replace("services = [\"civil_affairs\", \"hrss\"]", "services = []");
        let found = problems(&text);
        let fields: Vec<&str> = found.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["phone", "services"]);
    }

    #[test]
    fn a_file_of_the_wrong_shape_names_the_line() {
        let misspelt = bad("phone", r#""12345""#).replace("phone = \"12345\"", "phon = \"12345\"");
        let line = misspelt
            .lines()
            .position(|l| l.starts_with("phon = "))
            .unwrap()
            + 1;
        match read_windows(&misspelt, &departments()) {
            Err(WindowsError::Syntax { at, message }) => {
                assert_eq!(at, format!("line {line}"));
                assert!(message.contains("phon"), "{message}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let no_sample = file_with("").replacen("sample = true\n", "", 1);
        let error = read_windows(&no_sample, &departments()).unwrap_err();
        assert!(error.to_string().contains("sample"), "{error}");
    }
}
