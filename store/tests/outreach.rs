//! Outreach events: a supervisor creates one in the county with the county's volunteers, each
//! volunteer account has a badge code, an application's codes are checked against them, and a
//! volunteer sees their events and what they sent, with no resident's data.

use std::sync::Arc;

use casework::{read_application, Actor, County, IdempotencyKey};
use serde_json::json;
use store::applications::Submitted;
use store::clock::ManualClock;
use store::on_both_databases;
use store::outreach::{EventError, EventProblem, NewEvent};
use store::staff::{NewStaffUser, Role, StaffUser};
use store::testing::{example_application, TestDatabase};
use store::Store;

const NOW: time::OffsetDateTime = time::macros::datetime!(2026-12-03 01:00 UTC);
const DAY: time::Date = time::macros::date!(2026 - 12 - 20);

async fn account(store: &Store, username: &str, role: Role, county: County) -> StaffUser {
    store
        .create_staff_user(NewStaffUser {
            username: username.parse().expect("a username"),
            display_name: format!("{username}名"),
            role,
            county,
            password: "correct horse battery".parse().expect("a password"),
        })
        .await
        .expect("a staff account")
}

async fn events_are_created_with_the_countys_volunteers_and_checked(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(ManualClock::new(NOW))).await;
    let supervisor = account(&store, "zhao.sup", Role::Supervisor, County::Rencheng).await;
    let caseworker = account(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let volunteer = account(&store, "vol.a", Role::Volunteer, County::Rencheng).await;
    let other = account(&store, "vol.b", Role::Volunteer, County::Rencheng).await;
    let elsewhere = account(&store, "vol.q", Role::Volunteer, County::Qufu).await;

    let volunteers = store
        .county_volunteers(County::Rencheng)
        .await
        .expect("volunteers");
    assert_eq!(volunteers.len(), 2, "only the county's volunteers");
    let badge = volunteers
        .iter()
        .find(|v| v.id == volunteer.id)
        .expect("listed")
        .code
        .clone();
    assert!(
        casework::texts::is_code(&badge) && badge.starts_with("V-"),
        "{badge}"
    );

    let new = |volunteers: Vec<i64>| NewEvent {
        place: "李营街道前营村村委会".to_owned(),
        held_on: Some(DAY),
        volunteers,
    };
    assert!(matches!(
        store
            .create_outreach_event(&caseworker, &new(vec![volunteer.id]))
            .await,
        Err(EventError::NotAllowed)
    ));
    let refused = store
        .create_outreach_event(
            &supervisor,
            &NewEvent {
                place: " ".to_owned(),
                held_on: Some(time::macros::date!(2026 - 10 - 01)),
                volunteers: vec![elsewhere.id],
            },
        )
        .await;
    let Err(EventError::Invalid(problems)) = refused else {
        panic!("refused: {refused:?}");
    };
    assert_eq!(
        problems,
        [
            EventProblem::PlaceRequired,
            EventProblem::DayOutOfRange,
            EventProblem::UnknownVolunteer
        ]
    );
    assert!(store
        .outreach_events(&supervisor)
        .await
        .expect("events")
        .is_empty());

    let event = store
        .create_outreach_event(&supervisor, &new(vec![volunteer.id, volunteer.id]))
        .await
        .expect("created");
    assert_eq!(event.code, format!("E-2026-{:04}", event.id));
    assert_eq!(event.volunteers.len(), 1, "chosen twice, on it once");
    let audit = store.audit_records(None).await.expect("audit");
    let entry = audit.last().expect("an entry");
    assert_eq!(
        (
            entry.actor.clone(),
            entry.action.as_str(),
            entry.subject.as_str()
        ),
        (
            Some(Actor::Staff { id: supervisor.id }),
            "outreach_event.create",
            event.code.as_str()
        )
    );

    // The codes an application carries.
    assert!(store
        .outreach_problems(&badge, &event.code)
        .await
        .expect("checked")
        .is_empty());
    let codes = |problems: Vec<casework::FieldProblem>| {
        problems
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect::<Vec<_>>()
    };
    let other_badge = format!("V-{:05}", other.id);
    assert_eq!(
        codes(
            store
                .outreach_problems(&other_badge, &event.code)
                .await
                .expect("checked")
        ),
        [("submitted_by.volunteer_code".to_owned(), "not_on_event")]
    );
    assert_eq!(
        codes(
            store
                .outreach_problems("V-99999", "E-2026-9999")
                .await
                .expect("checked")
        ),
        [
            ("submitted_by.volunteer_code".to_owned(), "unknown_value"),
            ("submitted_by.event_code".to_owned(), "unknown_value")
        ]
    );

    // What the volunteer sent, without the resident.
    let mut body = example_application("13800138000", serde_json::Value::Null);
    body["submitted_by"] =
        json!({"type":"volunteer","volunteer_code":badge,"event_code":event.code});
    body["consents"]["applicant_confirmed"] = json!(true);
    let application = read_application(&body).expect("valid");
    let key: IdempotencyKey = "00000000-0000-4000-8000-000000000001".parse().expect("key");
    let Submitted::New(receipt) = store
        .submit_application(&application, &key, "hash")
        .await
        .expect("stored")
    else {
        panic!("new");
    };
    let overview = store
        .volunteer_overview(&volunteer)
        .await
        .expect("overview")
        .expect("a volunteer");
    assert_eq!(overview.code, badge);
    assert_eq!(overview.events.len(), 1);
    assert_eq!(overview.events[0].applications, 1);
    assert_eq!(overview.sent.len(), 1);
    assert_eq!(overview.sent[0].reference, receipt.reference.as_str());
    assert_eq!(overview.sent[0].event_code, event.code);
    assert!(store
        .volunteer_overview(&caseworker)
        .await
        .expect("read")
        .is_none());
    let theirs = store
        .volunteer_overview(&other)
        .await
        .expect("overview")
        .expect("a volunteer");
    assert!(theirs.events.is_empty() && theirs.sent.is_empty());

    // A second event, later: the county's list has both, newest day first, each with its own
    // volunteers and count.
    let later = store
        .create_outreach_event(
            &supervisor,
            &NewEvent {
                place: "唐口街道".to_owned(),
                held_on: Some(time::macros::date!(2027 - 01 - 10)),
                volunteers: vec![other.id, volunteer.id],
            },
        )
        .await
        .expect("created");
    let listed = store.outreach_events(&supervisor).await.expect("events");
    let summary: Vec<(String, usize, u64)> = listed
        .iter()
        .map(|e| (e.code.clone(), e.volunteers.len(), e.applications))
        .collect();
    assert_eq!(
        summary,
        [(later.code.clone(), 2, 0), (event.code.clone(), 1, 1)]
    );
    assert_eq!(
        store
            .outreach_events(&other)
            .await
            .expect("events")
            .iter()
            .map(|e| e.code.clone())
            .collect::<Vec<_>>(),
        [later.code.as_str()],
        "a volunteer sees the events they are on"
    );
    assert!(store
        .outreach_events(&elsewhere)
        .await
        .expect("events")
        .is_empty());
}
on_both_databases!(
    events_sqlite,
    events_postgres,
    events_are_created_with_the_countys_volunteers_and_checked
);
