//! Uploaded documents against hostile input and across instances: decode bombs refused from
//! their header, decoding bounded per process, files per draft, bytes per draft and uploads per
//! client limited; documents served as sealed-off downloads; files sealed at rest on the disk or
//! in S3; the files of drafts never sent removed with them; and a draft stored with its files or
//! not at all.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::post;
use server::AppState;
use server::Config;
use store::on_both_databases;
use store::testing::TestDatabase;

use crate::common::{location, TestServer, SELF_CHECK_ANSWERS};

/// Where this test's files go: a folder of its own (the default is shared by every test).
struct Files {
    config: Config,
    _dir: tempfile::TempDir,
}

impl Files {
    fn on_disk(db: &TestDatabase) -> Self {
        let dir = tempfile::TempDir::new().expect("a folder for the files");
        let mut config = Config::for_tests(db.url.clone());
        config.upload_dir = dir.path().to_owned();
        Self { config, _dir: dir }
    }

    /// In the test S3 server, under a folder of its own; `None` when there is none.
    fn in_s3(db: &TestDatabase) -> Option<Self> {
        let settings = uploads::testing::test_s3_settings()?;
        let mut files = Self::on_disk(db);
        files.config.upload_url = Some(settings.url);
        files.config.s3_access_key_id = settings.access_key_id.map(server::config::Secret);
        files.config.s3_secret_access_key = settings.secret_access_key.map(server::config::Secret);
        files.config.s3_region = settings.region;
        files.config.s3_endpoint_url = settings.endpoint;
        files.config.s3_allow_http = true;
        Some(files)
    }

    /// What is at rest, unsealed: what a thief of the disk or the bucket gets.
    fn at_rest(&self) -> Arc<dyn uploads::FileStore> {
        server::file_store::backend(&self.config).expect("the file store")
    }

    fn apply(&self, config: &mut Config) {
        let db = config.database_url.clone();
        *config = self.config.clone();
        config.database_url = db;
    }

    /// How many files the local folder holds.
    fn on_disk_count(&self) -> usize {
        fn count(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .map(|e| {
                            let path = e.path();
                            if path.is_dir() {
                                count(&path)
                            } else {
                                1
                            }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        count(&self.config.upload_dir)
    }
}

async fn start(db: TestDatabase, files: &Files, configure: impl FnOnce(&mut Config)) -> TestServer {
    TestServer::start_with_config(db, |config| {
        files.apply(config);
        configure(config);
    })
    .await
}

/// A new draft; its path `/apply/{token}`.
async fn new_draft(server: &TestServer) -> String {
    let who = location(
        &server
            .post_form("/apply/start", &[("answers", SELF_CHECK_ANSWERS)], None)
            .await,
    )
    .expect("the first page");
    who.trim_end_matches("/who").to_owned()
}

fn token_of(draft: &str) -> store::DraftToken {
    draft
        .trim_start_matches("/apply/")
        .parse()
        .expect("a token")
}

/// Answers every page of a draft up to its last ("check") page, and returns that page.
async fn fill_in(server: &TestServer, draft: &str) -> String {
    server
        .fill_in_application(&format!("{draft}/who"), "13800138000")
        .await
}

/// A multipart upload of one file to a draft, as a browser without JS sends it.
async fn upload(server: &TestServer, draft: &str, bytes: Vec<u8>) -> reqwest::Response {
    post_file(
        &server.client,
        &server.url(&format!("{draft}/upload")),
        server.origin(),
        bytes,
    )
    .await
}

async fn post_file(
    client: &reqwest::Client,
    url: &str,
    origin: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("document", "id_card")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name("photo.png"),
        );
    client
        .post(url)
        .header("origin", origin)
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn uploaded(server: &TestServer, draft: &str) -> usize {
    server
        .store
        .draft_uploads(&token_of(draft))
        .await
        .expect("uploads")
        .len()
}

// ---- decode bombs ----

async fn parallel_decode_bombs_all_get_the_refusal_page(db: TestDatabase) {
    let files = Files::on_disk(&db);
    let server = start(db, &files, |_| {}).await;
    let draft = new_draft(&server).await;
    let bomb = uploads::testing::flat_png(7000, 7000);

    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let client = server.client.clone();
            let url = server.url(&format!("{draft}/upload"));
            let origin = server.origin().to_owned();
            let bomb = bomb.clone();
            tokio::spawn(async move {
                let response = post_file(&client, &url, &origin, bomb).await;
                (
                    response.status().as_u16(),
                    response.text().await.expect("page"),
                )
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("an answer"));
    }

    for (status, page) in answers {
        assert_eq!(status, 422);
        assert!(
            page.contains("data-problem=\"too_many_pixels\""),
            "the refusal says why, and what to do"
        );
    }
    assert_eq!(uploaded(&server, &draft).await, 0);
    assert_eq!(files.on_disk_count(), 0, "nothing was stored");
}
on_both_databases!(
    decode_bombs_sqlite,
    decode_bombs_postgres,
    parallel_decode_bombs_all_get_the_refusal_page
);

/// Takes every decoding slot of the server and never gives them back.
async fn hold_decodes(State(state): State<AppState>) -> &'static str {
    let slots = u32::try_from(state.decodes.available_permits()).unwrap_or(u32::MAX);
    if let Ok(permits) = state.decodes.clone().acquire_many_owned(slots).await {
        std::mem::forget(permits);
    }
    "held"
}

async fn an_upload_that_finds_no_decoding_slot_is_told_the_system_is_busy(db: TestDatabase) {
    let files = Files::on_disk(&db);
    let server = TestServer::start_configured(
        db,
        |config| {
            files.apply(config);
            config.upload_decodes = Some(1);
            config.upload_decode_wait_seconds = 1;
        },
        |routes| routes.route("/test/hold-decodes", post(hold_decodes)),
    )
    .await;
    let draft = new_draft(&server).await;
    let held = server.post_form("/test/hold-decodes", &[], None).await;
    assert_eq!(held.status(), 200);

    let busy = upload(&server, &draft, crate::common::png(40, 30)).await;

    assert_eq!(busy.status(), 503);
    let page = busy.text().await.expect("page");
    assert!(page.contains("data-error=\"busy\""), "{page}");
    assert_eq!(uploaded(&server, &draft).await, 0);
}
on_both_databases!(
    busy_sqlite,
    busy_postgres,
    an_upload_that_finds_no_decoding_slot_is_told_the_system_is_busy
);

// ---- limits per draft and per client ----

async fn the_21st_file_of_a_draft_is_refused_with_its_message(db: TestDatabase) {
    let files = Files::on_disk(&db);
    let server = start(db, &files, |_| {}).await;
    let draft = new_draft(&server).await;
    for _ in 0..20 {
        assert_eq!(
            upload(&server, &draft, crate::common::png(40, 30))
                .await
                .status(),
            303
        );
    }

    let refused = upload(&server, &draft, crate::common::png(40, 30)).await;

    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("page")
        .contains("data-problem=\"too_many_files\""));
    assert_eq!(uploaded(&server, &draft).await, 20);
    assert_eq!(files.on_disk_count(), 20);
}
on_both_databases!(
    twenty_files_sqlite,
    twenty_files_postgres,
    the_21st_file_of_a_draft_is_refused_with_its_message
);

async fn a_file_over_the_drafts_quota_is_refused_and_not_kept(db: TestDatabase) {
    let files = Files::on_disk(&db);
    // The smallest quota there is; a tiny photo fits, one with 30,000 varied pixels does not.
    let server = start(db, &files, |config| config.upload_quota_bytes = 1024).await;
    let draft = new_draft(&server).await;
    assert_eq!(
        upload(&server, &draft, crate::common::png(4, 3))
            .await
            .status(),
        303
    );

    let refused = upload(&server, &draft, crate::common::png(200, 150)).await;

    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("page")
        .contains("data-problem=\"over_quota\""));
    assert_eq!(uploaded(&server, &draft).await, 1);
    assert_eq!(
        files.on_disk_count(),
        1,
        "the refused file was removed again"
    );
}
on_both_databases!(
    quota_sqlite,
    quota_postgres,
    a_file_over_the_drafts_quota_is_refused_and_not_kept
);

async fn a_client_gets_so_many_uploads_an_hour_across_drafts(db: TestDatabase) {
    let files = Files::on_disk(&db);
    let server = start(db, &files, |config| config.uploads_per_client_per_hour = 2).await;
    let first = new_draft(&server).await;
    let second = new_draft(&server).await;
    assert_eq!(
        upload(&server, &first, crate::common::png(20, 15))
            .await
            .status(),
        303
    );
    assert_eq!(
        upload(&server, &second, crate::common::png(20, 15))
            .await
            .status(),
        303
    );

    let refused = upload(&server, &second, crate::common::png(20, 15)).await;

    assert_eq!(refused.status(), 429);
    assert!(refused
        .text()
        .await
        .expect("page")
        .contains("data-problem=\"too_many_from_client\""));
    server.clock.advance(time::Duration::minutes(61));
    assert_eq!(
        upload(&server, &second, crate::common::png(20, 15))
            .await
            .status(),
        303
    );
}
on_both_databases!(
    per_client_sqlite,
    per_client_postgres,
    a_client_gets_so_many_uploads_an_hour_across_drafts
);

// ---- documents served, sealed at rest ----

/// A draft with a photo and a PDF, sent; the case's reference and a caseworker's session.
async fn sent_with_files(server: &TestServer) -> (String, String, Vec<u8>) {
    let draft = new_draft(server).await;
    let photo = crate::common::png(40, 30);
    assert_eq!(upload(server, &draft, photo.clone()).await.status(), 303);
    assert_eq!(upload(server, &draft, PDF.to_vec()).await.status(), 303);
    let check = fill_in(server, &draft).await;
    server.answer(&check, &[]).await;
    let reference = server
        .store
        .application_references()
        .await
        .expect("list")
        .pop()
        .expect("the application");
    let caseworker = server
        .staff_session(
            "wang.li",
            store::staff::Role::Caseworker,
            casework::County::Rencheng,
        )
        .await;
    (reference, caseworker, photo)
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn documents_are_downloaded_never_opened_in_the_portal(db: TestDatabase) {
    let files = Files::on_disk(&db);
    let server = start(db, &files, |_| {}).await;
    let (reference, caseworker, _) = sent_with_files(&server).await;

    for (n, content_type, extension) in [(1, "image/png", "png"), (2, "application/pdf", "pdf")] {
        let file = server
            .get_with_cookie(
                &format!("/staff/cases/{reference}/uploads/{n}"),
                &caseworker,
            )
            .await;
        assert_eq!(file.status(), 200);
        assert_eq!(header(&file, "content-type"), content_type);
        assert_eq!(
            header(&file, "content-disposition"),
            format!("attachment; filename=\"{reference}-{n}.{extension}\"")
        );
        assert_eq!(header(&file, "x-content-type-options"), "nosniff");
        assert_eq!(header(&file, "cache-control"), "no-store");
        let csp = header(&file, "content-security-policy");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("sandbox"),
            "{csp}"
        );
    }
    let pdf = server
        .get_with_cookie(&format!("/staff/cases/{reference}/uploads/2"), &caseworker)
        .await
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(pdf.as_ref(), PDF, "a PDF is kept as uploaded");
}
on_both_databases!(
    served_sqlite,
    served_postgres,
    documents_are_downloaded_never_opened_in_the_portal
);

async fn files_are_sealed_at_rest_and_open_for_staff(db: TestDatabase, files: Files) {
    let server = start(db, &files, |_| {}).await;
    let (reference, caseworker, _) = sent_with_files(&server).await;
    let at_rest = files.at_rest();

    let kept = server
        .store
        .case_uploads(&reference)
        .await
        .expect("uploads");
    assert_eq!(kept.len(), 2);
    let mut served = Vec::new();
    for (i, upload) in kept.iter().enumerate() {
        let key: uploads::StorageKey = upload.storage_key.parse().expect("a key");
        let stored = at_rest.get(&key).await.expect("the stored file");
        let file = server
            .get_with_cookie(
                &format!("/staff/cases/{reference}/uploads/{}", i + 1),
                &caseworker,
            )
            .await
            .bytes()
            .await
            .expect("bytes")
            .to_vec();
        assert!(
            !stored
                .windows(file.len().min(16))
                .any(|w| w == &file[..file.len().min(16)]),
            "the stored bytes do not hold the file's"
        );
        assert!(
            image::guess_format(&stored).is_err(),
            "not an image at rest"
        );
        assert!(!stored.starts_with(b"%PDF"), "not a PDF at rest");
        served.push(file);
    }
    let photo = image::load_from_memory(&served[0]).expect("the photo opens");
    assert_eq!((photo.width(), photo.height()), (40, 30));
    assert_eq!(served[1], PDF);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_sealed_on_disk() {
    let db = TestDatabase::sqlite().await;
    let files = Files::on_disk(&db);
    files_are_sealed_at_rest_and_open_for_staff(db, files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_sealed_in_s3() {
    let db = TestDatabase::sqlite().await;
    if let Some(files) = Files::in_s3(&db) {
        files_are_sealed_at_rest_and_open_for_staff(db, files).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_sealed_in_s3_over_postgres() {
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    if let Some(files) = Files::in_s3(&db) {
        files_are_sealed_at_rest_and_open_for_staff(db, files).await;
    }
}

async fn a_file_kept_before_sealing_still_opens(db: TestDatabase) {
    let files = Files::on_disk(&db);
    let server = start(db, &files, |_| {}).await;
    let (reference, caseworker, _) = sent_with_files(&server).await;
    let kept = server
        .store
        .case_uploads(&reference)
        .await
        .expect("uploads");
    let key: uploads::StorageKey = kept[1].storage_key.parse().expect("a key");
    // As the local disk store kept files before they were sealed.
    files.at_rest().put(&key, PDF).await.expect("a plain file");

    let file = server
        .get_with_cookie(&format!("/staff/cases/{reference}/uploads/2"), &caseworker)
        .await;

    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), PDF);
}
on_both_databases!(
    plain_sqlite,
    plain_postgres,
    a_file_kept_before_sealing_still_opens
);

// ---- stale drafts ----

async fn a_stale_drafts_files_are_deleted_from_the_store(db: TestDatabase) {
    let files = Files::on_disk(&db);
    let server = start(db, &files, |_| {}).await;
    let stale = new_draft(&server).await;
    assert_eq!(
        upload(&server, &stale, crate::common::png(40, 30))
            .await
            .status(),
        303
    );
    assert_eq!(upload(&server, &stale, PDF.to_vec()).await.status(), 303);
    assert_eq!(files.on_disk_count(), 2);
    server.clock.advance(time::Duration::days(31));
    let fresh = new_draft(&server).await;
    assert_eq!(
        upload(&server, &fresh, crate::common::png(40, 30))
            .await
            .status(),
        303
    );

    let removed =
        server::document_upload::remove_stale_drafts(&server.store, files.at_rest().as_ref())
            .await
            .expect("housekeeping");

    assert_eq!(removed, (1, 2));
    assert_eq!(
        files.on_disk_count(),
        1,
        "only the fresh draft's file is left"
    );
    assert_eq!(uploaded(&server, &fresh).await, 1);
    assert_eq!(server.get(&format!("{stale}/who")).await.status(), 404);
}
on_both_databases!(
    stale_sqlite,
    stale_postgres,
    a_stale_drafts_files_are_deleted_from_the_store
);

// ---- a draft stored with its files or not at all ----

async fn break_upload_updates(db: &TestDatabase) {
    match db.url.backend() {
        store::Backend::Sqlite => {
            db.execute_raw(
                "CREATE TRIGGER no_attach BEFORE UPDATE ON uploads BEGIN SELECT RAISE(ABORT, 'attach failed'); END;",
            )
            .await
        }
        store::Backend::Postgres => {
            db.execute_raw(
                "CREATE FUNCTION no_attach() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'attach failed'; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER no_attach BEFORE UPDATE ON uploads FOR EACH ROW EXECUTE FUNCTION no_attach();",
            )
            .await
        }
    }
}

async fn mend_upload_updates(db: &TestDatabase) {
    match db.url.backend() {
        store::Backend::Sqlite => db.execute_raw("DROP TRIGGER no_attach").await,
        store::Backend::Postgres => db.execute_raw("DROP TRIGGER no_attach ON uploads").await,
    }
}

async fn a_submission_whose_files_fail_to_attach_is_not_sent(db: TestDatabase) {
    let files = Files::on_disk(&db);
    let server = start(db, &files, |_| {}).await;
    let draft = new_draft(&server).await;
    assert_eq!(
        upload(&server, &draft, crate::common::png(40, 30))
            .await
            .status(),
        303
    );
    let check = fill_in(&server, &draft).await;
    break_upload_updates(&server.db).await;

    let failed = server.post_form(&check, &[], None).await;

    assert_eq!(failed.status(), 503);
    assert!(server
        .store
        .application_references()
        .await
        .expect("list")
        .is_empty());
    // The draft is not marked sent: its last page is still there to send it again.
    let page = server.get(&check).await;
    assert_eq!(page.status(), 200, "not sent: {:?}", location(&page));

    mend_upload_updates(&server.db).await;
    let done = server.answer(&check, &[]).await;
    assert!(done.ends_with("/done"));
    let references = server.store.application_references().await.expect("list");
    assert_eq!(references.len(), 1);
    let linked = server
        .store
        .case_uploads(&references[0])
        .await
        .expect("uploads");
    assert_eq!(linked.len(), 1, "the photo came with the application");
}
on_both_databases!(
    attach_sqlite,
    attach_postgres,
    a_submission_whose_files_fail_to_attach_is_not_sent
);
