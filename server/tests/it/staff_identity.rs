//! Staff identity through HTTP, as a browser without JS does it: the second factor (an app's
//! codes, taken once; recovery codes, each once; setting the app up), account life (a password
//! changed or reset, an account disabled, sign-ins seen and ended) and the audit trail of each.

use casework::County;
use store::on_both_databases;
use store::staff::second_factor::TotpSecret;
use store::staff::sign_in::{account_subject, action};
use store::staff::{NewStaffUser, Role, StaffUser};
use store::testing::TestDatabase;

use crate::common::{location, session_cookie, test_totp_secret, TestServer, PASSWORD};

/// The value of the first `name="…"` attribute in `html`.
fn attribute(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("{name}=\""))? + name.len() + 2;
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// Every recovery code on a page, in the order shown.
fn recovery_codes(html: &str) -> Vec<String> {
    let Some(start) = html.find("data-recovery-codes") else {
        return Vec::new();
    };
    let list = &html[start
        ..html[start..]
            .find("</ol>")
            .map_or(html.len(), |e| start + e)];
    list.split("<code>")
        .skip(1)
        .filter_map(|part| part.split("</code>").next())
        .map(str::to_owned)
        .collect()
}

/// The audit actions about one account, oldest first, with their details.
async fn audited(server: &TestServer, user: &StaffUser) -> Vec<(String, String)> {
    server
        .store
        .audit_entries_of(&account_subject(user.id))
        .await
        .unwrap()
}

fn has(entries: &[(String, String)], wanted: &str, detail_part: &str) -> bool {
    entries
        .iter()
        .any(|(a, d)| a == wanted && d.contains(detail_part))
}

async fn account(server: &TestServer, username: &str) -> StaffUser {
    server
        .store
        .staff_user_by_name(username)
        .await
        .unwrap()
        .unwrap()
}

fn now(server: &TestServer) -> i64 {
    server.store.clock().now().unix_timestamp()
}

async fn a_password_alone_or_a_used_code_signs_nobody_in(db: TestDatabase) {
    let server = TestServer::start(db).await;
    server
        .create_staff("wang.li", Role::Caseworker, County::Qufu)
        .await;
    let user = account(&server, "wang.li").await;

    // The right password, then no code or a wrong one: nothing opens.
    let pending = session_cookie(&server.post_sign_in("wang.li", PASSWORD).await);
    let empty = server.post_code(&pending, " ").await;
    assert_eq!(
        location(&empty).as_deref(),
        Some("/staff/login/code?error=code_missing")
    );
    let wrong = server.post_code(&pending, "000000").await;
    assert_eq!(
        location(&wrong).as_deref(),
        Some("/staff/login/code?error=code_invalid")
    );
    let page = server
        .get_with_cookie("/staff/login/code?error=code_invalid", &pending)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-problem=\"code_invalid\""), "{page}");
    assert_eq!(
        location(&server.get_with_cookie("/staff", &pending).await).as_deref(),
        Some("/staff/login")
    );
    // Skipping the password step: the code page sends the browser back to the start.
    let stranger = server.get("/staff/login/code").await;
    assert_eq!(
        location(&stranger).as_deref(),
        Some("/staff/login?error=expired")
    );

    // The right code signs in; the same code again, in another sign-in, is refused.
    let code = test_totp_secret().code_at(now(&server)).unwrap();
    let first = server.post_code(&pending, &code).await;
    assert_eq!(location(&first).as_deref(), Some("/staff"));
    let again = session_cookie(&server.post_sign_in("wang.li", PASSWORD).await);
    let replayed = server.post_code(&again, &code).await;
    assert_eq!(
        location(&replayed).as_deref(),
        Some("/staff/login/code?error=code_replayed")
    );
    // The code of the next step is a new one.
    let next = test_totp_secret().code_at(now(&server) + 30).unwrap();
    assert_eq!(
        location(&server.post_code(&again, &next).await).as_deref(),
        Some("/staff")
    );

    // Wrong codes count toward the lockout like wrong passwords (a minute later, past the
    // per-address allowance of sign-in posts).
    server.clock.advance(time::Duration::minutes(1));
    let locking = session_cookie(&server.post_sign_in("wang.li", PASSWORD).await);
    for _ in 0..4 {
        server.post_code(&locking, "123456").await;
    }
    let locked = server.post_code(&locking, "123456").await;
    assert_eq!(
        location(&locked).as_deref(),
        Some("/staff/login?error=locked")
    );

    let entries = audited(&server, &user).await;
    assert!(has(
        &entries,
        action::SIGN_IN_REFUSED,
        "\"reason\":\"wrong_code\""
    ));
    assert!(has(
        &entries,
        action::SIGN_IN_REFUSED,
        "\"reason\":\"replayed_code\""
    ));
    assert!(has(&entries, action::SIGNED_IN, "\"factor\":\"totp\""));
    assert!(has(
        &entries,
        action::LOCKED_OUT,
        "\"client\":\"127.0.0.1\""
    ));
    assert!(server.store.verify_audit_log().await.is_ok());
}
on_both_databases!(
    second_factor_sqlite,
    second_factor_postgres,
    a_password_alone_or_a_used_code_signs_nobody_in
);

async fn a_new_member_sets_up_the_app_and_each_recovery_code_works_once(db: TestDatabase) {
    let server = TestServer::start(db).await;
    server
        .store
        .create_staff_user(NewStaffUser {
            username: "sun.yu".parse().unwrap(),
            display_name: "孙雨".into(),
            role: Role::Caseworker,
            county: County::Rencheng,
            password: PASSWORD.parse().unwrap(),
        })
        .await
        .unwrap();
    let user = account(&server, "sun.yu").await;

    let password_step = server.post_sign_in("sun.yu", PASSWORD).await;
    assert_eq!(
        location(&password_step).as_deref(),
        Some("/staff/login/enrol")
    );
    let pending = session_cookie(&password_step);
    let page = server
        .get_with_cookie("/staff/login/enrol", &pending)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg"), "a QR code");
    let secret = TotpSecret::from_base32(&attribute(&page, "data-totp-secret").unwrap()).unwrap();
    // The page again shows the same secret, so a reload mid-way does not break the app's setup.
    let again = server
        .get_with_cookie("/staff/login/enrol", &pending)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        attribute(&again, "data-totp-secret"),
        Some(secret.to_base32())
    );
    let wrong = server
        .post_form("/staff/login/enrol", &[("code", "000000")], Some(&pending))
        .await;
    assert_eq!(
        location(&wrong).as_deref(),
        Some("/staff/login/enrol?error=code_invalid")
    );
    let enrolled = server
        .post_form(
            "/staff/login/enrol",
            &[("code", &secret.code_at(now(&server)).unwrap())],
            Some(&pending),
        )
        .await;
    assert_eq!(enrolled.status(), 200);
    let signed_in = session_cookie(&enrolled);
    let html = enrolled.text().await.unwrap();
    let codes = recovery_codes(&html);
    assert_eq!(codes.len(), 10, "{html}");
    assert_eq!(
        server.get_with_cookie("/staff", &signed_in).await.status(),
        200,
        "setting up the app was the second factor of this sign-in"
    );

    // A recovery code in place of the app's code, once.
    let with_recovery = session_cookie(&server.post_sign_in("sun.yu", PASSWORD).await);
    let used = server
        .post_code(&with_recovery, &codes[3].to_lowercase())
        .await;
    assert_eq!(location(&used).as_deref(), Some("/staff"));
    let twice = session_cookie(&server.post_sign_in("sun.yu", PASSWORD).await);
    assert_eq!(
        location(&server.post_code(&twice, &codes[3]).await).as_deref(),
        Some("/staff/login/code?error=code_replayed")
    );
    assert_eq!(server.store.recovery_codes_left(user.id).await.unwrap(), 9);

    let entries = audited(&server, &user).await;
    assert!(has(
        &entries,
        action::FACTOR_ENROLLED,
        "\"factor\":\"totp\""
    ));
    assert!(has(&entries, action::RECOVERY_CODE_USED, "\"left\":9"));
    assert!(has(&entries, action::SIGNED_IN, "\"factor\":\"recovery\""));
    assert!(has(
        &entries,
        action::SIGN_IN_REFUSED,
        "\"reason\":\"replayed_code\""
    ));
}
on_both_databases!(
    enrolment_sqlite,
    enrolment_postgres,
    a_new_member_sets_up_the_app_and_each_recovery_code_works_once
);

async fn a_disabled_account_is_out_at_once_and_a_reset_forces_a_new_password(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let admin = server
        .staff_session("zhao.min", Role::Admin, County::Rencheng)
        .await;
    let member = server
        .staff_session("qian.hui", Role::Caseworker, County::Rencheng)
        .await;
    let user = account(&server, "qian.hui").await;
    assert_eq!(
        server.get_with_cookie("/staff", &member).await.status(),
        200
    );

    // Only administrators, and only of their county, manage accounts.
    let caseworker_tries = server
        .post_form(
            &format!("/staff/accounts/{}/disable", user.id),
            &[],
            Some(&member),
        )
        .await;
    assert_eq!(caseworker_tries.status(), 403);
    let other = server
        .staff_session("li.fang", Role::Admin, County::Qufu)
        .await;
    let other_county = server
        .post_form(
            &format!("/staff/accounts/{}/disable", user.id),
            &[],
            Some(&other),
        )
        .await;
    assert_eq!(other_county.status(), 404);

    let accounts = server.staff_page("/staff/accounts", &admin).await;
    assert!(accounts.contains("data-account=\"qian.hui\""), "{accounts}");
    assert!(
        !accounts.contains("data-account=\"li.fang\""),
        "another county's"
    );

    // Disabled: the open session stops working on its next request.
    let disabled = server
        .post_form(
            &format!("/staff/accounts/{}/disable", user.id),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(
        location(&disabled).as_deref(),
        Some("/staff/accounts?done=disable&who=qian.hui")
    );
    assert_eq!(
        location(&server.get_with_cookie("/staff", &member).await).as_deref(),
        Some("/staff/login")
    );
    assert_eq!(
        location(&server.post_sign_in("qian.hui", PASSWORD).await).as_deref(),
        Some("/staff/login?error=disabled")
    );
    server
        .post_form(
            &format!("/staff/accounts/{}/enable", user.id),
            &[],
            Some(&admin),
        )
        .await;
    let back = server.sign_in("qian.hui").await;

    server.clock.advance(time::Duration::minutes(1));
    // Reset: a temporary password shown once; the member's sign-ins end; the next sign-in
    // asks for a new password before anything else.
    let reset = server
        .post_form(
            &format!("/staff/accounts/{}/reset-password", user.id),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(reset.status(), 200);
    let temporary = attribute(&reset.text().await.unwrap(), "data-temporary-password").unwrap();
    assert_eq!(
        location(&server.get_with_cookie("/staff", &back).await).as_deref(),
        Some("/staff/login")
    );
    let with_temporary = server.post_sign_in("qian.hui", &temporary).await;
    assert_eq!(
        location(&with_temporary).as_deref(),
        Some("/staff/login/code"),
        "{temporary}"
    );
    let pending = session_cookie(&with_temporary);
    server.clock.advance(time::Duration::seconds(60));
    let code = test_totp_secret().code_at(now(&server)).unwrap();
    let code_step = server.post_code(&pending, &code).await;
    assert_eq!(
        location(&code_step).as_deref(),
        Some("/staff/login/new-password")
    );
    let pending = session_cookie(&code_step);
    assert_eq!(
        location(&server.get_with_cookie("/staff", &pending).await).as_deref(),
        Some("/staff/login"),
        "nothing opens before the new password"
    );
    server.clock.advance(time::Duration::minutes(1));
    let common_one = server
        .post_form(
            "/staff/login/new-password",
            &[
                ("new_password", "qwerty123456"),
                ("confirm_password", "qwerty123456"),
            ],
            Some(&pending),
        )
        .await;
    assert_eq!(
        location(&common_one).as_deref(),
        Some("/staff/login/new-password?error=common")
    );
    let mismatch = server
        .post_form(
            "/staff/login/new-password",
            &[
                ("new_password", "a river runs under the old bridge"),
                ("confirm_password", "a river runs under the new bridge"),
            ],
            Some(&pending),
        )
        .await;
    assert_eq!(
        location(&mismatch).as_deref(),
        Some("/staff/login/new-password?error=mismatch")
    );
    let chosen = server
        .post_form(
            "/staff/login/new-password",
            &[
                ("new_password", "a river runs under the old bridge"),
                ("confirm_password", "a river runs under the old bridge"),
            ],
            Some(&pending),
        )
        .await;
    assert_eq!(location(&chosen).as_deref(), Some("/staff"));
    let now_in = session_cookie(&chosen);
    assert_eq!(
        server.get_with_cookie("/staff", &now_in).await.status(),
        200
    );
    assert_eq!(
        location(&server.post_sign_in("qian.hui", &temporary).await).as_deref(),
        Some("/staff/login?error=invalid"),
        "the temporary password is gone"
    );

    let entries = audited(&server, &user).await;
    for wanted in [action::DISABLED, action::ENABLED, action::PASSWORD_RESET] {
        assert!(
            has(&entries, wanted, "\"client\":\"127.0.0.1\""),
            "{wanted}: {entries:?}"
        );
    }
    assert!(has(
        &entries,
        action::SIGN_IN_REFUSED,
        "\"reason\":\"disabled\""
    ));
    assert!(has(&entries, action::PASSWORD_CHANGED, "\"forced\":true"));

    // The county's sign-in history, for its supervisors and administrators.
    let history = server.staff_page("/staff/sign-ins", &admin).await;
    for wanted in [
        "staff.disabled",
        "staff.password_reset",
        "staff.sign_in_refused",
    ] {
        assert!(
            history.contains(&format!("data-action=\"{wanted}\"")),
            "{wanted}"
        );
    }
    assert!(history.contains("127.0.0.1"));
    assert!(!history.contains("li.fang"), "another county's");
    let caseworker_history = server.get_with_cookie("/staff/sign-ins", &now_in).await;
    assert_eq!(caseworker_history.status(), 403);
}
on_both_databases!(
    account_life_sqlite,
    account_life_postgres,
    a_disabled_account_is_out_at_once_and_a_reset_forces_a_new_password
);

async fn a_member_changes_the_password_and_ends_another_sign_in(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let phone = server
        .staff_session("zhou.lan", Role::Supervisor, County::Rencheng)
        .await;
    let user = account(&server, "zhou.lan").await;
    let desk = server.sign_in("zhou.lan").await;
    let page = server.staff_page("/staff/account", &desk).await;
    assert!(page.contains("data-sessions=\"2\""), "{page}");
    let other = page
        .split("data-this-session=\"false\"")
        .next()
        .and_then(|before| before.rsplit("data-session=\"").next())
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();

    // Refused: the current password wrong; then the code missing. Nothing changes.
    let code = test_totp_secret().code_at(now(&server) + 60).unwrap();
    let form = |current: &'static str, code: &str| {
        vec![
            ("password".to_owned(), current.to_owned()),
            ("code".to_owned(), code.to_owned()),
            (
                "new_password".to_owned(),
                "the long road home in winter".to_owned(),
            ),
            (
                "confirm_password".to_owned(),
                "the long road home in winter".to_owned(),
            ),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let server = &server;
        let desk = desk.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            server
                .post_form("/staff/account/password", &pairs, Some(&desk))
                .await
        }
    };
    let wrong = post(form("not my password at all", &code)).await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("data-problem=\"wrong_password\""));
    let no_code = post(form(PASSWORD, "")).await;
    assert_eq!(no_code.status(), 422);
    assert!(no_code
        .text()
        .await
        .unwrap()
        .contains("data-problem=\"code_missing\""));

    server.clock.advance(time::Duration::seconds(60));
    let changed = post(form(PASSWORD, &code)).await;
    assert_eq!(
        location(&changed).as_deref(),
        Some("/staff/account?done=password_changed")
    );
    assert_eq!(
        location(&server.get_with_cookie("/staff", &phone).await).as_deref(),
        Some("/staff/login"),
        "the other sign-in ended with the change"
    );
    assert_eq!(server.get_with_cookie("/staff", &desk).await.status(), 200);

    // A new sign-in elsewhere, seen on the account page and ended from here.
    let tablet = {
        let pending = session_cookie(
            &server
                .post_sign_in("zhou.lan", "the long road home in winter")
                .await,
        );
        let code = test_totp_secret().code_at(now(&server) + 30).unwrap();
        session_cookie(&server.post_code(&pending, &code).await)
    };
    let page = server.staff_page("/staff/account", &desk).await;
    assert!(page.contains("data-sessions=\"2\""), "{page}");
    assert!(!page.contains(&other), "the ended sign-in is not listed");
    let tablet_id = page
        .split("data-this-session=\"false\"")
        .next()
        .and_then(|before| before.rsplit("data-session=\"").next())
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let ended = server
        .post_form(
            &format!("/staff/account/sessions/{tablet_id}/end"),
            &[],
            Some(&desk),
        )
        .await;
    assert_eq!(
        location(&ended).as_deref(),
        Some("/staff/account?done=session_ended")
    );
    assert_eq!(
        location(&server.get_with_cookie("/staff", &tablet).await).as_deref(),
        Some("/staff/login")
    );
    // Another member's sign-in cannot be ended from here.
    let stranger = server
        .staff_session("wu.gang", Role::Caseworker, County::Rencheng)
        .await;
    let own_page = server.staff_page("/staff/account", &stranger).await;
    let stranger_id = attribute(&own_page, "data-session").unwrap();
    let refused = server
        .post_form(
            &format!("/staff/account/sessions/{stranger_id}/end"),
            &[],
            Some(&desk),
        )
        .await;
    assert_eq!(refused.status(), 404);
    assert_eq!(
        server.get_with_cookie("/staff", &stranger).await.status(),
        200
    );

    let entries = audited(&server, &user).await;
    assert!(has(&entries, action::PASSWORD_CHANGED, "\"forced\":false"));
    assert!(has(
        &entries,
        action::SIGN_IN_ENDED,
        "\"client\":\"127.0.0.1\""
    ));
    assert!(server.store.verify_audit_log().await.is_ok());
}
on_both_databases!(
    own_account_sqlite,
    own_account_postgres,
    a_member_changes_the_password_and_ends_another_sign_in
);

async fn volunteers_may_go_without_a_second_factor_only_when_the_setting_says_so(db: TestDatabase) {
    let server = TestServer::start_configured(
        db,
        |config| config.volunteer_second_factor = "optional".into(),
        |routes| routes,
    )
    .await;
    for (username, role) in [
        ("ma.volunteer", Role::Volunteer),
        ("ma.caseworker", Role::Caseworker),
    ] {
        server
            .store
            .create_staff_user(NewStaffUser {
                username: username.parse().unwrap(),
                display_name: "马".into(),
                role,
                county: County::Rencheng,
                password: PASSWORD.parse().unwrap(),
            })
            .await
            .unwrap();
    }
    assert_eq!(
        location(&server.post_sign_in("ma.volunteer", PASSWORD).await).as_deref(),
        Some("/staff")
    );
    assert_eq!(
        location(&server.post_sign_in("ma.caseworker", PASSWORD).await).as_deref(),
        Some("/staff/login/enrol"),
        "no other role is relaxed"
    );
}
on_both_databases!(
    relaxed_sqlite,
    relaxed_postgres,
    volunteers_may_go_without_a_second_factor_only_when_the_setting_says_so
);

/// A JSON post as `public/passkey.js` sends it; the status and the JSON answer.
async fn post_json(
    server: &TestServer,
    path: &str,
    body: &str,
    cookie: &str,
) -> (u16, serde_json::Value) {
    let answer = server
        .client
        .post(server.url(path))
        .header("origin", server.origin())
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .header("cookie", cookie)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (
        status,
        answer.json().await.unwrap_or(serde_json::Value::Null),
    )
}

async fn passkeys_are_offered_for_the_portals_own_address_only(db: TestDatabase) {
    let server = TestServer::start_configured(
        db,
        |config| config.public_origin = Some("http://localhost:3000".into()),
        |routes| routes,
    )
    .await;
    let desk = server
        .staff_session("he.ping", Role::Supervisor, County::Rencheng)
        .await;
    let page = server.staff_page("/staff/account", &desk).await;
    assert!(page.contains("data-passkeys=\"0\""), "{page}");
    assert!(
        page.contains("data-passkey-register"),
        "the script's button, hidden without it"
    );

    let (status, options) = post_json(&server, "/staff/account/passkeys/options", "", &desk).await;
    assert_eq!(status, 200, "{options}");
    assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
    assert_eq!(options["publicKey"]["user"]["name"], "he.ping");
    assert!(options["publicKey"]["challenge"]
        .as_str()
        .is_some_and(|c| c.len() >= 16));
    // An answer that is no credential changes nothing.
    let (status, refused) = post_json(&server, "/staff/account/passkeys", "{}", &desk).await;
    assert_eq!((status, refused["error"].as_str()), (422, Some("refused")));
    assert!(server
        .staff_page("/staff/account", &desk)
        .await
        .contains("data-passkeys=\"0\""));
    // Signed out, nothing is offered.
    let (status, _) = post_json(&server, "/staff/account/passkeys/options", "", "").await;
    assert_eq!(status, 303);

    // A sign-in's second step: no passkey yet, so the code page offers none and the options say so.
    let pending = session_cookie(&server.post_sign_in("he.ping", PASSWORD).await);
    let code_page = server
        .get_with_cookie("/staff/login/code", &pending)
        .await
        .text()
        .await
        .unwrap();
    assert!(!code_page.contains("data-passkey-sign-in"));
    let (status, none) = post_json(&server, "/staff/login/passkey/options", "", &pending).await;
    assert_eq!((status, none["error"].as_str()), (404, Some("none")));
    // Without a sign-in under way, the script is sent back to the start.
    let (status, back) = post_json(&server, "/staff/login/passkey", "{}", "").await;
    assert_eq!(
        (status, back["next"].as_str()),
        (200, Some("/staff/login?error=expired"))
    );
}
on_both_databases!(
    passkeys_sqlite,
    passkeys_postgres,
    passkeys_are_offered_for_the_portals_own_address_only
);

async fn without_the_public_address_no_passkey_is_offered(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let desk = server
        .staff_session("he.an", Role::Caseworker, County::Rencheng)
        .await;
    let (status, answer) = post_json(&server, "/staff/account/passkeys/options", "", &desk).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (404, Some("not_offered"))
    );
    assert!(!server
        .staff_page("/staff/account", &desk)
        .await
        .contains("data-passkey-register"));
}
on_both_databases!(
    no_passkeys_sqlite,
    no_passkeys_postgres,
    without_the_public_address_no_passkey_is_offered
);
