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

impl ConsentKind {
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
