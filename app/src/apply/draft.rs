//! An application being filled in, page by page: what each page asks, how its fields are read,
//! and the §6 request the finished draft becomes. The server keeps drafts; the same checks run
//! here as in the JSON API (the request goes through the store's reader when submitted).

use identity::{IdNumber, MobileNumber};
use rules::ProgrammeId;
use serde::{Deserialize, Serialize};

use crate::posted_form::Fields;
use crate::self_check::{Answers, EmergencyAnswer};
use casework::request::{ADULT_AGE, GUARDIAN_AGE};
use casework::{
    text_problems, ApplicantTexts, County, DocumentKind, FamilyTexts, TextProblem, VolunteerCodes,
};
use validator::Validate;

/// The pages of an application, in order. Consents are each their own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ApplyStep {
    Who,
    Applicant,
    Programmes,
    Documents,
    Photos,
    ConsentApplication,
    ConsentVerification,
    ConsentSensitive,
    ConsentPublicNotice,
    ConsentApplicant,
    Check,
    Done,
}

impl ApplyStep {
    pub const ALL: [ApplyStep; 12] = [
        ApplyStep::Who,
        ApplyStep::Applicant,
        ApplyStep::Programmes,
        ApplyStep::Documents,
        ApplyStep::Photos,
        ApplyStep::ConsentApplication,
        ApplyStep::ConsentVerification,
        ApplyStep::ConsentSensitive,
        ApplyStep::ConsentPublicNotice,
        ApplyStep::ConsentApplicant,
        ApplyStep::Check,
        ApplyStep::Done,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplyStep::Who => "who",
            ApplyStep::Applicant => "applicant",
            ApplyStep::Programmes => "programmes",
            ApplyStep::Documents => "documents",
            ApplyStep::Photos => "photos",
            ApplyStep::ConsentApplication => "consent-application",
            ApplyStep::ConsentVerification => "consent-verification",
            ApplyStep::ConsentSensitive => "consent-sensitive",
            ApplyStep::ConsentPublicNotice => "consent-public-notice",
            ApplyStep::ConsentApplicant => "consent-applicant",
            ApplyStep::Check => "check",
            ApplyStep::Done => "done",
        }
    }

    pub fn parse(code: &str) -> Option<ApplyStep> {
        ApplyStep::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn is_consent(self) -> bool {
        matches!(
            self,
            ApplyStep::ConsentApplication
                | ApplyStep::ConsentVerification
                | ApplyStep::ConsentSensitive
                | ApplyStep::ConsentPublicNotice
                | ApplyStep::ConsentApplicant
        )
    }
}

/// Who fills in the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Who {
    Applicant,
    Family {
        name: String,
        phone: String,
        relation: String,
    },
    Volunteer {
        volunteer_code: String,
        event_code: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantAnswers {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub county: String,
    pub address: String,
}

/// Each consent as answered; `None` is "not asked yet".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentAnswers {
    pub application: Option<bool>,
    /// The adult members who signed the verification authorization.
    pub verification: Option<Vec<usize>>,
    pub sensitive: Option<bool>,
    pub public_notice: Option<bool>,
    pub applicant_confirmed: Option<bool>,
}

/// What the submission answered, kept for the confirmation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedReceipt {
    pub reference: String,
    /// Empty once [`ACCESS_CODE_SHOWN_MINUTES`] have passed: the draft forgets it.
    pub access_code: String,
    /// Unix seconds.
    pub advance_due_at: Option<i64>,
    /// Until when (unix seconds) the confirmation page shows the access code; a draft sent
    /// before this was recorded shows it no more.
    #[serde(default)]
    pub code_shown_until: Option<i64>,
}

/// How long after sending the confirmation page shows the access code. On a phone passed
/// between residents (a volunteer's, a relative's) the page stays in the history; the applicant
/// gets the code by SMS as well, so the page need not keep it.
pub const ACCESS_CODE_SHOWN_MINUTES: i64 = 10;

impl SubmittedReceipt {
    /// Forgets the access code once its time on the page is over; whether it did.
    pub fn forget_code_after(&mut self, now_unix: i64) -> bool {
        let over = self.code_shown_until.is_none_or(|until| now_unix > until);
        if over && !self.access_code.is_empty() {
            self.access_code.clear();
            return true;
        }
        false
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplicationDraft {
    /// The household, as answered in the self-check.
    pub household: Answers,
    pub who: Option<Who>,
    pub applicant: Option<ApplicantAnswers>,
    pub programmes: Option<Vec<ProgrammeId>>,
    pub missing_documents: Option<Vec<String>>,
    /// The photos page was passed (uploading is optional).
    #[serde(default)]
    pub photos_done: bool,
    pub consents: ConsentAnswers,
    pub submitted: Option<SubmittedReceipt>,
}

#[cfg(feature = "ssr")]
impl ApplicationDraft {
    /// An application a caseworker starts with the resident at a discovery visit: the household
    /// as the department data describe it, the resident applying for themselves, their details
    /// from the household register. Every page is still shown to be checked with the resident:
    /// the data know no savings (financial assets start at 0) and no mobile number may be known.
    pub fn from_department_data(
        household: &rules::Household,
        applicant: ApplicantAnswers,
    ) -> ApplicationDraft {
        use crate::self_check::{answers_assets, answers_expenses, answers_person};
        let answers = Answers {
            area: Some(household.area),
            people: household.members.iter().map(answers_person).collect(),
            incomes_answered: true,
            assets: Some(answers_assets(household)),
            expenses: Some(answers_expenses(household)),
            emergency: Some(EmergencyAnswer::Nothing),
        };
        ApplicationDraft {
            household: answers,
            who: Some(Who::Applicant),
            applicant: Some(applicant),
            ..ApplicationDraft::default()
        }
    }
}

/// One bad answer: the field and what is wrong, said by the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplyProblem {
    ChooseWho,
    /// A volunteer code the bureau never gave out.
    UnknownVolunteer,
    /// An event code of no outreach event.
    UnknownEvent,
    /// A volunteer who is not on the event.
    NotOnEvent,
    EnterName,
    /// Any typed text longer than its field holds.
    TooLong,
    EnterIdNumber,
    IdNumberFormat,
    IdNumberChecksum,
    EnterPhone,
    PhoneFormat,
    EnterRelation,
    EnterCode,
    CodeFormat,
    ChooseCounty,
    EnterAddress,
    ChooseProgramme,
    ChooseDocument,
    ConsentNeeded,
    EveryAdultMustSign,
    NameDoesNotMatch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyFieldProblem {
    pub field: String,
    pub problem: ApplyProblem,
}

impl ApplyFieldProblem {
    /// A problem the store found with a volunteer's or an event's code
    /// (`store::Store::outreach_problems`), beside its field on the who page.
    pub fn of_codes(problem: &casework::FieldProblem) -> ApplyFieldProblem {
        let event = problem.field.ends_with("event_code");
        ApplyFieldProblem {
            field: if event {
                field::EVENT_CODE
            } else {
                field::VOLUNTEER_CODE
            }
            .to_owned(),
            problem: match (problem.code, event) {
                ("not_on_event", _) => ApplyProblem::NotOnEvent,
                (_, true) => ApplyProblem::UnknownEvent,
                (_, false) => ApplyProblem::UnknownVolunteer,
            },
        }
    }
}

pub mod field {
    pub const WHO: &str = "who";
    pub const FAMILY_NAME: &str = "family_name";
    pub const FAMILY_PHONE: &str = "family_phone";
    pub const FAMILY_RELATION: &str = "family_relation";
    pub const VOLUNTEER_CODE: &str = "volunteer_code";
    pub const EVENT_CODE: &str = "event_code";
    pub const NAME: &str = "name";
    pub const ID_NUMBER: &str = "id_number";
    pub const PHONE: &str = "phone";
    pub const COUNTY: &str = "county";
    pub const ADDRESS: &str = "address";
    pub const PROGRAMME: &str = "programme";
    pub const MISSING: &str = "missing";
    pub const AGREE: &str = "agree";
    pub const SIGNED: &str = "signed";
    pub const CONFIRM_NAME: &str = "confirm_name";
    pub const YES: &str = "yes";
    pub const NO: &str = "no";
    pub const SELF: &str = "self";
    pub const FAMILY: &str = "family";
    pub const VOLUNTEER: &str = "volunteer";
    /// The "nothing is missing" choice of the documents page.
    pub const NONE: &str = "none";
}

struct Reader<'a> {
    fields: &'a Fields,
    problems: Vec<ApplyFieldProblem>,
}

impl Reader<'_> {
    fn problem(&mut self, field: &str, problem: ApplyProblem) {
        self.problems.push(ApplyFieldProblem {
            field: field.to_owned(),
            problem,
        });
    }

    /// Puts the problems in the order of the fields on the page, as the error summary lists them.
    fn in_form_order(&mut self, order: &[&str]) {
        self.problems
            .sort_by_key(|p| order.iter().position(|f| *f == p.field));
    }

    /// A field as typed, trimmed.
    fn typed(&self, name: &str) -> &str {
        self.fields.get(name).unwrap_or("").trim()
    }

    /// Takes the problems of typed texts (`casework::texts`): the form's field for each of the
    /// texts' fields, and the page's own words for what is wrong.
    fn texts(
        &mut self,
        result: Result<(), validator::ValidationErrors>,
        order: &[&'static str],
        form_field: impl Fn(&str) -> &'static str,
        missing: impl Fn(&str) -> ApplyProblem,
    ) {
        for (field, problem) in text_problems(result, order) {
            let page_problem = match problem {
                TextProblem::Required => missing(field),
                TextProblem::TooLong => ApplyProblem::TooLong,
                TextProblem::Format => ApplyProblem::CodeFormat,
            };
            self.problem(form_field(field), page_problem);
        }
    }

    fn phone(&mut self, name: &str) -> String {
        let text = self.typed(name).to_owned();
        if text.is_empty() {
            self.problem(name, ApplyProblem::EnterPhone);
            return text;
        }
        match text.parse::<MobileNumber>() {
            Ok(phone) => phone.as_str().to_owned(),
            Err(_) => {
                self.problem(name, ApplyProblem::PhoneFormat);
                text
            }
        }
    }

    /// A yes/no consent: `Some(true)` agreed, `Some(false)` refused (and a problem).
    fn consent(&mut self) -> Option<bool> {
        match self.fields.get(field::AGREE) {
            Some(field::YES) => Some(true),
            Some(field::NO) => {
                self.problem(field::AGREE, ApplyProblem::ConsentNeeded);
                Some(false)
            }
            _ => {
                self.problem(field::AGREE, ApplyProblem::ConsentNeeded);
                None
            }
        }
    }
}

impl ApplicationDraft {
    pub fn new(household: Answers) -> ApplicationDraft {
        ApplicationDraft {
            household,
            ..ApplicationDraft::default()
        }
    }

    /// A draft from the self-check's answers as its pages carry them (JSON), when every question
    /// was answered.
    pub fn from_self_check(answers_json: &str) -> Option<ApplicationDraft> {
        let answers: Answers = serde_json::from_str(answers_json).ok()?;
        (answers.first_unanswered() == crate::self_check::Step::Result)
            .then(|| ApplicationDraft::new(answers))
    }

    /// Whether someone fills in the form for the applicant.
    pub fn on_behalf(&self) -> bool {
        matches!(self.who, Some(Who::Family { .. } | Who::Volunteer { .. }))
    }

    /// The members who sign the verification authorization themselves.
    pub fn adults(&self) -> Vec<usize> {
        self.household
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| p.age.is_some_and(|a| a >= ADULT_AGE))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn has_young_child(&self) -> bool {
        self.household
            .people
            .iter()
            .any(|p| p.age.is_some_and(|a| a < GUARDIAN_AGE))
    }

    /// The pages this draft goes through (the applicant's own confirmation only on behalf).
    pub fn steps(&self) -> Vec<ApplyStep> {
        ApplyStep::ALL
            .into_iter()
            .filter(|s| *s != ApplyStep::ConsentApplicant || self.on_behalf())
            .collect()
    }

    pub fn answered(&self, step: ApplyStep) -> bool {
        let c = &self.consents;
        match step {
            ApplyStep::Who => self.who.is_some(),
            ApplyStep::Applicant => self.applicant.is_some(),
            ApplyStep::Programmes => self.programmes.is_some(),
            ApplyStep::Documents => self.missing_documents.is_some(),
            ApplyStep::Photos => self.photos_done,
            ApplyStep::ConsentApplication => c.application == Some(true),
            ApplyStep::ConsentVerification => c.verification.is_some(),
            ApplyStep::ConsentSensitive => c.sensitive == Some(true),
            ApplyStep::ConsentPublicNotice => c.public_notice == Some(true),
            ApplyStep::ConsentApplicant => !self.on_behalf() || c.applicant_confirmed == Some(true),
            ApplyStep::Check => self.submitted.is_some(),
            ApplyStep::Done => self.submitted.is_some(),
        }
    }

    /// The first page still to answer; the check page when all are answered.
    pub fn first_unanswered(&self) -> ApplyStep {
        if self.submitted.is_some() {
            return ApplyStep::Done;
        }
        self.steps()
            .into_iter()
            .find(|s| *s < ApplyStep::Check && !self.answered(*s))
            .unwrap_or(ApplyStep::Check)
    }

    /// After a page: the next unanswered one, or the check page when none is left.
    pub fn next_after(&self, step: ApplyStep) -> ApplyStep {
        self.steps()
            .into_iter()
            .find(|s| *s > step && *s < ApplyStep::Check && !self.answered(*s))
            .unwrap_or_else(|| self.first_unanswered())
    }

    /// Takes a page's answers; on any problem nothing changes.
    pub fn apply(
        &mut self,
        step: ApplyStep,
        fields: &Fields,
    ) -> Result<(), Vec<ApplyFieldProblem>> {
        let mut r = Reader {
            fields,
            problems: Vec::new(),
        };
        let mut next = self.clone();
        match step {
            ApplyStep::Who => next.who = read_who(&mut r),
            ApplyStep::Applicant => next.applicant = Some(read_applicant(&mut r)),
            ApplyStep::Programmes => {
                let chosen: Vec<ProgrammeId> = fields
                    .all(field::PROGRAMME)
                    .filter_map(ProgrammeId::parse)
                    .collect();
                let emergency = matches!(
                    self.household.emergency,
                    Some(EmergencyAnswer::Happened { .. })
                );
                if chosen.is_empty() && !emergency {
                    r.problem(field::PROGRAMME, ApplyProblem::ChooseProgramme);
                }
                next.programmes = Some(chosen);
            }
            ApplyStep::Documents => {
                let missing: Vec<String> = fields
                    .all(field::MISSING)
                    .filter(|d| DocumentKind::parse(d).is_some())
                    .map(str::to_owned)
                    .collect();
                if missing.is_empty() && fields.get(field::NONE).is_none() {
                    r.problem(field::MISSING, ApplyProblem::ChooseDocument);
                }
                next.missing_documents = Some(missing);
            }
            ApplyStep::Photos => next.photos_done = true,
            ApplyStep::ConsentApplication => next.consents.application = r.consent(),
            ApplyStep::ConsentSensitive => next.consents.sensitive = r.consent(),
            ApplyStep::ConsentPublicNotice => next.consents.public_notice = r.consent(),
            ApplyStep::ConsentVerification => {
                let adults = self.adults();
                let signed: Vec<usize> = fields
                    .all(field::SIGNED)
                    .filter_map(|v| v.parse::<usize>().ok())
                    .filter(|i| adults.contains(i))
                    .collect();
                if adults.iter().any(|a| !signed.contains(a)) {
                    r.problem(field::SIGNED, ApplyProblem::EveryAdultMustSign);
                }
                next.consents.verification = Some(signed);
            }
            ApplyStep::ConsentApplicant => {
                let typed = fields.get(field::CONFIRM_NAME).unwrap_or("").trim();
                let expected = self
                    .applicant
                    .as_ref()
                    .map(|a| a.name.as_str())
                    .unwrap_or("");
                if typed.is_empty() {
                    r.problem(field::CONFIRM_NAME, ApplyProblem::EnterName);
                } else if typed != expected {
                    r.problem(field::CONFIRM_NAME, ApplyProblem::NameDoesNotMatch);
                }
                next.consents.applicant_confirmed = r.consent();
            }
            ApplyStep::Check | ApplyStep::Done => {}
        }
        if r.problems.is_empty() {
            *self = next;
            Ok(())
        } else {
            Err(r.problems)
        }
    }

    /// A page's answers as the fields its form sends, so the page shows them when opened again.
    pub fn fields(&self, step: ApplyStep) -> Fields {
        let mut out = Fields::default();
        match step {
            ApplyStep::Who => match &self.who {
                Some(Who::Applicant) => out.push(field::WHO, field::SELF),
                Some(Who::Family {
                    name,
                    phone,
                    relation,
                }) => {
                    out.push(field::WHO, field::FAMILY);
                    out.push(field::FAMILY_NAME, name);
                    out.push(field::FAMILY_PHONE, phone);
                    out.push(field::FAMILY_RELATION, relation);
                }
                Some(Who::Volunteer {
                    volunteer_code,
                    event_code,
                }) => {
                    out.push(field::WHO, field::VOLUNTEER);
                    out.push(field::VOLUNTEER_CODE, volunteer_code);
                    out.push(field::EVENT_CODE, event_code);
                }
                None => {}
            },
            ApplyStep::Applicant => {
                if let Some(a) = &self.applicant {
                    out.push(field::NAME, &a.name);
                    out.push(field::ID_NUMBER, &a.id_number);
                    out.push(field::PHONE, &a.phone);
                    out.push(field::COUNTY, &a.county);
                    out.push(field::ADDRESS, &a.address);
                }
            }
            ApplyStep::Programmes => {
                for p in self.programmes.iter().flatten() {
                    out.push(field::PROGRAMME, p.as_str());
                }
            }
            ApplyStep::Documents => match &self.missing_documents {
                Some(missing) if missing.is_empty() => out.push(field::NONE, field::YES),
                Some(missing) => missing.iter().for_each(|d| out.push(field::MISSING, d)),
                None => {}
            },
            ApplyStep::Photos => {}
            ApplyStep::ConsentApplication => consent_field(&mut out, self.consents.application),
            ApplyStep::ConsentSensitive => consent_field(&mut out, self.consents.sensitive),
            ApplyStep::ConsentPublicNotice => consent_field(&mut out, self.consents.public_notice),
            ApplyStep::ConsentVerification => {
                for i in self.consents.verification.iter().flatten() {
                    out.push(field::SIGNED, &i.to_string());
                }
            }
            ApplyStep::ConsentApplicant => {
                consent_field(&mut out, self.consents.applicant_confirmed);
                if self.consents.applicant_confirmed == Some(true) {
                    if let Some(a) = &self.applicant {
                        out.push(field::CONFIRM_NAME, &a.name);
                    }
                }
            }
            ApplyStep::Check | ApplyStep::Done => {}
        }
        out
    }

    /// The finished draft as the body of `POST /api/v1/applications` (POLICY.md §6).
    pub fn to_request(&self) -> serde_json::Value {
        let applicant = self.applicant.clone().unwrap_or_default();
        let submitted_by = match &self.who {
            Some(Who::Family {
                name,
                phone,
                relation,
            }) => {
                serde_json::json!({"type":"family","name":name,"phone":phone,"relation":relation})
            }
            Some(Who::Volunteer {
                volunteer_code,
                event_code,
            }) => serde_json::json!({
                "type":"volunteer","volunteer_code":volunteer_code,"event_code":event_code}),
            _ => serde_json::json!({"type":"self"}),
        };
        let emergency = match self.household.emergency {
            Some(EmergencyAnswer::Happened { kind, urgency }) => {
                serde_json::json!({"kind": kind.as_str(), "urgency": urgency.as_str()})
            }
            _ => serde_json::Value::Null,
        };
        let c = &self.consents;
        serde_json::json!({
            "applicant": {"name": applicant.name, "id_number": applicant.id_number, "phone": applicant.phone,
                          "county": applicant.county, "address": applicant.address},
            "submitted_by": submitted_by,
            "household": self.household.to_request(),
            "programmes": self.programmes.iter().flatten().map(|p| p.as_str()).collect::<Vec<_>>(),
            "emergency": emergency,
            "consents": {
                "three_in_one": c.application == Some(true),
                "verification_authorizations": c.verification.clone().unwrap_or_default(),
                "sensitive_information": c.sensitive == Some(true),
                "public_notice": c.public_notice == Some(true),
                "applicant_confirmed": !self.on_behalf() || c.applicant_confirmed == Some(true),
            },
            "missing_documents": self.missing_documents.clone().unwrap_or_default(),
        })
    }
}

fn consent_field(out: &mut Fields, answer: Option<bool>) {
    match answer {
        Some(true) => out.push(field::AGREE, field::YES),
        Some(false) => out.push(field::AGREE, field::NO),
        None => {}
    }
}

fn read_who(r: &mut Reader) -> Option<Who> {
    match r.fields.get(field::WHO) {
        Some(field::SELF) => Some(Who::Applicant),
        Some(field::FAMILY) => {
            let texts = FamilyTexts {
                name: r.typed(field::FAMILY_NAME),
                relation: r.typed(field::FAMILY_RELATION),
            };
            let (name, relation) = (texts.name.to_owned(), texts.relation.to_owned());
            r.texts(
                texts.validate(),
                FamilyTexts::FIELDS,
                |f| match f {
                    "name" => field::FAMILY_NAME,
                    _ => field::FAMILY_RELATION,
                },
                |f| match f {
                    "name" => ApplyProblem::EnterName,
                    _ => ApplyProblem::EnterRelation,
                },
            );
            Some(Who::Family {
                name,
                phone: r.phone(field::FAMILY_PHONE),
                relation,
            })
        }
        Some(field::VOLUNTEER) => {
            let codes =
                VolunteerCodes::new(r.typed(field::VOLUNTEER_CODE), r.typed(field::EVENT_CODE));
            r.texts(
                codes.validate(),
                VolunteerCodes::FIELDS,
                |f| match f {
                    "volunteer_code" => field::VOLUNTEER_CODE,
                    _ => field::EVENT_CODE,
                },
                |_| ApplyProblem::EnterCode,
            );
            Some(Who::Volunteer {
                volunteer_code: codes.volunteer_code,
                event_code: codes.event_code,
            })
        }
        _ => {
            r.problem(field::WHO, ApplyProblem::ChooseWho);
            None
        }
    }
}

fn read_applicant(r: &mut Reader) -> ApplicantAnswers {
    let texts = ApplicantTexts {
        name: r.typed(field::NAME),
        address: r.typed(field::ADDRESS),
    };
    let (name, address) = (texts.name.to_owned(), texts.address.to_owned());
    let text_result = texts.validate();
    let id_text = r.typed(field::ID_NUMBER).to_owned();
    let id_number = if id_text.is_empty() {
        r.problem(field::ID_NUMBER, ApplyProblem::EnterIdNumber);
        id_text
    } else {
        match id_text.parse::<IdNumber>() {
            Ok(id) => id.as_str().to_owned(),
            Err(identity::NumberError::IdChecksum) => {
                r.problem(field::ID_NUMBER, ApplyProblem::IdNumberChecksum);
                id_text
            }
            Err(_) => {
                r.problem(field::ID_NUMBER, ApplyProblem::IdNumberFormat);
                id_text
            }
        }
    };
    let phone = r.phone(field::PHONE);
    let county = r.fields.get(field::COUNTY).unwrap_or("").to_owned();
    if County::parse(&county).is_none() {
        r.problem(field::COUNTY, ApplyProblem::ChooseCounty);
    }
    r.texts(
        text_result,
        ApplicantTexts::FIELDS,
        |f| match f {
            "name" => field::NAME,
            _ => field::ADDRESS,
        },
        |f| match f {
            "name" => ApplyProblem::EnterName,
            _ => ApplyProblem::EnterAddress,
        },
    );
    r.in_form_order(&[
        field::NAME,
        field::ID_NUMBER,
        field::PHONE,
        field::COUNTY,
        field::ADDRESS,
    ]);
    ApplicantAnswers {
        name,
        id_number,
        phone,
        county,
        address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::from_pairs(pairs)
    }

    fn household(ages: &[u8]) -> Answers {
        let mut answers = Answers::default();
        let size = ages.len().to_string();
        answers
            .apply(
                crate::self_check::Step::Household,
                &fields(&[("area", "urban"), ("size", &size)]),
            )
            .expect("household");
        let people: Vec<(String, String)> = ages
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("p{i}.age"), a.to_string()))
            .collect();
        let pairs: Vec<(&str, &str)> = people
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        answers
            .apply(crate::self_check::Step::People, &fields(&pairs))
            .expect("people");
        answers
    }

    #[test]
    fn a_bad_id_number_says_what_is_wrong_and_changes_nothing() {
        let mut draft = ApplicationDraft::new(household(&[67]));
        let problems = draft
            .apply(
                ApplyStep::Applicant,
                &fields(&[
                    ("name", "张三"),
                    ("id_number", "110105194912310021"),
                    ("phone", "13800138000"),
                    ("county", "rencheng"),
                    ("address", "某街 1 号"),
                ]),
            )
            .expect_err("checksum");
        assert_eq!(
            problems,
            vec![ApplyFieldProblem {
                field: "id_number".into(),
                problem: ApplyProblem::IdNumberChecksum
            }]
        );
        assert!(draft.applicant.is_none());
    }

    #[test]
    fn every_adult_signs_the_verification_authorization() {
        let draft_household = household(&[45, 17, 70]);
        let mut draft = ApplicationDraft::new(draft_household);
        assert_eq!(draft.adults(), vec![0, 2]);
        let problems = draft
            .apply(ApplyStep::ConsentVerification, &fields(&[("signed", "0")]))
            .expect_err("one adult missing");
        assert_eq!(problems[0].problem, ApplyProblem::EveryAdultMustSign);
        draft
            .apply(
                ApplyStep::ConsentVerification,
                &fields(&[("signed", "0"), ("signed", "2")]),
            )
            .expect("both adults");
        assert_eq!(draft.consents.verification, Some(vec![0, 2]));
    }

    #[test]
    fn on_behalf_the_applicant_confirms_by_typing_their_name() {
        let mut draft = ApplicationDraft::new(household(&[80]));
        draft
            .apply(
                ApplyStep::Who,
                &fields(&[
                    ("who", "family"),
                    ("family_name", "李四"),
                    ("family_phone", "13900139000"),
                    ("family_relation", "女儿"),
                ]),
            )
            .expect("family");
        assert!(draft.steps().contains(&ApplyStep::ConsentApplicant));
        draft
            .apply(
                ApplyStep::Applicant,
                &fields(&[
                    ("name", "张三"),
                    ("id_number", "11010519491231002X"),
                    ("phone", "13800138000"),
                    ("county", "rencheng"),
                    ("address", "某街 1 号"),
                ]),
            )
            .expect("applicant");
        let wrong = draft
            .apply(
                ApplyStep::ConsentApplicant,
                &fields(&[("confirm_name", "李四"), ("agree", "yes")]),
            )
            .expect_err("not the applicant's name");
        assert_eq!(wrong[0].problem, ApplyProblem::NameDoesNotMatch);
        draft
            .apply(
                ApplyStep::ConsentApplicant,
                &fields(&[("confirm_name", "张三"), ("agree", "yes")]),
            )
            .expect("confirmed");
        assert_eq!(draft.to_request()["consents"]["applicant_confirmed"], true);
    }

    #[test]
    fn refusing_a_consent_is_recorded_and_keeps_the_page() {
        let mut draft = ApplicationDraft::new(household(&[67]));
        let problems = draft
            .apply(ApplyStep::ConsentPublicNotice, &fields(&[("agree", "no")]))
            .expect_err("refused");
        assert_eq!(problems[0].problem, ApplyProblem::ConsentNeeded);
        assert!(!draft.answered(ApplyStep::ConsentPublicNotice));
    }

    #[test]
    fn pages_come_in_order_and_skip_what_is_answered() {
        let mut draft = ApplicationDraft::new(household(&[67]));
        assert_eq!(draft.first_unanswered(), ApplyStep::Who);
        draft
            .apply(ApplyStep::Who, &fields(&[("who", "self")]))
            .expect("self");
        assert_eq!(draft.next_after(ApplyStep::Who), ApplyStep::Applicant);
        assert!(!draft.steps().contains(&ApplyStep::ConsentApplicant));
        for step in draft.steps() {
            let shown = draft.fields(step);
            let mut again = draft.clone();
            if draft.answered(step) && step < ApplyStep::Check {
                again.apply(step, &shown).expect("shown fields are valid");
                assert_eq!(again, draft, "{step:?}");
            }
        }
    }
}
