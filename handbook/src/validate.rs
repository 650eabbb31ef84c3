//! Parses the content files and checks them as a whole. Every problem is collected and named by
//! file and field, so whoever edits the content can fix them all in one go.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;

use crate::model::{
    parse_iso_date, ApplyRoute, Category, Department, Handbook, LifeSituation, Localized, Policy,
    PolicyText,
};

/// Words that claim an application on this portal or online. A policy whose `apply` is not
/// `portal` cannot be applied for here, so its `how_to_apply` and `where_to_apply` (both
/// languages) must not contain any of them; otherwise a resident would look for a form that does
/// not exist. English words match in any case. The last four make the same claim in other words:
/// the portal's own name, "网上提出", "网上申报" and "this website".
const ONLINE_CLAIMS: &[&str] = &[
    "本网站",
    "网上申请",
    "在线申请",
    "this portal",
    "online",
    "济时救",
    "网上提出",
    "网上申报",
    "this website",
];

/// The text of the content files, as read from disk: (file name, contents).
#[derive(Debug, Clone, Default)]
pub struct ContentFiles {
    pub categories: (String, String),
    pub departments: (String, String),
    pub life_situations: (String, String),
    pub policies: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentProblem {
    /// The file, or where an edit came from.
    pub file: String,
    pub field: String,
    pub problem: String,
}

/// Everything wrong with the content, one line per problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContentError(pub Vec<ContentProblem>);

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the handbook content has {} problem(s):", self.0.len())?;
        for p in &self.0 {
            writeln!(f, "  {}: {}: {}", p.file, p.field, p.problem)?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    category: Vec<NamedEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SituationsFile {
    life_situation: Vec<NamedEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedEntry {
    id: String,
    zh_name: String,
    en_name: String,
    zh_summary: String,
    en_summary: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartmentsFile {
    department: Vec<DepartmentEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartmentEntry {
    id: String,
    zh_name: String,
    en_name: String,
    phone: String,
    phone_is_sample: bool,
    zh_address: String,
    en_address: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    slug: String,
    category: String,
    department: String,
    life_situations: Vec<String>,
    programmes: Vec<String>,
    apply: String,
    last_reviewed: String,
    sample_figures: bool,
    zh: PolicyText,
    en: PolicyText,
}

struct Checker {
    problems: Vec<ContentProblem>,
}

impl Checker {
    fn report(&mut self, file: &str, field: impl Into<String>, problem: impl Into<String>) {
        self.problems.push(ContentProblem {
            file: file.to_owned(),
            field: field.into(),
            problem: problem.into(),
        });
    }

    fn parse<T: for<'de> Deserialize<'de>>(&mut self, file: &str, text: &str) -> Option<T> {
        match toml::from_str(text) {
            Ok(value) => Some(value),
            Err(e) => {
                let line = e
                    .span()
                    .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
                let at = line
                    .map(|l| format!("line {l}"))
                    .unwrap_or_else(|| "(file)".to_owned());
                self.report(file, at, e.message().to_owned());
                None
            }
        }
    }

    fn text(&mut self, file: &str, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.report(file, field, "must not be empty");
        }
    }

    fn list(&mut self, file: &str, field: &str, values: &[String]) {
        if values.is_empty() {
            self.report(file, field, "must list at least one item");
        }
        for (i, value) in values.iter().enumerate() {
            self.text(file, &format!("{field}[{i}]"), value);
        }
    }

    fn unique_ids<'a>(
        &mut self,
        file: &str,
        kind: &str,
        ids: impl Iterator<Item = &'a str>,
    ) -> HashSet<String> {
        let mut seen = HashSet::new();
        for id in ids {
            if id.trim().is_empty() {
                self.report(file, format!("{kind}.id"), "must not be empty");
            } else if !seen.insert(id.to_owned()) {
                self.report(file, format!("{kind}.id"), format!("{id:?} appears twice"));
            }
        }
        seen
    }

    fn named(&mut self, file: &str, kind: &str, entries: &[NamedEntry]) {
        for e in entries {
            for (field, value) in [
                ("zh_name", &e.zh_name),
                ("en_name", &e.en_name),
                ("zh_summary", &e.zh_summary),
                ("en_summary", &e.en_summary),
            ] {
                self.text(file, &format!("{kind} {}: {field}", e.id), value);
            }
        }
    }

    fn policy_text(&mut self, file: &str, lang: &str, t: &PolicyText) {
        for (field, value) in [
            ("title", &t.title),
            ("summary", &t.summary),
            ("who", &t.who),
            ("what_you_get", &t.what_you_get),
            ("how_to_apply", &t.how_to_apply),
            ("where_to_apply", &t.where_to_apply),
            ("time_limits", &t.time_limits),
            ("contact", &t.contact),
        ] {
            self.text(file, &format!("{lang}.{field}"), value);
        }
        self.list(file, &format!("{lang}.conditions"), &t.conditions);
        self.list(file, &format!("{lang}.documents"), &t.documents);
        self.list(file, &format!("{lang}.legal_basis"), &t.legal_basis);
    }

    /// The route agrees with the programmes, and a policy that cannot be applied for here does
    /// not say it can.
    fn route(
        &mut self,
        file: &str,
        apply: ApplyRoute,
        programmes: &[&str],
        text: &Localized<PolicyText>,
    ) {
        match (apply, programmes.is_empty()) {
            (ApplyRoute::Portal, true) => self.report(
                file,
                "apply",
                "is \"portal\" but programmes is empty: the self-check and the application need \
                 a programme of the rules engine; otherwise use window, department or automatic",
            ),
            (route, false) if route != ApplyRoute::Portal => {
                self.report(
                    file,
                    "apply",
                    format!(
                        "is {:?} but programmes lists {}: a policy with programmes is applied for \
                         on this portal (apply = \"portal\"); otherwise leave programmes empty",
                        route.as_str(),
                        programmes.join(", ")
                    ),
                );
            }
            _ => {}
        }
        if apply == ApplyRoute::Portal {
            return;
        }
        for (lang, t) in [("zh", &text.zh), ("en", &text.en)] {
            for (field, value) in [
                ("how_to_apply", &t.how_to_apply),
                ("where_to_apply", &t.where_to_apply),
            ] {
                if let Some(claim) = online_claim(value) {
                    self.report(
                        file,
                        format!("{lang}.{field}"),
                        format!(
                            "says {claim:?}, but apply is {:?}: nobody applies for this policy on \
                             this portal, so say where to go instead",
                            apply.as_str()
                        ),
                    );
                }
            }
        }
    }
}

/// The first of `ONLINE_CLAIMS` found in `text`, English in any case.
fn online_claim(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    ONLINE_CLAIMS
        .iter()
        .copied()
        .find(|claim| lower.contains(&claim.to_lowercase()))
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn file_stem(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.strip_suffix(".toml").unwrap_or(base)
}

impl Handbook {
    /// The handbook with one policy replaced by an edited version, if the edit is complete and
    /// every reference in it resolves. Problems are named with `source` as the file.
    pub fn with_policy(&self, policy: Policy, source: &str) -> Result<Handbook, ContentError> {
        let mut c = Checker {
            problems: Vec::new(),
        };
        let Some(index) = self.policies.iter().position(|p| p.slug == policy.slug) else {
            c.report(
                source,
                "slug",
                format!("no policy {:?} to replace", policy.slug),
            );
            return Err(ContentError(c.problems));
        };
        if self.category(&policy.category).is_none() {
            c.report(
                source,
                "category",
                format!("unknown category {:?}", policy.category),
            );
        }
        if self.department(&policy.department).is_none() {
            c.report(
                source,
                "department",
                format!("unknown department {:?}", policy.department),
            );
        }
        if policy.life_situations.is_empty() {
            c.report(
                source,
                "life_situations",
                "must list at least one life situation",
            );
        }
        for s in policy
            .life_situations
            .iter()
            .filter(|s| self.life_situation(s).is_none())
        {
            c.report(
                source,
                "life_situations",
                format!("unknown life situation {s:?}"),
            );
        }
        c.policy_text(source, "zh", &policy.text.zh);
        c.policy_text(source, "en", &policy.text.en);
        let programmes: Vec<&str> = policy.programmes.iter().map(|p| p.as_str()).collect();
        c.route(source, policy.apply, &programmes, &policy.text);
        if !c.problems.is_empty() {
            return Err(ContentError(c.problems));
        }
        let mut edited = self.clone();
        edited.policies[index] = policy;
        Ok(edited)
    }

    /// Parses and checks the whole handbook; on any problem, returns them all and no handbook.
    pub fn from_files(files: &ContentFiles) -> Result<Handbook, ContentError> {
        let mut c = Checker {
            problems: Vec::new(),
        };

        let (name, text) = &files.categories;
        let categories = c
            .parse::<CategoriesFile>(name, text)
            .map(|f| f.category)
            .unwrap_or_default();
        let category_ids = c.unique_ids(name, "category", categories.iter().map(|e| e.id.as_str()));
        c.named(name, "category", &categories);

        let (name, text) = &files.life_situations;
        let situations = c
            .parse::<SituationsFile>(name, text)
            .map(|f| f.life_situation)
            .unwrap_or_default();
        let situation_ids = c.unique_ids(
            name,
            "life_situation",
            situations.iter().map(|e| e.id.as_str()),
        );
        c.named(name, "life_situation", &situations);

        let (name, text) = &files.departments;
        let departments = c
            .parse::<DepartmentsFile>(name, text)
            .map(|f| f.department)
            .unwrap_or_default();
        let department_ids = c.unique_ids(
            name,
            "department",
            departments.iter().map(|e| e.id.as_str()),
        );
        for d in &departments {
            for (field, value) in [
                ("zh_name", &d.zh_name),
                ("en_name", &d.en_name),
                ("phone", &d.phone),
                ("zh_address", &d.zh_address),
                ("en_address", &d.en_address),
            ] {
                c.text(name, &format!("department {}: {field}", d.id), value);
            }
        }

        let mut slugs = HashSet::new();
        let mut policies = Vec::new();
        for (name, text) in &files.policies {
            let Some(p) = c.parse::<PolicyFile>(name, text) else {
                continue;
            };
            if !is_slug(&p.slug) {
                c.report(
                    name,
                    "slug",
                    "use lower-case letters and digits joined by '-'",
                );
            } else if p.slug != file_stem(name) {
                c.report(
                    name,
                    "slug",
                    format!("{:?} must equal the file name", p.slug),
                );
            } else if !slugs.insert(p.slug.clone()) {
                c.report(
                    name,
                    "slug",
                    format!("{:?} is used by another policy", p.slug),
                );
            }
            if !category_ids.contains(&p.category) {
                c.report(
                    name,
                    "category",
                    format!("unknown category {:?}", p.category),
                );
            }
            if !department_ids.contains(&p.department) {
                c.report(
                    name,
                    "department",
                    format!("unknown department {:?}", p.department),
                );
            }
            if p.life_situations.is_empty() {
                c.report(
                    name,
                    "life_situations",
                    "must list at least one life situation",
                );
            }
            for s in p
                .life_situations
                .iter()
                .filter(|s| !situation_ids.contains(*s))
            {
                c.report(
                    name,
                    "life_situations",
                    format!("unknown life situation {s:?}"),
                );
            }
            let mut programmes = Vec::new();
            for id in &p.programmes {
                match rules::ProgrammeId::parse(id) {
                    Some(programme) => programmes.push(programme),
                    None => c.report(name, "programmes", format!("unknown programme {id:?}")),
                }
            }
            let apply = ApplyRoute::parse(&p.apply);
            if apply.is_none() {
                let known: Vec<&str> = ApplyRoute::ALL.iter().map(|r| r.as_str()).collect();
                c.report(
                    name,
                    "apply",
                    format!(
                        "unknown route {:?}: use one of {}",
                        p.apply,
                        known.join(", ")
                    ),
                );
            }
            let last_reviewed = match parse_iso_date(&p.last_reviewed) {
                Ok(date) => Some(date),
                Err(_) => {
                    c.report(name, "last_reviewed", "must be a date like 2026-11-01");
                    None
                }
            };
            c.policy_text(name, "zh", &p.zh);
            c.policy_text(name, "en", &p.en);
            for (field, zh, en) in [
                ("conditions", &p.zh.conditions, &p.en.conditions),
                ("documents", &p.zh.documents, &p.en.documents),
                ("legal_basis", &p.zh.legal_basis, &p.en.legal_basis),
            ] {
                if zh.len() != en.len() {
                    c.report(
                        name,
                        format!("en.{field}"),
                        format!("has {} items but zh.{field} has {}", en.len(), zh.len()),
                    );
                }
            }
            let text = Localized { zh: p.zh, en: p.en };
            if let Some(apply) = apply {
                let named: Vec<&str> = p.programmes.iter().map(String::as_str).collect();
                c.route(name, apply, &named, &text);
            }
            if let (Some(last_reviewed), Some(apply)) = (last_reviewed, apply) {
                policies.push(Policy {
                    slug: p.slug,
                    category: p.category,
                    department: p.department,
                    life_situations: p.life_situations,
                    programmes,
                    apply,
                    last_reviewed,
                    sample_figures: p.sample_figures,
                    text,
                });
            }
        }
        if files.policies.is_empty() {
            c.report("policies/", "(folder)", "holds no policy files");
        }
        if !c.problems.is_empty() {
            return Err(ContentError(c.problems));
        }

        let order = |id: &str| {
            categories
                .iter()
                .position(|cat| cat.id == id)
                .unwrap_or(usize::MAX)
        };
        policies.sort_by(|a, b| {
            order(&a.category)
                .cmp(&order(&b.category))
                .then_with(|| a.slug.cmp(&b.slug))
        });
        let named = |e: NamedEntry| {
            (
                e.id,
                Localized {
                    zh: e.zh_name,
                    en: e.en_name,
                },
                Localized {
                    zh: e.zh_summary,
                    en: e.en_summary,
                },
            )
        };
        Ok(Handbook {
            categories: categories
                .into_iter()
                .map(named)
                .map(|(id, name, summary)| Category { id, name, summary })
                .collect(),
            departments: departments
                .into_iter()
                .map(|d| Department {
                    id: d.id,
                    name: Localized {
                        zh: d.zh_name,
                        en: d.en_name,
                    },
                    phone: d.phone,
                    contact_is_sample: d.phone_is_sample,
                    address: Localized {
                        zh: d.zh_address,
                        en: d.en_address,
                    },
                })
                .collect(),
            life_situations: situations
                .into_iter()
                .map(named)
                .map(|(id, name, summary)| LifeSituation { id, name, summary })
                .collect(),
            policies,
        })
    }
}
