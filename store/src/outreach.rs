//! Outreach events (宣讲, 上门摸排) and the volunteers on them. A supervisor creates an event in
//! the county (its place, its day, the county's volunteers on it) and the portal gives it the
//! code printed on its poster; each volunteer account has the code printed on its badge. An
//! application a volunteer helps with carries both codes, and they are checked here: a code
//! nobody was given, or a volunteer who is not on the event, is refused field by field.

use casework::{Actor, County, FieldProblem};
use sqlx::Row;
use time::Date;

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::staff::{Role, StaffUser};

/// The longest place of an event ("任城区李营街道前营村村委会"), in characters.
pub const PLACE_MAX_CHARS: usize = 100;
/// How far back an event may be recorded (one held before it was entered), in days.
pub const RECORD_BACK_DAYS: i64 = 30;
/// How far ahead an event may be planned, in days.
pub const PLAN_AHEAD_DAYS: i64 = 366;
/// The most events a page lists (the newest days).
pub const EVENTS_LISTED: i64 = 200;

/// A volunteer account as an event lists it: no contact details, only the name and the badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volunteer {
    pub id: i64,
    pub display_name: String,
    pub code: String,
}

/// An outreach event with its volunteers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachEvent {
    pub id: i64,
    pub code: String,
    pub county: County,
    pub place: String,
    pub held_on: Date,
    pub volunteers: Vec<Volunteer>,
    /// Applications sent with the event's code.
    pub applications: u64,
}

/// An event as a supervisor fills it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub place: String,
    /// `None` when what was typed is not a day.
    pub held_on: Option<Date>,
    /// Volunteer account ids.
    pub volunteers: Vec<i64>,
}

rules::wire_enum! {
    /// What is wrong with an event's form.
    EventProblem {
        /// No place typed.
        PlaceRequired = "place_required",
        /// A place longer than [`PLACE_MAX_CHARS`].
        PlaceTooLong = "place_too_long",
        /// No day, or not one (`2026-12-20`).
        DayInvalid = "day_invalid",
        /// A day more than [`RECORD_BACK_DAYS`] ago or [`PLAN_AHEAD_DAYS`] ahead.
        DayOutOfRange = "day_out_of_range",
        /// Nobody chosen.
        NoVolunteers = "no_volunteers",
        /// An id that is not a volunteer of the county.
        UnknownVolunteer = "unknown_volunteer",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("only supervisors and administrators create outreach events")]
    NotAllowed,
    #[error("the event has problems: {0:?}")]
    Invalid(Vec<EventProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A sent application as the volunteer who helped sees it: no resident's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentApplication {
    pub reference: String,
    pub event_code: String,
    pub submitted_at: time::OffsetDateTime,
    pub state: casework::CaseState,
}

/// What a volunteer's workspace shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolunteerOverview {
    pub code: String,
    pub events: Vec<OutreachEvent>,
    pub sent: Vec<SentApplication>,
}

impl Store {
    /// The volunteer accounts of a county, by name.
    pub async fn county_volunteers(&self, county: County) -> Result<Vec<Volunteer>, StoreError> {
        sqlx::query(
            "SELECT id, display_name, volunteer_code FROM staff_users \
             WHERE role = 'volunteer' AND county = $1 ORDER BY display_name, id",
        )
        .bind(county.id())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(volunteer_of)
        .collect()
    }

    /// Creates an event in the supervisor's county, with a new code, and records it in the audit
    /// log in the same transaction.
    pub async fn create_outreach_event(
        &self,
        by: &StaffUser,
        new: &NewEvent,
    ) -> Result<OutreachEvent, EventError> {
        if !matches!(by.role, Role::Supervisor | Role::Admin) {
            return Err(EventError::NotAllowed);
        }
        let place = new.place.trim();
        let mut problems = Vec::new();
        if place.is_empty() {
            problems.push(EventProblem::PlaceRequired);
        } else if place.chars().count() > PLACE_MAX_CHARS {
            problems.push(EventProblem::PlaceTooLong);
        }
        let today = casework::beijing_date(self.clock().now());
        let from = today - time::Duration::days(RECORD_BACK_DAYS);
        let until = today + time::Duration::days(PLAN_AHEAD_DAYS);
        match new.held_on {
            None => problems.push(EventProblem::DayInvalid),
            Some(day) if day < from || day > until => problems.push(EventProblem::DayOutOfRange),
            Some(_) => {}
        }
        let mut chosen = new.volunteers.clone();
        chosen.sort_unstable();
        chosen.dedup();
        let county_volunteers = self.county_volunteers(by.county).await?;
        if chosen.is_empty() {
            problems.push(EventProblem::NoVolunteers);
        } else if chosen
            .iter()
            .any(|id| !county_volunteers.iter().any(|v| v.id == *id))
        {
            problems.push(EventProblem::UnknownVolunteer);
        }
        let (Some(held_on), true) = (new.held_on, problems.is_empty()) else {
            return Err(EventError::Invalid(problems));
        };
        let mut tx = self.write_tx().await?;
        let provisional = format!(
            "NEW-{}",
            casework::random_digits(&mut rand::thread_rng(), 16)
        );
        let id: i64 = sqlx::query(
            "INSERT INTO outreach_events (code, county, place, held_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&provisional)
        .bind(by.county.id())
        .bind(place)
        .bind(held_on.to_string())
        .bind(by.id)
        .bind(self.now_unix())
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?
        .try_get("id")
        .map_err(StoreError::from)?;
        let code = format!("E-{}-{id:04}", held_on.year());
        sqlx::query("UPDATE outreach_events SET code = $1 WHERE id = $2")
            .bind(&code)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        for volunteer in &chosen {
            sqlx::query(
                "INSERT INTO outreach_event_volunteers (event_id, volunteer_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(volunteer)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        }
        let detail = serde_json::json!({
            "county": by.county.id(),
            "held_on": held_on.to_string(),
            "volunteers": chosen,
        })
        .to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: by.id },
                action: "outreach_event.create",
                subject: &code,
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(OutreachEvent {
            id,
            code,
            county: by.county,
            place: place.to_owned(),
            held_on,
            volunteers: county_volunteers
                .into_iter()
                .filter(|v| chosen.contains(&v.id))
                .collect(),
            applications: 0,
        })
    }

    /// The events of the member of staff's county, newest day first, at most
    /// [`EVENTS_LISTED`] (a volunteer: those they are on). Three queries whatever the count: the
    /// events, their volunteers, and their applications counted.
    pub async fn outreach_events(
        &self,
        staff: &StaffUser,
    ) -> Result<Vec<OutreachEvent>, StoreError> {
        // The events in question, as the subquery each of the three reads ($1, $2).
        let chosen = match staff.role {
            Role::Volunteer => {
                "SELECT e.id FROM outreach_events e JOIN outreach_event_volunteers v \
                 ON v.event_id = e.id WHERE v.volunteer_id = $1 \
                 ORDER BY e.held_on DESC, e.id DESC LIMIT $2"
            }
            _ => {
                "SELECT id FROM outreach_events WHERE county = $1 \
                 ORDER BY held_on DESC, id DESC LIMIT $2"
            }
        };
        let events_sql = format!(
            "SELECT id, code, county, place, held_on FROM outreach_events \
             WHERE id IN (SELECT id FROM ({chosen}) chosen) ORDER BY held_on DESC, id DESC"
        );
        let volunteers_sql = format!(
            "SELECT v.event_id, s.id, s.display_name, s.volunteer_code FROM staff_users s \
             JOIN outreach_event_volunteers v ON v.volunteer_id = s.id \
             WHERE v.event_id IN (SELECT id FROM ({chosen}) chosen) ORDER BY s.display_name, s.id"
        );
        let counts_sql = format!(
            "SELECT e.id, COUNT(a.id) AS applications FROM outreach_events e \
             LEFT JOIN applications a ON a.event_code = e.code \
             WHERE e.id IN (SELECT id FROM ({chosen}) chosen) GROUP BY e.id"
        );
        let rows = bound(sqlx::query(&events_sql), staff)
            .fetch_all(self.pool())
            .await?;
        let volunteers = bound(sqlx::query(&volunteers_sql), staff)
            .fetch_all(self.pool())
            .await?;
        let counts = bound(sqlx::query(&counts_sql), staff)
            .fetch_all(self.pool())
            .await?;
        let mut events = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let mut on_event = Vec::new();
            for volunteer in &volunteers {
                if volunteer.try_get::<i64, _>("event_id")? == id {
                    on_event.push(volunteer_of(volunteer)?);
                }
            }
            let mut applications = 0i64;
            for count in &counts {
                if count.try_get::<i64, _>("id")? == id {
                    applications = count.try_get("applications")?;
                }
            }
            let county: String = row.try_get("county")?;
            let held_on: String = row.try_get("held_on")?;
            events.push(OutreachEvent {
                id,
                code: row.try_get("code")?,
                county: county
                    .parse()
                    .map_err(|e: casework::UnknownCounty| StoreError::Corrupt(e.to_string()))?,
                place: row.try_get("place")?,
                held_on: parse_day(&held_on)?,
                volunteers: on_event,
                applications: applications as u64,
            });
        }
        Ok(events)
    }

    /// The badge code of a volunteer account; `None` for any other account.
    pub async fn volunteer_code(&self, staff_id: i64) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<String>>(
            "SELECT volunteer_code FROM staff_users WHERE id = $1 AND role = 'volunteer'",
        )
        .bind(staff_id)
        .fetch_optional(self.pool())
        .await?
        .flatten())
    }

    /// A volunteer's code, events and the applications they sent, newest first.
    pub async fn volunteer_overview(
        &self,
        volunteer: &StaffUser,
    ) -> Result<Option<VolunteerOverview>, StoreError> {
        let Some(code) = self.volunteer_code(volunteer.id).await? else {
            return Ok(None);
        };
        let sent = sqlx::query(
            "SELECT reference, event_code, submitted_at, status FROM applications \
             WHERE volunteer_code = $1 ORDER BY id DESC LIMIT 200",
        )
        .bind(&code)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(SentApplication {
                reference: row.try_get("reference")?,
                event_code: row
                    .try_get::<Option<String>, _>("event_code")?
                    .unwrap_or_default(),
                submitted_at: crate::applications::timestamp(row.try_get("submitted_at")?)?,
                state: crate::applications::state_column(row, "status")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(VolunteerOverview {
            code,
            events: self.outreach_events(volunteer).await?,
            sent,
        }))
    }

    /// The problems of a volunteer's and an event's codes, as the application reports them:
    /// none when the volunteer is on the event.
    pub async fn outreach_problems(
        &self,
        volunteer_code: &str,
        event_code: &str,
    ) -> Result<Vec<FieldProblem>, StoreError> {
        let volunteer: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM staff_users WHERE volunteer_code = $1 AND role = 'volunteer'",
        )
        .bind(volunteer_code)
        .fetch_optional(self.pool())
        .await?;
        let event: Option<i64> =
            sqlx::query_scalar("SELECT id FROM outreach_events WHERE code = $1")
                .bind(event_code)
                .fetch_optional(self.pool())
                .await?;
        let problem = |field: &str, code: &'static str| FieldProblem {
            field: format!("submitted_by.{field}"),
            code,
        };
        Ok(match (volunteer, event) {
            (Some(volunteer), Some(event)) => {
                let on = sqlx::query(
                    "SELECT 1 FROM outreach_event_volunteers WHERE event_id = $1 AND volunteer_id = $2",
                )
                .bind(event)
                .bind(volunteer)
                .fetch_optional(self.pool())
                .await?;
                if on.is_some() {
                    Vec::new()
                } else {
                    vec![problem("volunteer_code", "not_on_event")]
                }
            }
            (volunteer, event) => [
                volunteer
                    .is_none()
                    .then(|| problem("volunteer_code", "unknown_value")),
                event
                    .is_none()
                    .then(|| problem("event_code", "unknown_value")),
            ]
            .into_iter()
            .flatten()
            .collect(),
        })
    }
}

/// Binds the subquery's parameters of [`Store::outreach_events`]: whose events, and how many.
fn bound<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    staff: &StaffUser,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match staff.role {
        Role::Volunteer => query.bind(staff.id),
        _ => query.bind(staff.county.id()),
    }
    .bind(EVENTS_LISTED)
}

fn volunteer_of(row: &sqlx::any::AnyRow) -> Result<Volunteer, StoreError> {
    Ok(Volunteer {
        id: row.try_get("id")?,
        display_name: row.try_get("display_name")?,
        code: row
            .try_get::<Option<String>, _>("volunteer_code")?
            .unwrap_or_default(),
    })
}

fn parse_day(text: &str) -> Result<Date, StoreError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format)
        .map_err(|e| StoreError::Corrupt(format!("an outreach event's day {text:?}: {e}")))
}
