//! The workflow limits file is checked at start, like the standards: a wrong one stops the server
//! with the file and the field at fault, and nothing is opened.

use crate::common;

fn migrate_with(workflow_file: &std::path::Path, database: &std::path::Path) -> (bool, String) {
    let url = format!("sqlite://{}", database.display());
    let file = workflow_file.display().to_string();
    common::run_server(
        &["migrate"],
        &[("DATABASE_URL", &url), ("PORTAL_WORKFLOW_FILE", &file)],
    )
}

#[test]
fn a_wrong_workflow_file_stops_the_server_and_says_why() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database = dir.path().join("portal.db");
    let sample = include_str!("../../../casework/workflow/sample-2026.json");
    let file = dir.path().join("workflow.json");

    std::fs::write(&file, sample.replace("\"2026-02-14\"", "\"2026-02-21\"")).expect("write");
    let (ok, text) = migrate_with(&file, &database);
    assert!(!ok);
    assert!(text.contains("workflow.json"), "{text}");
    assert!(
        text.contains("2026-02-21 is listed both as a holiday and as a working day"),
        "{text}"
    );
    assert!(!database.exists(), "nothing was opened");

    std::fs::write(&file, sample).expect("write");
    let (ok, text) = migrate_with(&file, &database);
    assert!(ok, "{text}");
}
