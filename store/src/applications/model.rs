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

/// The consents of POLICY.md §4, each recorded with the version of the text that was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentKind {
    /// 三合一: application, integrity notice and integrity pledge.
    ThreeInOne,
    /// 家庭经济状况核对授权, one per adult member.
    VerificationAuthorization,
    /// PIPL Art. 28–29: health, disability, financial accounts.
    SensitiveInformation,
    /// PIPL Art. 31: the guardian's consent for a child under 14 in the household.
    GuardianForChild,
    /// 公示: which fields are published, for how long.
    PublicNotice,
    /// The applicant's own confirmation of an application made on their behalf.
    ApplicantConfirmed,
    /// PIPL Art. 23: passing the case to a named charity or department, recorded by the caseworker
    /// when a referral is proposed and agreed.
    Referral,
}

impl ConsentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentKind::ThreeInOne => "three_in_one",
            ConsentKind::VerificationAuthorization => "verification_authorization",
            ConsentKind::SensitiveInformation => "sensitive_information",
            ConsentKind::GuardianForChild => "guardian_for_child",
            ConsentKind::PublicNotice => "public_notice",
            ConsentKind::ApplicantConfirmed => "applicant_confirmed",
            ConsentKind::Referral => "referral",
        }
    }

    /// The version of the consent text the applicant saw; a new wording gets a new version, so
    /// every stored consent says exactly what was agreed to.
    pub fn text_version(self) -> &'static str {
        "2026-11"
    }
}

/// One consent as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    pub kind: ConsentKind,
    /// The household member, for verification authorizations.
    pub member: Option<usize>,
}

/// Documents an applicant may have to supply (容缺: missing ones can follow later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    IdCard,
    HouseholdRegister,
    IncomeProof,
    DisabilityCertificate,
    MedicalRecords,
    BankCard,
    PropertyProof,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 8] = [
        DocumentKind::IdCard,
        DocumentKind::HouseholdRegister,
        DocumentKind::IncomeProof,
        DocumentKind::DisabilityCertificate,
        DocumentKind::MedicalRecords,
        DocumentKind::BankCard,
        DocumentKind::PropertyProof,
        DocumentKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::IdCard => "id_card",
            DocumentKind::HouseholdRegister => "household_register",
            DocumentKind::IncomeProof => "income_proof",
            DocumentKind::DisabilityCertificate => "disability_certificate",
            DocumentKind::MedicalRecords => "medical_records",
            DocumentKind::BankCard => "bank_card",
            DocumentKind::PropertyProof => "property_proof",
            DocumentKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|d| d.as_str() == text)
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
