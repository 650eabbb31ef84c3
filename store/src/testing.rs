//! Fresh, throw-away databases for tests: SQLite always, PostgreSQL when `TEST_DATABASE_URL`
//! names a server (the test command starts one and also sets `REQUIRE_POSTGRES=1`, so that a
//! missing server fails the run instead of silently skipping).

use std::sync::Arc;

use crate::{Clock, DataKey, DatabaseUrl, Store, SystemClock};

/// The data key of every test database: fixed, so a test can open what it sealed.
pub fn test_data_key() -> DataKey {
    DataKey::from_bytes([42; 32])
}

/// A migrated database that lives as long as this value.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory for the test database");
        let url = format!("sqlite://{}/portal.db", dir.path().display());
        Self {
            url: url.parse().expect("a valid SQLite URL"),
            _dir: Some(dir),
        }
    }

    /// A new, empty database on the test PostgreSQL server, or `None` when there is none.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(
                std::env::var("REQUIRE_POSTGRES").is_err(),
                "REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not"
            );
            eprintln!("TEST_DATABASE_URL is not set: skipping the PostgreSQL run of this test");
            return None;
        };
        sqlx::any::install_default_drivers();
        let name = format!("portal_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .expect("TEST_DATABASE_URL must reach a PostgreSQL server");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("TEST_DATABASE_URL ends in /database");
        Some(Self {
            url: format!("{base}/{name}")
                .parse()
                .expect("a valid PostgreSQL URL"),
            _dir: None,
        })
    }

    /// Another handle on the same database, as a second instance of the portal would have; the
    /// database lives as long as `self` does.
    pub fn another_handle(&self) -> Self {
        Self {
            url: self.url.clone(),
            _dir: None,
        }
    }

    /// Runs SQL straight on the database, as someone with access to the file or server could.
    pub async fn execute_raw(&self, sql: &str) {
        assert!(self.try_execute_raw(sql).await, "raw SQL failed: {sql}");
    }

    /// Like [`Self::execute_raw`]; `false` when the database refuses.
    pub async fn try_execute_raw(&self, sql: &str) -> bool {
        sqlx::any::install_default_drivers();
        let mut connection = <sqlx::AnyConnection as sqlx::Connection>::connect(self.url.as_str())
            .await
            .expect("connect to the test database");
        sqlx::raw_sql(sql).execute(&mut connection).await.is_ok()
    }

    /// The first column of every row of a query, as text, read straight from the database.
    pub async fn raw_texts(&self, sql: &str) -> Vec<String> {
        use sqlx::Row;
        sqlx::any::install_default_drivers();
        let mut connection = <sqlx::AnyConnection as sqlx::Connection>::connect(self.url.as_str())
            .await
            .expect("connect to the test database");
        sqlx::query(sql)
            .fetch_all(&mut connection)
            .await
            .expect("raw query")
            .iter()
            .map(|row| row.try_get::<String, _>(0).expect("a text column"))
            .collect()
    }

    pub async fn store(&self) -> Store {
        self.store_with_clock(Arc::new(SystemClock)).await
    }

    pub async fn store_with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        let store = Store::connect(&self.url, clock, test_data_key())
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        store
    }
}

/// Runs an async test body once on SQLite and once on PostgreSQL (when available).
#[macro_export]
macro_rules! on_both_databases {
    ($sqlite:ident, $postgres:ident, $body:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $body($crate::testing::TestDatabase::sqlite().await).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            if let Some(db) = $crate::testing::TestDatabase::postgres().await {
                $body(db).await;
            }
        }
    };
}

/// A complete application body of POLICY.md §6 for tests: a 67-year-old pensioner in 任城区 on
/// ¥300 a month, applying for 低保 with the household register still to come.
pub fn example_application(phone: &str, emergency: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"applicant":{"name":"张三","id_number":"11010519491231002X","phone":phone,
                        "county":"任城区","address":"任城区某街道 1 号"},
           "submitted_by":{"type":"self"},
           "household":{"area":"urban","members":[{"age":67,"incomes":[{"kind":"pension","monthly":300.0}]}],
               "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1}},
           "programmes":["dibao"],
           "emergency":emergency,
           "consents":{"three_in_one":true,"verification_authorizations":[0],"sensitive_information":true,
                       "public_notice":true},
           "missing_documents":["household_register"]})
}

/// Holds the 一事一议 meeting of a case in deliberation today and keeps its record, as a
/// caseworker does on the case page, so that the case can be decided as the meeting decided.
pub async fn hold_deliberation(
    store: &crate::Store,
    staff: &crate::staff::StaffUser,
    reference: &str,
    decision: crate::deliberations::MeetingDecision,
) {
    let today = casework::beijing_date(store.clock().now());
    store
        .schedule_deliberation(staff, reference, today)
        .await
        .expect("the meeting is scheduled");
    store
        .record_deliberation(
            staff,
            reference,
            &crate::deliberations::MeetingRecord {
                held_on: today,
                members: vec![
                    "王主任（街道民政办）".into(),
                    "李委员（社区居委会）".into(),
                    "赵代表（居民代表）".into(),
                ],
                minutes: "核实了家庭困难情况。".into(),
                decision,
                reason: "家庭确有困难。".into(),
            },
        )
        .await
        .expect("the record is kept");
}
