//! Proactive discovery through the server's own import and run: department files in, a re-import
//! changing nothing, bad rows reported by line, a household found only by two files together,
//! a person with an open case never a candidate, the visit recorded and counted in the funnel,
//! and the SMS notice that an opted-out number never gets again.

use std::path::{Path, PathBuf};

use casework::{Actor, County};
use discovery::{Kind, VisitOutcome};
use store::discovery::NoticeSettings;
use store::on_both_databases;
use store::outbox::OutboxMessage;
use store::staff::Role;
use store::testing::{example_application, TestDatabase};
use store::Store;

use crate::common::TestServer;

const REGISTER: &str = "\u{feff}record_id,id_number,name,household_no,relation,county,township,village,address,area,phone\r
R1,11010519810101003X,张伟,000000000042,head,任城区,李营街道,王庄村,王庄村3号,urban,13800138001\r
R2,11010519830202004X,王芳,42,spouse,任城区,李营街道,王庄村,王庄村3号,urban,\r
R3,110105194501010030,李老汉,000000000077,head,任城区,李营街道,东村,东村9号,urban,\r
R4,11010519491231002X,张三,000000000099,head,任城区,李营街道,东村,东村1号,urban,\r
R5,110105198302020041,坏行,5,head,任城区,李营街道,东村,东村2号,urban,\r
R1,11010519810101003X,张伟,000000000042,head,任城区,李营街道,王庄村,王庄村3号,urban,13800138001\r
";
const WAGES: &str =
    "record_id,id_number,period_end,monthly_average\nW1,11010519810101003X,2026-10,3000\n";
const HOUSES: &str = "record_id,id_number,use,floor_area,registered_on\nH1,11010519810101003X,residential,80,2010-05-01\n";
const DISABILITY: &str = "record_id,id_number,grade,kind,certified_on,rehabilitation_12m\nD1,11010519830202004X,3,physical,2020-03-01,12000\n";
const MEDICAL: &str = "record_id,id_number,month,out_of_pocket\nM1,11010519830202004X,2026-03,9000\nM2,11010519830202004X,2026-06,6000\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the file is written");
    path
}

async fn import(store: &Store, kind: Kind, path: &Path) -> store::discovery::ImportReport {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    server::discovery::import::import_file(store, kind, path, &name, Actor::system(Actor::CLI), &())
        .await
        .expect("the import runs")
        .1
}

async fn import_all(store: &Store, dir: &Path) {
    import(
        store,
        Kind::HouseholdRegister,
        &write(dir, "register.csv", REGISTER),
    )
    .await;
    import(store, Kind::Wages, &write(dir, "wages.csv", WAGES)).await;
    import(store, Kind::RealEstate, &write(dir, "houses.csv", HOUSES)).await;
    import(
        store,
        Kind::Disability,
        &write(dir, "disability.csv", DISABILITY),
    )
    .await;
    import(
        store,
        Kind::MedicalCosts,
        &write(dir, "medical.csv", MEDICAL),
    )
    .await;
}

async fn staff(
    store: &Store,
    username: &str,
    role: Role,
    county: County,
) -> store::staff::StaffUser {
    store
        .create_staff_user(store::staff::NewStaffUser {
            username: username.parse().expect("a username"),
            display_name: format!("测试{username}"),
            role,
            county,
            password: crate::common::PASSWORD.parse().expect("a password"),
        })
        .await
        .expect("a staff account")
}

/// The stop code of the 主动告知 message waiting in the outbox.
async fn sent_stop_code(store: &Store) -> String {
    store
        .due_messages(10)
        .await
        .expect("the outbox")
        .iter()
        .find_map(|m| match m.message() {
            Ok(OutboxMessage::DiscoveryNotice { stop_code, .. }) => Some(stop_code),
            _ => None,
        })
        .expect("the notice")
}

fn settings(sms: bool) -> NoticeSettings {
    NoticeSettings {
        sms,
        visit_days: 10,
    }
}

async fn a_reimport_changes_nothing_and_each_bad_row_is_reported_by_line(db: TestDatabase) {
    let store = db.store().await;
    let dir = tempfile::tempdir().expect("a folder");
    let path = write(dir.path(), "register.csv", REGISTER);
    let first = import(&store, Kind::HouseholdRegister, &path).await;
    assert_eq!((first.rows_read, first.accepted, first.refused), (6, 4, 2));
    assert_eq!(first.changed, 4);
    // Line 6: a wrong check digit; line 7: the record number of line 2 again.
    assert!(
        first
            .refused_lines
            .contains(&(6, "id_number".into(), "id_checksum".into())),
        "{:?}",
        first.refused_lines
    );
    assert!(first
        .refused_lines
        .contains(&(7, "record_id".into(), "duplicate_record".into())));
    assert_eq!(first.refused_by_reason.get("id_checksum"), Some(&1));
    let before = store.discovery_record_counts().await.expect("counts");
    let again = import(&store, Kind::HouseholdRegister, &path).await;
    assert_eq!((again.accepted, again.changed), (4, 0));
    assert_eq!(
        store.discovery_record_counts().await.expect("counts"),
        before
    );
    // A file without the required columns is refused whole, with the reason.
    let wrong = import(
        &store,
        Kind::Wages,
        &write(
            dir.path(),
            "w.csv",
            "record_id,id_number\nW1,11010519810101003X\n",
        ),
    )
    .await;
    assert!(wrong
        .file_problem
        .expect("a file problem")
        .contains("period_end"));
}
on_both_databases!(
    reimport_sqlite,
    reimport_postgres,
    a_reimport_changes_nothing_and_each_bad_row_is_reported_by_line
);

async fn candidates_exclude_open_cases_and_visits_move_the_funnel(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    // 张三 (R4, alone, 76, no income: likely 特困) has an open application.
    let (status, _) = server
        .post_application(
            Some("c0ffee00-0000-4000-8000-000000000001"),
            &example_application("13800138000", serde_json::Value::Null),
        )
        .await;
    assert_eq!(status, 201);
    let dir = tempfile::tempdir().expect("a folder");
    import_all(store, dir.path()).await;
    let (_, summary) =
        server::discovery::run::run(store, &Actor::system(Actor::CLI), &settings(false), &())
            .await
            .expect("the run");
    assert_eq!(summary.already_known, 1);
    // 张伟's household (rigid expenses, only with both files) and 李老汉 (alone, no income).
    assert_eq!(summary.saved.new, 2);
    let caseworker = staff(store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let places = store.discovery_places(&caseworker).await.expect("places");
    assert_eq!(places.iter().map(|p| p.open).sum::<u64>(), 2);
    let list = store
        .discovery_visit_list(&caseworker, "李营街道")
        .await
        .expect("the list");
    let zhang = list
        .iter()
        .find(|l| l.name == "张伟")
        .expect("张伟's household");
    assert_eq!(zhang.programme, rules::ProgrammeId::RigidExpense);
    assert!(!list.iter().any(|l| l.name == "张三"));
    let view = store
        .discovery_candidate(&caseworker, zhang.id)
        .await
        .expect("the candidate");
    assert!(view
        .evidence
        .expect("evidence")
        .records
        .iter()
        .any(|r| r.record_id == "M1"));
    // Not eligible needs a reason; then it is recorded once.
    assert!(matches!(
        store
            .record_discovery_visit(&caseworker, zhang.id, VisitOutcome::NotEligible, " ")
            .await,
        Err(store::discovery::VisitError::ReasonNeeded)
    ));
    store
        .record_discovery_visit(&caseworker, zhang.id, VisitOutcome::Declined, "")
        .await
        .expect("recorded");
    assert!(matches!(
        store
            .record_discovery_visit(&caseworker, zhang.id, VisitOutcome::Applied, "")
            .await,
        Err(store::discovery::VisitError::AlreadyRecorded)
    ));
    let funnel = store
        .discovery_funnel(Some(County::Rencheng))
        .await
        .expect("funnel");
    assert_eq!(
        (
            funnel.total.candidates,
            funnel.total.visited,
            funnel.total.confirmed
        ),
        (2, 1, 1)
    );
    let rigid = funnel
        .by_programme
        .iter()
        .find(|(p, _)| *p == rules::ProgrammeId::RigidExpense)
        .expect("the rule's line");
    assert_eq!(rigid.1.precision(), Some(1.0));
    let disability = funnel
        .by_source
        .iter()
        .find(|(k, _)| *k == Kind::Disability)
        .expect("line");
    assert_eq!((disability.1.imported, disability.1.candidates), (1, 1));
    // Another county's caseworker sees none of it.
    let other = staff(store, "liu.qf", Role::Caseworker, County::Qufu).await;
    assert!(store
        .discovery_places(&other)
        .await
        .expect("places")
        .is_empty());
    assert!(store.discovery_candidate(&other, zhang.id).await.is_err());
    // A second run raises no household twice: the declined one is not raised again.
    let (_, again) =
        server::discovery::run::run(store, &Actor::system(Actor::CLI), &settings(false), &())
            .await
            .expect("the run");
    assert_eq!(
        (
            again.saved.new,
            again.saved.refreshed,
            again.saved.suppressed
        ),
        (0, 1, 1)
    );
}
on_both_databases!(
    candidates_sqlite,
    candidates_postgres,
    candidates_exclude_open_cases_and_visits_move_the_funnel
);

async fn an_opted_out_number_is_never_told_again(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let dir = tempfile::tempdir().expect("a folder");
    import_all(store, dir.path()).await;
    let (_, summary) =
        server::discovery::run::run(store, &Actor::system(Actor::CLI), &settings(true), &())
            .await
            .expect("the run");
    assert_eq!(summary.saved.notified, 1);
    let messages = store.due_messages(10).await.expect("the outbox");
    let code = messages
        .iter()
        .find_map(|m| match m.message() {
            Ok(OutboxMessage::DiscoveryNotice { stop_code, .. }) => Some(stop_code),
            _ => None,
        })
        .expect("the notice");
    assert_eq!(messages.len(), 1);
    assert!(!store
        .discovery_opt_out("ZZZZ2222")
        .await
        .expect("a code never sent"));
    assert!(store
        .discovery_opt_out(&code.to_lowercase())
        .await
        .expect("opted out"));
    // A year and more later, the same household found again (its visit declined): no message.
    let caseworker = staff(store, "wang.li", Role::Caseworker, County::Rencheng).await;
    for line in store
        .discovery_visit_list(&caseworker, "李营街道")
        .await
        .expect("list")
    {
        store
            .record_discovery_visit(&caseworker, line.id, VisitOutcome::NotFound, "")
            .await
            .expect("recorded");
    }
    server.clock.advance(time::Duration::days(400));
    let (_, later) =
        server::discovery::run::run(store, &Actor::system(Actor::CLI), &settings(true), &())
            .await
            .expect("the run");
    assert_eq!((later.saved.new, later.saved.notified), (3, 0));
    assert_eq!(store.due_messages(10).await.expect("the outbox").len(), 1);
}
on_both_databases!(
    opt_out_sqlite,
    opt_out_postgres,
    an_opted_out_number_is_never_told_again
);

async fn upload(
    server: &TestServer,
    cookie: &str,
    kind: &str,
    name: &str,
    text: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("kind", kind.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(name.to_owned()),
        );
    server
        .client
        .post(server.url("/staff/discovery/imports"))
        .header("origin", server.origin())
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

/// Waits for background work the pages started (an import, a run) to finish.
async fn until_done(server: &TestServer, path: &str, cookie: &str) -> String {
    for _ in 0..200 {
        let page = server.staff_page(path, cookie).await;
        if !page.contains(r#"data-state="running""#) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{path} is still running");
}

async fn staff_upload_run_visit_and_see_the_funnel_move(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let supervisor = server
        .staff_session("zhao.sup", Role::Supervisor, County::Rencheng)
        .await;
    let volunteer = server
        .staff_session("vol.a", Role::Volunteer, County::Rencheng)
        .await;
    // A refused upload comes back with its problem, changing nothing.
    let refused = upload(&server, &caseworker, "", "register.csv", REGISTER).await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("page")
        .contains(r#"data-problem="choose_kind""#));
    let refused = upload(&server, &caseworker, "wages", "wages.txt", WAGES).await;
    assert_eq!(refused.status(), 422);
    // A volunteer may not, and neither may anyone signed out.
    assert_eq!(
        upload(&server, &volunteer, "wages", "wages.csv", WAGES)
            .await
            .status(),
        403
    );
    let signed_out = server.get("/staff/discovery").await;
    assert_eq!(
        crate::common::location(&signed_out).as_deref(),
        Some("/staff/login")
    );
    let mut reports = Vec::new();
    for (kind, name, text) in [
        ("household_register", "register.csv", REGISTER),
        ("wages", "wages.csv", WAGES),
        ("real_estate", "houses.csv", HOUSES),
        ("disability", "disability.csv", DISABILITY),
        ("medical_costs", "medical.csv", MEDICAL),
    ] {
        let response = upload(&server, &caseworker, kind, name, text).await;
        assert_eq!(response.status(), 303);
        let report_path = crate::common::location(&response).unwrap_or_default();
        assert!(
            report_path.starts_with("/staff/discovery/imports/"),
            "{report_path}"
        );
        reports.push(until_done(&server, &report_path, &caseworker).await);
    }
    assert!(reports[0].contains(r#"data-refused="2""#), "{}", reports[0]);
    assert!(reports[0].contains(r#"data-row="6" data-reason="id_checksum""#));
    // A run, in the background.
    let started = server
        .client
        .post(server.url("/staff/discovery/runs"))
        .header("origin", server.origin())
        .header("cookie", &caseworker)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .expect("POST");
    assert_eq!(
        crate::common::location(&started).as_deref(),
        Some("/staff/discovery")
    );
    let overview = until_done(&server, "/staff/discovery", &caseworker).await;
    assert!(
        overview.contains(r#"data-township="李营街道""#),
        "{overview}"
    );
    let list = server
        .staff_page(
            "/staff/discovery/township?name=%E6%9D%8E%E8%90%A5%E8%A1%97%E9%81%93",
            &caseworker,
        )
        .await;
    assert!(list.contains("张伟"));
    let id = store_candidate_id(&server.store, "张伟").await;
    let page = server
        .staff_page(&format!("/staff/discovery/candidates/{id}"), &caseworker)
        .await;
    assert!(page.contains(r#"data-record="M1""#));
    // Another county's caseworker gets nothing.
    let other = server
        .staff_session("liu.qf", Role::Caseworker, County::Qufu)
        .await;
    let theirs = server
        .get_with_cookie(&format!("/staff/discovery/candidates/{id}"), &other)
        .await;
    assert_eq!(theirs.status(), 404);
    // Not eligible without a reason is refused, field by field.
    let post_visit = |form: &'static str| {
        server
            .client
            .post(server.url(&format!("/staff/discovery/candidates/{id}")))
            .header("origin", server.origin())
            .header("cookie", &caseworker)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
    };
    let refused = post_visit("outcome=not_eligible&note=")
        .await
        .expect("POST");
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("page")
        .contains(r#"data-problem="reason_needed""#));
    // Applied: the assisted application opens at the applicant's page, prefilled.
    let applied = post_visit("outcome=applied&note=").await.expect("POST");
    let draft = crate::common::location(&applied).unwrap_or_default();
    assert!(
        draft.starts_with("/apply/") & draft.ends_with("/applicant"),
        "{draft}"
    );
    let form = server.get(&draft).await.text().await.expect("page");
    assert!(form.contains("11010519810101003X"));
    assert!(form.contains("张伟"));
    // The supervisor sees the funnel move, on the page, on the dashboard and in the CSV.
    let overview = server.staff_page("/staff/discovery", &supervisor).await;
    assert!(
        overview.contains(r#"data-funnel-visited="1""#),
        "{overview}"
    );
    let csv = server
        .staff_page("/staff/discovery/funnel.csv", &supervisor)
        .await;
    assert!(
        csv.lines()
            .any(|l| l.starts_with("rule,rigid_expense,") & l.contains(",1,1,1,0,")),
        "{csv}"
    );
    assert_eq!(
        server
            .get_with_cookie("/staff/discovery/funnel.csv", &caseworker)
            .await
            .status(),
        403
    );
    // Every look was audited.
    let looks = server
        .db
        .raw_texts("SELECT action FROM audit_log WHERE action LIKE 'discovery.%'")
        .await;
    for action in [
        "discovery.import",
        "discovery.run",
        "discovery.list",
        "discovery.candidate.view",
        "discovery.visit",
    ] {
        assert!(looks.iter().any(|a| a == action), "{action}: {looks:?}");
    }
}
on_both_databases!(
    pages_sqlite,
    pages_postgres,
    staff_upload_run_visit_and_see_the_funnel_move
);

async fn store_candidate_id(store: &Store, name: &str) -> i64 {
    let staff = staff(store, "lookup.cw", Role::Caseworker, County::Rencheng).await;
    store
        .discovery_visit_list(&staff, "李营街道")
        .await
        .expect("list")
        .into_iter()
        .find(|l| l.name == name)
        .expect("the candidate")
        .id
}

async fn the_stop_page_stops_the_messages(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let dir = tempfile::tempdir().expect("a folder");
    import_all(store, dir.path()).await;
    server::discovery::run::run(store, &Actor::system(Actor::CLI), &settings(true), &())
        .await
        .expect("the run");
    let code = sent_stop_code(store).await;
    let form = server.get("/stop").await.text().await.expect("page");
    assert!(form.contains(r#"name="code""#));
    let post = |body: String| {
        server
            .client
            .post(server.url("/stop"))
            .header("origin", server.origin())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let wrong = post("code=ABCDEFGH".into()).await.expect("POST");
    assert_eq!(wrong.status(), 422);
    assert!(wrong
        .text()
        .await
        .expect("page")
        .contains(r#"data-problem="unknown_code""#));
    let done = post(format!("code={}", code.to_lowercase()))
        .await
        .expect("POST");
    assert_eq!(done.status(), 200);
    assert!(done
        .text()
        .await
        .expect("page")
        .contains(r#"data-notice="stopped""#));
    assert_eq!(
        server
            .db
            .raw_texts("SELECT phone_index FROM discovery_opt_outs")
            .await
            .len(),
        1
    );
}
on_both_databases!(stop_sqlite, stop_postgres, the_stop_page_stops_the_messages);

async fn a_key_rotation_moves_candidates_and_opt_outs_and_drops_the_records(db: TestDatabase) {
    let old = db.store().await;
    let dir = tempfile::tempdir().expect("a folder");
    import_all(&old, dir.path()).await;
    server::discovery::run::run(&old, &Actor::system(Actor::CLI), &settings(true), &())
        .await
        .expect("the run");
    let code = sent_stop_code(&old).await;
    let new_key = store::DataKey::from_bytes([9; 32]);
    let report = old
        .rotate_data_key(&new_key, true, &Actor::system(Actor::CLI))
        .await
        .expect("rotated");
    assert!(report.discovery.records_removed > 0);
    assert_eq!(report.discovery.candidates, 3);
    let new = Store::connect(&db.url, std::sync::Arc::new(store::SystemClock), new_key)
        .await
        .expect("connect");
    // The records are gone (import the files again); the candidates open with the new key.
    assert!(new
        .discovery_record_counts()
        .await
        .expect("counts")
        .is_empty());
    let caseworker = staff(&new, "wang.li", Role::Caseworker, County::Rencheng).await;
    let list = new
        .discovery_visit_list(&caseworker, "李营街道")
        .await
        .expect("list");
    assert!(list.iter().any(|l| l.name == "张伟"));
    // The code sent before still stops the messages; a household found again is not raised twice.
    assert!(new.discovery_opt_out(&code).await.expect("opted out"));
    import_all(&new, dir.path()).await;
    let (_, again) =
        server::discovery::run::run(&new, &Actor::system(Actor::CLI), &settings(true), &())
            .await
            .expect("the run");
    assert_eq!(
        (again.saved.new, again.saved.refreshed, again.saved.notified),
        (0, 3, 0)
    );
}
on_both_databases!(
    rotation_sqlite,
    rotation_postgres,
    a_key_rotation_moves_candidates_and_opt_outs_and_drops_the_records
);
