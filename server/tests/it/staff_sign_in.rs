//! Staff sign-in as a browser does it with JS off: form posts, redirects, a `__Host-` cookie.

use app::i18n::{tr, Lang};
use casework::County;
use server::sessions::COOKIE_NAME;
use store::on_both_databases;
use store::staff::Role;
use store::testing::TestDatabase;

use crate::common::{self, TestServer, PASSWORD};

async fn staff_sign_in_workspace_and_sign_out(db: TestDatabase) {
    let server = TestServer::start(db).await;
    server
        .create_staff("wang.li", Role::Caseworker, County::Qufu)
        .await;

    let anonymous = server.get("/staff").await;
    assert_eq!(
        common::location(&anonymous).as_deref(),
        Some("/staff/login")
    );

    let password_step = server.post_sign_in("wang.li", PASSWORD).await;
    assert_eq!(
        common::location(&password_step).as_deref(),
        Some(app::staff::CODE_PAGE),
        "a right password asks for the code"
    );
    let pending = common::session_cookie(&password_step);
    let not_yet = server.get_with_cookie("/staff", &pending).await;
    assert_eq!(
        common::location(&not_yet).as_deref(),
        Some("/staff/login"),
        "the password alone opens nothing"
    );
    let code = common::test_totp_secret()
        .code_at(server.store.clock().now().unix_timestamp())
        .unwrap();
    let signed_in = server.post_code(&pending, &code).await;
    assert_eq!(common::location(&signed_in).as_deref(), Some("/staff"));
    let set_cookie = common::cookie(&signed_in, COOKIE_NAME).expect("a session cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(
            set_cookie.contains(attribute),
            "{set_cookie} lacks {attribute}"
        );
    }
    assert!(
        !set_cookie.contains("Domain"),
        "a __Host- cookie has no domain"
    );
    let session = set_cookie.split(';').next().unwrap().to_owned();

    let workspace = server.get_with_cookie("/staff", &session).await;
    assert_eq!(workspace.status(), 200);
    let html = workspace.text().await.unwrap();
    assert!(
        html.contains("测试wang.li")
            && html.contains(tr::role_caseworker(Lang::Zh))
            && html.contains("曲阜市"),
        "{html}"
    );

    let signed_out = server
        .post_form(app::staff::SIGN_OUT_PATH, &[], Some(&session))
        .await;
    assert_eq!(
        common::location(&signed_out).as_deref(),
        Some("/staff/login?signed_out=1")
    );
    let after = server.get_with_cookie("/staff", &session).await;
    assert_eq!(
        common::location(&after).as_deref(),
        Some("/staff/login"),
        "the old cookie no longer signs in"
    );
}
on_both_databases!(
    workspace_sqlite,
    workspace_postgres,
    staff_sign_in_workspace_and_sign_out
);

async fn wrong_passwords_say_so_and_lock_the_account(db: TestDatabase) {
    let server = TestServer::start(db).await;
    server
        .create_staff("li.na", Role::Supervisor, County::Rencheng)
        .await;
    let wrong = server.post_sign_in("li.na", "not the password").await;
    assert_eq!(
        common::location(&wrong).as_deref(),
        Some("/staff/login?error=invalid")
    );
    assert!(common::cookie(&wrong, COOKIE_NAME).is_none());
    let page = server
        .get("/staff/login?error=invalid")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-problem=\"invalid\""));

    for _ in 0..4 {
        server.post_sign_in("li.na", "not the password").await;
    }
    let locked = server.post_sign_in("li.na", PASSWORD).await;
    assert_eq!(
        common::location(&locked).as_deref(),
        Some("/staff/login?error=locked")
    );
    let empty = server.post_sign_in("", "").await;
    assert_eq!(
        common::location(&empty).as_deref(),
        Some("/staff/login?error=missing")
    );
}
on_both_databases!(
    lockout_sqlite,
    lockout_postgres,
    wrong_passwords_say_so_and_lock_the_account
);

async fn sign_in_attempts_from_one_address_are_throttled(db: TestDatabase) {
    let server = std::sync::Arc::new(
        TestServer::start_configured(
            db,
            |config| config.login_attempts_per_minute = 10,
            |routes| routes,
        )
        .await,
    );
    let attempts: Vec<_> = (0..12)
        .map(|_| {
            let server = server.clone();
            tokio::spawn(async move {
                common::location(&server.post_sign_in("nobody", "whatever it may be").await)
            })
        })
        .collect();
    let mut throttled = 0;
    for attempt in attempts {
        if attempt.await.unwrap().as_deref() == Some("/staff/login?error=throttled") {
            throttled += 1;
        }
    }
    assert!(
        throttled >= 2,
        "12 attempts at once against an allowance of 10 a minute: {throttled} throttled"
    );
    let page = server
        .get("/staff/login?error=throttled")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-problem=\"throttled\""));
}
on_both_databases!(
    throttle_sqlite,
    throttle_postgres,
    sign_in_attempts_from_one_address_are_throttled
);

async fn an_idle_session_ends_after_fifteen_minutes(db: TestDatabase) {
    let server = TestServer::start(db).await;
    server
        .create_staff("zhao.min", Role::Admin, County::Zoucheng)
        .await;
    let session = server.sign_in("zhao.min").await;
    server.clock.advance(time::Duration::minutes(16));
    let after = server.get_with_cookie("/staff", &session).await;
    assert_eq!(common::location(&after).as_deref(), Some("/staff/login"));
}
on_both_databases!(
    idle_sqlite,
    idle_postgres,
    an_idle_session_ends_after_fifteen_minutes
);
