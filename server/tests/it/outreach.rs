//! `/staff/events`: a supervisor creates an outreach event with the county's volunteers (a plain
//! form, refused field by field), a volunteer finds their badge code and the event, an
//! application's codes are checked against them through the API, and the volunteer then sees
//! what they sent, with no resident's data.

use casework::County;
use serde_json::json;
use store::on_both_databases;
use store::staff::Role;
use store::testing::TestDatabase;

use crate::common::{self, TestServer};

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

async fn a_supervisor_plans_an_event_and_a_volunteer_applies_with_its_code(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let supervisor = server
        .staff_session("zhao.sup", Role::Supervisor, County::Rencheng)
        .await;
    let volunteer = server
        .staff_session("vol.a", Role::Volunteer, County::Rencheng)
        .await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    server
        .create_staff("vol.q", Role::Volunteer, County::Qufu)
        .await;

    let page = server.staff_page("/staff/events", &supervisor).await;
    assert!(page.contains("data-total=\"0\""), "no events yet");
    let volunteer_id = between(&page, "name=\"volunteer\" value=\"", "\"")
        .expect("the county's volunteer in the form")
        .to_owned();
    assert_eq!(
        page.matches("name=\"volunteer\"").count(),
        1,
        "only the county's volunteers"
    );

    // A form with everything wrong comes back as typed, each problem named.
    let refused = server
        .post_form(
            "/staff/events",
            &[("place", ""), ("held_on", "20/12/2026")],
            Some(&supervisor),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    for problem in ["place_required", "day_invalid", "no_volunteers"] {
        assert!(
            html.contains(&format!("data-problem=\"{problem}\"")),
            "{problem}"
        );
    }
    assert!(
        html.contains("value=\"20/12/2026\""),
        "what was typed is kept"
    );

    let created = server
        .post_form(
            "/staff/events",
            &[
                ("place", "李营街道前营村村委会"),
                ("held_on", "2027-01-15"),
                ("volunteer", &volunteer_id),
            ],
            Some(&supervisor),
        )
        .await;
    assert_eq!(created.status(), 303);
    let back = common::location(&created).expect("back to the events");
    let code = back
        .split("created=")
        .nth(1)
        .expect("the new code")
        .to_owned();
    assert!(code.starts_with("E-2027-"), "{code}");
    let page = server.staff_page(&back, &supervisor).await;
    assert!(page.contains("data-notice=\"event_created\"") && page.contains(&code));
    // A link naming any other code shows no notice.
    let forged = server
        .staff_page("/staff/events?created=E-2026-9999", &supervisor)
        .await;
    assert!(!forged.contains("data-notice=\"event_created\""));
    assert!(page.contains(&format!("data-event=\"{code}\"")));

    // Only supervisors and administrators create events.
    let denied = server
        .post_form(
            "/staff/events",
            &[
                ("place", "村委会"),
                ("held_on", "2027-01-15"),
                ("volunteer", &volunteer_id),
            ],
            Some(&caseworker),
        )
        .await;
    assert_eq!(denied.status(), 403);

    // The volunteer finds their badge code and the event.
    let mine = server.staff_page("/staff/events", &volunteer).await;
    let badge = between(&mine, "data-volunteer-code=\"", "\"")
        .expect("the badge code")
        .to_owned();
    assert!(mine.contains(&format!("data-event=\"{code}\"")));
    assert!(mine.contains("data-sent=\"0\""));
    assert!(!mine.contains("name=\"place\""), "no form for volunteers");

    // An application's codes are checked against them.
    let mut body = common::full_example();
    body["submitted_by"] = json!({"type":"volunteer","volunteer_code":"V-99999","event_code":code});
    body["consents"]["applicant_confirmed"] = json!(true);
    let (status, answer) = server
        .post_application(Some("6f9619ff-8b86-4011-b42d-00c04fc96401"), &body)
        .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["errors"][0]["field"], "submitted_by.volunteer_code");
    assert_eq!(answer["errors"][0]["code"], "unknown_value");
    body["submitted_by"]["volunteer_code"] = json!(badge.to_lowercase());
    let (status, receipt) = server
        .post_application(Some("6f9619ff-8b86-4011-b42d-00c04fc96402"), &body)
        .await;
    assert_eq!(status, 201, "{receipt}");
    let reference = receipt["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();

    let mine = server.staff_page("/staff/events", &volunteer).await;
    assert!(mine.contains("data-sent=\"1\""));
    assert!(mine.contains(&format!("data-reference=\"{reference}\"")));
    assert!(
        !mine.contains("张三") && !mine.contains("13800138000"),
        "no resident's data on the volunteer's page"
    );
    let theirs = server.staff_page("/staff/events", &supervisor).await;
    assert!(theirs.contains("data-applications=\"1\""));

    // The desk (`/outreach`) gives the volunteer their events and the bureau's public keys, all
    // it needs offline, in its own bundle; no one else gets a desk.
    let keys: serde_json::Value = server
        .get("/outreach/keys")
        .await
        .json()
        .await
        .expect("the keys");
    let seal_key = keys["seal_key"].as_str().expect("the seal key");
    let desk = server.get_with_cookie("/outreach", &volunteer).await;
    assert_eq!(desk.status(), 200);
    assert_eq!(
        desk.headers()["cache-control"],
        "no-store",
        "kept by the desk's service worker only"
    );
    let desk = desk.text().await.unwrap();
    assert!(desk.contains(&format!("data-volunteer=\"{badge}\"")));
    assert!(desk.contains(&code) && desk.contains(seal_key));
    assert!(desk.contains("/pkg/portal-outreach.js"));
    assert!(
        desk.contains("rel=\"manifest\" href=\"/outreach.webmanifest\""),
        "installs as the desk"
    );
    assert!(
        desk.contains("data-outreach=\"no-js\""),
        "says what it needs without JS"
    );
    let other = server.get_with_cookie("/outreach", &caseworker).await;
    let other = other.text().await.unwrap();
    assert!(other.contains("data-outreach=\"not-volunteer\"") && !other.contains(seal_key));
    let nobody = server.get("/outreach").await.text().await.unwrap();
    assert!(nobody.contains("href=\"/staff/login\"") && !nobody.contains(seal_key));
    let posted = server
        .post_form("/outreach", &[("pin", "123456")], Some(&volunteer))
        .await;
    assert_eq!(posted.status(), 405);
}
on_both_databases!(
    events_sqlite,
    events_postgres,
    a_supervisor_plans_an_event_and_a_volunteer_applies_with_its_code
);
