//! Who did something: a member of staff, the applicant, a volunteer's device, a partner system
//! through its API key, or the portal itself (a background job or a command-line run). Every
//! action on a case and every audit entry names one.
//!
//! The text form is stable, since audit entries keep it and hash it: `staff:12`, `applicant`,
//! `volunteer:DEVICE`, `partner:NAME`, `system:JOB`. Everything after the first colon belongs to
//! the value, so a device id, key name or job may itself hold colons.

use std::fmt;
use std::str::FromStr;

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A member of staff, by account id.
    Staff { id: i64 },
    /// The applicant, or whoever holds the case's key (its access code, the verified phone).
    Applicant,
    /// A volunteer's device, by its id (offline outreach).
    Volunteer { device: String },
    /// A partner system, by the name of its API key.
    Partner { api_key: String },
    /// The portal itself: a background job or a command-line run, by its name.
    System { job: String },
}

impl Actor {
    /// The SMS dispatcher.
    pub const SMS_DISPATCHER: &'static str = "sms_dispatcher";
    /// The periodic clean-up (expired sessions, drafts, files to delete).
    pub const HOUSEKEEPING: &'static str = "housekeeping";
    /// The emergency duty: alerts to staff on duty, escalations to supervisors.
    pub const DUTY: &'static str = "duty";
    /// The follow-through of referrals: reminders and escalations when no answer came.
    pub const FOLLOW_THROUGH: &'static str = "follow_through";
    /// An administrator's command-line run (`server api-key …`, `server rotate-key`).
    pub const CLI: &'static str = "cli";

    /// The portal itself, running `job`.
    pub fn system(job: impl Into<String>) -> Self {
        Actor::System { job: job.into() }
    }

    /// The staff account, when a member of staff acted.
    pub fn staff_id(&self) -> Option<i64> {
        match self {
            Actor::Staff { id } => Some(*id),
            _ => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Staff { id } => write!(f, "staff:{id}"),
            Actor::Applicant => f.write_str("applicant"),
            Actor::Volunteer { device } => write!(f, "volunteer:{device}"),
            Actor::Partner { api_key } => write!(f, "partner:{api_key}"),
            Actor::System { job } => write!(f, "system:{job}"),
        }
    }
}

/// Why a text is not an actor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActorError {
    #[error(
        "not an actor: expected staff:ID, applicant, volunteer:DEVICE, partner:NAME or system:JOB"
    )]
    Kind,
    #[error("a staff actor's id must be a whole number")]
    StaffId,
}

impl FromStr for Actor {
    type Err = ActorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "applicant" {
            return Ok(Actor::Applicant);
        }
        let (kind, value) = s.split_once(':').ok_or(ActorError::Kind)?;
        let value = value.to_owned();
        match kind {
            "staff" => {
                // Only the form Display writes: no sign, no leading zeros, no spaces.
                let id: i64 = value.parse().map_err(|_| ActorError::StaffId)?;
                if id.to_string() != value {
                    return Err(ActorError::StaffId);
                }
                Ok(Actor::Staff { id })
            }
            "volunteer" => Ok(Actor::Volunteer { device: value }),
            "partner" => Ok(Actor::Partner { api_key: value }),
            "system" => Ok(Actor::System { job: value }),
            _ => Err(ActorError::Kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<Actor> {
        vec![
            Actor::Staff { id: 12 },
            Actor::Staff { id: -3 },
            Actor::Applicant,
            Actor::Volunteer {
                device: "dev-7f3a".into(),
            },
            Actor::Partner {
                api_key: "12345 热线".into(),
            },
            Actor::system(Actor::SMS_DISPATCHER),
            Actor::system(Actor::HOUSEKEEPING),
            Actor::system(Actor::CLI),
            // A colon after the first belongs to the value.
            Actor::Partner {
                api_key: "a:b".into(),
            },
            Actor::Volunteer {
                device: String::new(),
            },
        ]
    }

    #[test]
    fn the_text_form_is_stable() {
        let texts: Vec<String> = every_kind().iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "staff:12",
                "staff:-3",
                "applicant",
                "volunteer:dev-7f3a",
                "partner:12345 热线",
                "system:sms_dispatcher",
                "system:housekeeping",
                "system:cli",
                "partner:a:b",
                "volunteer:",
            ]
        );
    }

    #[test]
    fn every_actor_reads_back_from_its_text() {
        for actor in every_kind() {
            let text = actor.to_string();
            assert!(!text.is_empty());
            assert_eq!(text.parse::<Actor>(), Ok(actor), "{text}");
        }
    }

    #[test]
    fn other_texts_are_not_actors() {
        for text in ["", "Applicant", "applicant:1", "staff", "robot:x", ":x"] {
            assert_eq!(text.parse::<Actor>(), Err(ActorError::Kind), "{text:?}");
        }
        for text in ["staff:", "staff:x", "staff:+12", "staff:012", "staff: 12"] {
            assert_eq!(text.parse::<Actor>(), Err(ActorError::StaffId), "{text:?}");
        }
    }

    #[test]
    fn only_staff_have_a_staff_id() {
        assert_eq!(Actor::Staff { id: 5 }.staff_id(), Some(5));
        assert_eq!(Actor::Applicant.staff_id(), None);
        assert_eq!(Actor::system("cli").staff_id(), None);
    }
}
