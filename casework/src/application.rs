//! A checked application, ready to store: every value here has been parsed (see `request.rs`).

use identity::{IdNumber, MobileNumber};
use rules::{EmergencyKind, HouseholdRequest, ProgrammeId, Urgency};
use serde::{Deserialize, Serialize};

use crate::county::County;

/// Who fills in the form (POLICY.md §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SubmittedBy {
    /// The applicant themselves.
    #[serde(rename = "self")]
    Applicant,
    /// A family member on the applicant's behalf.
    Family {
        name: String,
        phone: MobileNumber,
        relation: String,
    },
    /// A registered volunteer at an outreach event.
    Volunteer {
        volunteer_code: String,
        event_code: String,
    },
}

impl SubmittedBy {
    pub fn kind(&self) -> &'static str {
        match self {
            SubmittedBy::Applicant => "self",
            SubmittedBy::Family { .. } => "family",
            SubmittedBy::Volunteer { .. } => "volunteer",
        }
    }

    pub fn on_behalf(&self) -> bool {
        !matches!(self, SubmittedBy::Applicant)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: MobileNumber,
    pub county: County,
    pub address: String,
}

rules::wire_enum! {
    /// The consents of POLICY.md §4, each recorded with the version of the text that was shown.
    ConsentKind {
        /// 三合一: application, integrity notice and integrity pledge.
        ThreeInOne = "three_in_one",
        /// 家庭经济状况核对授权, one per adult member.
        VerificationAuthorization = "verification_authorization",
        /// PIPL Art. 28–29: health, disability, financial accounts.
        SensitiveInformation = "sensitive_information",
        /// PIPL Art. 31: the guardian's consent for a child under 14 in the household.
        GuardianForChild = "guardian_for_child",
        /// 公示: which fields are published, for how long.
        PublicNotice = "public_notice",
        /// The applicant's own confirmation of an application made on their behalf.
        ApplicantConfirmed = "applicant_confirmed",
        /// PIPL Art. 23: passing the case to a named charity or department, recorded by the caseworker
        /// when a referral is proposed and agreed.
        Referral = "referral",
    }
}

/// Every wording the consent texts have had, oldest first: a consent given on a phone that
/// synced after a new wording still says which one the person read.
pub const CONSENT_TEXT_VERSIONS: &[&str] = &["2026-11"];

impl ConsentKind {
    /// The version of the consent text shown now; a new wording gets a new version (added to
    /// [`CONSENT_TEXT_VERSIONS`]), so every stored consent says exactly what was agreed to.
    pub fn text_version(self) -> &'static str {
        CONSENT_TEXT_VERSIONS[CONSENT_TEXT_VERSIONS.len() - 1]
    }
}

/// One consent as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    pub kind: ConsentKind,
    /// The household member, for verification authorizations.
    pub member: Option<usize>,
    /// When, and on which wording, it was given, if before the application reached the server
    /// (taken on a phone without signal and synced later); `None`: at submission, on today's.
    pub given: Option<Given>,
}

/// The moment a consent was given and the wording the person read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Given {
    pub at: time::OffsetDateTime,
    pub text_version: &'static str,
}

/// A consent's wording that this portal never showed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no consent text has version {0:?}")]
pub struct UnknownTextVersion(pub String);

impl Given {
    /// A consent given at `at` on the wording `text_version`, one the portal has shown.
    pub fn new(at: time::OffsetDateTime, text_version: &str) -> Result<Given, UnknownTextVersion> {
        CONSENT_TEXT_VERSIONS
            .iter()
            .find(|v| **v == text_version)
            .map(|v| Given {
                at,
                text_version: v,
            })
            .ok_or_else(|| UnknownTextVersion(text_version.to_owned()))
    }
}

impl Consent {
    /// A consent given as the application is submitted, on today's wording.
    pub fn at_submission(kind: ConsentKind, member: Option<usize>) -> Consent {
        Consent {
            kind,
            member,
            given: None,
        }
    }

    /// When it was given, for an application submitted at `submitted_at`: never after it.
    pub fn given_at(&self, submitted_at: time::OffsetDateTime) -> time::OffsetDateTime {
        self.given.map_or(submitted_at, |g| g.at.min(submitted_at))
    }

    /// The wording the person read.
    pub fn text_version(&self) -> &'static str {
        self.given
            .map_or(self.kind.text_version(), |g| g.text_version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_consent_keeps_when_and_on_which_wording_it_was_given() {
        let submitted = datetime!(2026-12-06 10:00 +8);
        let now = Consent::at_submission(ConsentKind::ThreeInOne, None);
        assert_eq!(now.given_at(submitted), submitted);
        assert_eq!(now.text_version(), ConsentKind::ThreeInOne.text_version());
        let earlier = datetime!(2026-12-01 15:30 +8);
        let Ok(given) = Given::new(earlier, "2026-11") else {
            panic!("a wording the portal has shown");
        };
        let offline = Consent {
            given: Some(given),
            ..now
        };
        assert_eq!(offline.given_at(submitted), earlier);
        assert_eq!(offline.text_version(), "2026-11");
        // A phone's clock ahead of the server's cannot date a consent after its submission.
        let ahead = Given::new(datetime!(2026-12-07 10:00 +8), "2026-11").ok();
        let ahead = Consent {
            given: ahead,
            ..now
        };
        assert_eq!(ahead.given_at(submitted), submitted);
        assert_eq!(
            Given::new(earlier, "1999-01"),
            Err(UnknownTextVersion("1999-01".into()))
        );
    }
}

rules::wire_enum! {
    /// Documents an applicant may have to supply (容缺: missing ones can follow later).
    DocumentKind {
        IdCard = "id_card",
        HouseholdRegister = "household_register",
        IncomeProof = "income_proof",
        DisabilityCertificate = "disability_certificate",
        MedicalRecords = "medical_records",
        BankCard = "bank_card",
        PropertyProof = "property_proof",
        Other = "other",
    }
}

/// The emergency that asks for advance assistance (先行救助).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmergencyClaim {
    pub kind: EmergencyKind,
    pub urgency: Urgency,
}

/// An application whose every field is valid and whose required consents are all given.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApplication {
    pub applicant: Applicant,
    pub submitted_by: SubmittedBy,
    /// The household as the eligibility request of POLICY.md §3.5, already checked to parse.
    pub household: HouseholdRequest,
    pub programmes: Vec<ProgrammeId>,
    pub emergency: Option<EmergencyClaim>,
    pub consents: Vec<Consent>,
    pub missing_documents: Vec<DocumentKind>,
}
