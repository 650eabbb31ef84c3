use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL {0:?}: use sqlite://path/to/file.db or postgres://user@host/db"
    )]
    UnsupportedUrl(String),
    #[error("could not create the folder for the SQLite database at {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a stored value is corrupt: {0}")]
    Corrupt(String),
    #[error("background task failed: {0}")]
    Task(String),
    #[error(transparent)]
    DataKey(#[from] crate::sealed::DataKeyError),
    #[error("PORTAL_DATA_KEY is not the key this database was sealed with (the database was sealed with key {sealed_with}; the configured key is {given}). Start with the key the database was sealed with; after `server rotate-key`, that is the new key")]
    WrongDataKey { sealed_with: String, given: String },
}
