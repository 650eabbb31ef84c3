//! The body of `POST /api/v1/applications` (POLICY.md §6) read into a [`NewApplication`], with
//! one [`FieldProblem`] per bad field. Reading goes through `serde_json::Value`, so a wrong type
//! anywhere is a problem with that field, never a failure of the whole body.

use identity::{IdNumber, MobileNumber};
use rules::{EmergencyKind, Household, HouseholdRequest, ProgrammeId, Urgency};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::application::{
    Applicant, Consent, ConsentKind, DocumentKind, EmergencyClaim, NewApplication, SubmittedBy,
};
use crate::county::County;
use crate::texts::{ApplicantTexts, FamilyTexts, VolunteerCodes};
use validator::Validate;

/// One bad field: its path in the body (`applicant.id_number`) and a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: &'static str,
}

pub use crate::texts::{is_code, ADDRESS_MAX_CHARS, CODE_MAX_CHARS, NAME_MAX_CHARS};
/// Members of this age or more sign their own verification authorization.
pub const ADULT_AGE: u8 = 18;
/// Children under this age need their guardian's consent for their information (PIPL Art. 31).
pub const GUARDIAN_AGE: u8 = 14;

struct Reader {
    problems: Vec<FieldProblem>,
}

impl Reader {
    fn problem(&mut self, field: &str, code: &'static str) {
        self.problems.push(FieldProblem {
            field: field.to_owned(),
            code,
        });
    }

    /// A required text of at most `max` characters, trimmed.
    fn text(&mut self, value: &Value, field: &str, max: usize) -> Option<String> {
        match value.as_str().map(str::trim) {
            None | Some("") => {
                self.problem(field, "required");
                None
            }
            Some(text) if text.chars().count() > max => {
                self.problem(field, "too_long");
                None
            }
            Some(text) => Some(text.to_owned()),
        }
    }

    /// Puts the problems found since `since` in the order of the body's fields.
    fn in_order(&mut self, since: usize, order: &[&str]) {
        self.problems[since..].sort_by_key(|p| order.iter().position(|f| *f == p.field));
    }

    /// Takes the problems of typed texts (see [`crate::texts`]); whether there were none.
    fn texts(
        &mut self,
        result: Result<(), validator::ValidationErrors>,
        order: &[&'static str],
        prefix: &str,
    ) -> bool {
        let problems = crate::texts::field_problems(result, order, prefix);
        let none = problems.is_empty();
        self.problems.extend(problems);
        none
    }

    fn parsed<T: std::str::FromStr<Err = identity::NumberError>>(
        &mut self,
        value: &Value,
        field: &str,
    ) -> Option<T> {
        let text = self.text(value, field, 40)?;
        match text.parse() {
            Ok(parsed) => Some(parsed),
            Err(e) => {
                self.problem(field, e.code());
                None
            }
        }
    }

    fn flag(&mut self, value: &Value, field: &str) -> bool {
        match value {
            Value::Bool(b) => *b,
            Value::Null => false,
            _ => {
                self.problem(field, "not_a_boolean");
                false
            }
        }
    }
}

/// A text of the body, trimmed; anything but a string reads as nothing typed.
fn trimmed(value: &Value) -> &str {
    value.as_str().map_or("", str::trim)
}

/// Reads and checks an application; every problem is reported, and nothing is returned unless
/// there are none.
pub fn read_application(body: &Value) -> Result<NewApplication, Vec<FieldProblem>> {
    let mut r = Reader {
        problems: Vec::new(),
    };
    if !body.is_object() {
        r.problem("", "invalid_json");
        return Err(r.problems);
    }
    let applicant = read_applicant(&mut r, &body["applicant"]);
    let submitted_by = read_submitted_by(&mut r, &body["submitted_by"]);
    let household = read_household(&mut r, &body["household"]);
    let programmes = read_programmes(&mut r, &body["programmes"]);
    let emergency = read_emergency(&mut r, &body["emergency"], "emergency").or_else(|| {
        household.as_ref().and_then(|(_, h)| {
            h.emergency.map(|e| EmergencyClaim {
                kind: e.kind,
                urgency: e.urgency,
            })
        })
    });
    if programmes.as_ref().is_some_and(Vec::is_empty) && emergency.is_none() {
        r.problem("programmes", "required");
    }
    let consents = household
        .as_ref()
        .zip(submitted_by.as_ref())
        .map(|((_, h), by)| read_consents(&mut r, &body["consents"], h, by));
    let missing_documents = read_documents(&mut r, &body["missing_documents"]);
    match (applicant, submitted_by, household, programmes, consents) {
        (
            Some(applicant),
            Some(submitted_by),
            Some((household, _)),
            Some(programmes),
            Some(consents),
        ) if r.problems.is_empty() => Ok(NewApplication {
            applicant,
            submitted_by,
            household,
            programmes,
            emergency,
            consents,
            missing_documents,
        }),
        _ => Err(r.problems),
    }
}

fn read_applicant(r: &mut Reader, v: &Value) -> Option<Applicant> {
    if !v.is_object() {
        r.problem("applicant", "required");
        return None;
    }
    let texts = ApplicantTexts {
        name: trimmed(&v["name"]),
        address: trimmed(&v["address"]),
    };
    let before = r.problems.len();
    let texts_ok = r.texts(texts.validate(), ApplicantTexts::FIELDS, "applicant");
    let id_number = r.parsed::<IdNumber>(&v["id_number"], "applicant.id_number");
    let phone = r.parsed::<MobileNumber>(&v["phone"], "applicant.phone");
    let county =
        r.text(&v["county"], "applicant.county", 20)
            .and_then(|c| match c.parse::<County>() {
                Ok(county) => Some(county),
                Err(_) => {
                    r.problem("applicant.county", "unknown_value");
                    None
                }
            });
    r.in_order(
        before,
        &[
            "applicant.name",
            "applicant.id_number",
            "applicant.phone",
            "applicant.county",
            "applicant.address",
        ],
    );
    texts_ok.then_some(())?;
    Some(Applicant {
        name: texts.name.to_owned(),
        id_number: id_number?,
        phone: phone?,
        county: county?,
        address: texts.address.to_owned(),
    })
}

fn read_submitted_by(r: &mut Reader, v: &Value) -> Option<SubmittedBy> {
    match v["type"].as_str() {
        Some("self") => Some(SubmittedBy::Applicant),
        Some("family") => {
            let texts = FamilyTexts {
                name: trimmed(&v["name"]),
                relation: trimmed(&v["relation"]),
            };
            let before = r.problems.len();
            let texts_ok = r.texts(texts.validate(), FamilyTexts::FIELDS, "submitted_by");
            let phone = r.parsed::<MobileNumber>(&v["phone"], "submitted_by.phone");
            r.in_order(
                before,
                &[
                    "submitted_by.name",
                    "submitted_by.phone",
                    "submitted_by.relation",
                ],
            );
            texts_ok.then_some(())?;
            Some(SubmittedBy::Family {
                name: texts.name.to_owned(),
                phone: phone?,
                relation: texts.relation.to_owned(),
            })
        }
        Some("volunteer") => {
            let codes =
                VolunteerCodes::new(trimmed(&v["volunteer_code"]), trimmed(&v["event_code"]));
            r.texts(codes.validate(), VolunteerCodes::FIELDS, "submitted_by")
                .then_some(())?;
            Some(SubmittedBy::Volunteer {
                volunteer_code: codes.volunteer_code,
                event_code: codes.event_code,
            })
        }
        None if v.is_null() || v.get("type").is_none() => {
            r.problem("submitted_by.type", "required");
            None
        }
        _ => {
            r.problem("submitted_by.type", "unknown_value");
            None
        }
    }
}

fn read_household(r: &mut Reader, v: &Value) -> Option<(HouseholdRequest, Household)> {
    if v.is_null() {
        r.problem("household", "required");
        return None;
    }
    let request: HouseholdRequest = match serde_json::from_value(v.clone()) {
        Ok(request) => request,
        Err(_) => {
            r.problem("household", "invalid");
            return None;
        }
    };
    match Household::parse(&request) {
        Ok(household) => Some((request, household)),
        Err(errors) => {
            for e in errors.0 {
                r.problems.push(FieldProblem {
                    field: format!("household.{}", e.field),
                    code: e.code.as_str(),
                });
            }
            None
        }
    }
}

fn read_programmes(r: &mut Reader, v: &Value) -> Option<Vec<ProgrammeId>> {
    let Some(list) = v.as_array() else {
        r.problem(
            "programmes",
            if v.is_null() { "required" } else { "invalid" },
        );
        return None;
    };
    let mut programmes = Vec::with_capacity(list.len());
    let before = r.problems.len();
    for (i, item) in list.iter().enumerate() {
        match item.as_str().and_then(ProgrammeId::parse) {
            Some(p) if !programmes.contains(&p) => programmes.push(p),
            Some(_) => {}
            None => r.problem(&format!("programmes[{i}]"), "unknown_value"),
        }
    }
    (r.problems.len() == before).then_some(programmes)
}

fn read_emergency(r: &mut Reader, v: &Value, field: &str) -> Option<EmergencyClaim> {
    if v.is_null() {
        return None;
    }
    let kind = v["kind"].as_str().and_then(EmergencyKind::parse);
    let urgency = v["urgency"].as_str().and_then(Urgency::parse);
    if kind.is_none() {
        r.problem(
            &format!("{field}.kind"),
            if v["kind"].is_null() {
                "required"
            } else {
                "unknown_value"
            },
        );
    }
    if urgency.is_none() {
        r.problem(
            &format!("{field}.urgency"),
            if v["urgency"].is_null() {
                "required"
            } else {
                "unknown_value"
            },
        );
    }
    Some(EmergencyClaim {
        kind: kind?,
        urgency: urgency?,
    })
}

/// Every required consent must be given (POLICY.md §4); each missing one is its own problem.
fn read_consents(
    r: &mut Reader,
    v: &Value,
    household: &Household,
    by: &SubmittedBy,
) -> Vec<Consent> {
    let mut consents = Vec::new();
    let mut require = |r: &mut Reader, name: &str, kind: ConsentKind| {
        let field = format!("consents.{name}");
        if r.flag(&v[name], &field) {
            consents.push(Consent::at_submission(kind, None));
        } else {
            r.problem(&field, "consent_required");
        }
    };
    require(r, "three_in_one", ConsentKind::ThreeInOne);
    require(
        r,
        "sensitive_information",
        ConsentKind::SensitiveInformation,
    );
    require(r, "public_notice", ConsentKind::PublicNotice);
    if by.on_behalf() {
        require(r, "applicant_confirmed", ConsentKind::ApplicantConfirmed);
    }
    let ages: Vec<f64> = household.members.iter().map(|m| f64::from(m.age)).collect();
    if ages.iter().any(|age| *age < f64::from(GUARDIAN_AGE)) {
        // The adult who gives the sensitive-information consent for the household is the
        // child's guardian in the application; it is recorded as the guardian's consent too.
        if consents
            .iter()
            .any(|c| c.kind == ConsentKind::SensitiveInformation)
        {
            consents.push(Consent::at_submission(ConsentKind::GuardianForChild, None));
        }
    }
    let field = "consents.verification_authorizations";
    let signed: Vec<usize> = match &v["verification_authorizations"] {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item.as_u64().map(|i| i as usize) {
                Some(i) if i < ages.len() => Some(i),
                _ => {
                    r.problem(field, "out_of_range");
                    None
                }
            })
            .collect(),
        Value::Null => Vec::new(),
        _ => {
            r.problem(field, "invalid");
            Vec::new()
        }
    };
    let unsigned_adult = ages
        .iter()
        .enumerate()
        .any(|(i, age)| *age >= f64::from(ADULT_AGE) && !signed.contains(&i));
    if unsigned_adult {
        r.problem(field, "consent_required");
    }
    let mut members: Vec<usize> = signed;
    members.sort_unstable();
    members.dedup();
    consents.extend(members.into_iter().map(|member| {
        Consent::at_submission(ConsentKind::VerificationAuthorization, Some(member))
    }));
    consents
}

fn read_documents(r: &mut Reader, v: &Value) -> Vec<DocumentKind> {
    let items = match v {
        Value::Null => return Vec::new(),
        Value::Array(items) => items,
        _ => {
            r.problem("missing_documents", "invalid");
            return Vec::new();
        }
    };
    let mut documents = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().and_then(DocumentKind::parse) {
            Some(d) if !documents.contains(&d) => documents.push(d),
            Some(_) => {}
            None => r.problem(&format!("missing_documents[{i}]"), "unknown_value"),
        }
    }
    documents
}

/// The request's content, whatever its key order or spacing: SHA-256 of the JSON with every
/// object's keys sorted.
pub fn fingerprint(value: &Value) -> String {
    fn canonical(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    canonical(&map[key], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    canonical(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut text = String::new();
    canonical(value, &mut text);
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_ignores_key_order_and_spacing() {
        let a: Value =
            serde_json::from_str(r#"{"a":1,"b":{"c":[1,2],"d":null}}"#).unwrap_or_default();
        let b: Value = serde_json::from_str(r#"{ "b": {"d": null, "c": [1, 2]}, "a": 1 }"#)
            .unwrap_or_default();
        let c: Value =
            serde_json::from_str(r#"{"a":1,"b":{"c":[2,1],"d":null}}"#).unwrap_or_default();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }
    use serde_json::json;

    pub fn policy_example() -> Value {
        json!({"applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13800138000",
                            "county":"任城区","address":"任城区某街道 1 号"},
               "submitted_by":{"type":"self"},
               "household":{"area":"urban","members":[{"age":67,"self_care":"full",
                   "incomes":[{"kind":"pension","monthly":300.0}]}],
                   "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1}},
               "programmes":["dibao"],
               "emergency":null,
               "consents":{"three_in_one":true,"verification_authorizations":[0],"sensitive_information":true,
                           "public_notice":true,"applicant_confirmed":true},
               "missing_documents":["household_register"]})
    }

    fn codes(body: &Value) -> Vec<(String, &'static str)> {
        read_application(body)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    }

    #[test]
    fn the_policy_example_reads_with_its_consents() {
        let application = read_application(&policy_example()).expect("valid");
        assert_eq!(application.applicant.county, County::Rencheng);
        assert_eq!(application.programmes, vec![ProgrammeId::Dibao]);
        assert_eq!(
            application.missing_documents,
            vec![DocumentKind::HouseholdRegister]
        );
        assert!(application.consents.contains(&Consent::at_submission(
            ConsentKind::VerificationAuthorization,
            Some(0)
        )));
    }

    #[test]
    fn a_bad_id_number_and_phone_name_their_fields() {
        let mut body = policy_example();
        body["applicant"]["id_number"] = json!("110105194912310021");
        body["applicant"]["phone"] = json!("2380013800");
        assert_eq!(
            codes(&body),
            vec![
                ("applicant.id_number".into(), "checksum"),
                ("applicant.phone".into(), "format")
            ]
        );
    }

    #[test]
    fn every_missing_consent_is_its_own_problem() {
        let mut body = policy_example();
        body["consents"] =
            json!({"three_in_one":false,"public_notice":true,"verification_authorizations":[]});
        assert_eq!(
            codes(&body),
            vec![
                ("consents.three_in_one".into(), "consent_required"),
                ("consents.sensitive_information".into(), "consent_required"),
                (
                    "consents.verification_authorizations".into(),
                    "consent_required"
                ),
            ]
        );
    }

    #[test]
    fn on_behalf_applications_need_the_applicants_confirmation() {
        let mut body = policy_example();
        body["submitted_by"] =
            json!({"type":"family","name":"张小三","phone":"13900139000","relation":"儿子"});
        body["consents"]["applicant_confirmed"] = json!(false);
        assert_eq!(
            codes(&body),
            vec![("consents.applicant_confirmed".into(), "consent_required")]
        );
        body["submitted_by"] = json!({"type":"volunteer","volunteer_code":"V-1024"});
        body["consents"]["applicant_confirmed"] = json!(true);
        assert_eq!(
            codes(&body),
            vec![("submitted_by.event_code".into(), "required")]
        );
    }

    #[test]
    fn a_child_under_14_records_the_guardians_consent() {
        let mut body = policy_example();
        body["household"]["members"] = json!([{"age":40},{"age":9}]);
        let application = read_application(&body).expect("valid");
        assert!(application
            .consents
            .iter()
            .any(|c| c.kind == ConsentKind::GuardianForChild));
    }

    #[test]
    fn household_problems_keep_their_path_and_wrong_types_are_field_problems() {
        let mut body = policy_example();
        body["household"]["members"][0]["age"] = json!(200);
        body["programmes"] = json!(["dibao", "lottery"]);
        body["missing_documents"] = json!("all");
        assert_eq!(
            codes(&body),
            vec![
                ("household.members[0].age".into(), "out_of_range"),
                ("programmes[1]".into(), "unknown_value"),
                ("missing_documents".into(), "invalid"),
            ]
        );
        assert_eq!(codes(&json!([1, 2])), vec![("".into(), "invalid_json")]);
    }

    #[test]
    fn an_emergency_alone_is_enough_to_apply() {
        let mut body = policy_example();
        body["programmes"] = json!([]);
        assert_eq!(codes(&body), vec![("programmes".into(), "required")]);
        body["emergency"] = json!({"kind":"fire","urgency":"critical"});
        let application = read_application(&body).expect("valid");
        assert_eq!(
            application.emergency.map(|e| e.urgency),
            Some(Urgency::Critical)
        );
    }
}
