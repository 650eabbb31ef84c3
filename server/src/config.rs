//! Configuration from flags and environment, typed and validated before anything starts.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use store::DatabaseUrl;

use crate::client::TrustedProxies;
use crate::notifications::WebhookUrl;

/// Everything the portal process needs to run. Each field is a flag and an environment variable.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "PORTAL_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// sqlite://path/to/file.db (embedded, the default) or postgres://user:password@host/database.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/portal.db", value_parser = parse_database_url)]
    pub database_url: DatabaseUrl,

    /// Folder of the built site: the WASM, JS and CSS under pkg/, and the public files.
    #[arg(long, env = "PORTAL_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Folder of the handbook content: categories, departments, life situations, policies/.
    #[arg(long, env = "PORTAL_CONTENT_DIR", default_value = "content")]
    pub content_dir: PathBuf,

    /// The year's assistance standards (JSON, as rules/standards/sample-2026.json); without it the
    /// built-in 2026 sample standards apply.
    #[arg(long, env = "PORTAL_STANDARDS_FILE")]
    pub standards_file: Option<PathBuf>,

    /// The workflow's time limits and working-day calendar with the year's public holidays (JSON,
    /// as store/workflow/sample-2026.json); without it the built-in 2026 sample applies.
    #[arg(long, env = "PORTAL_WORKFLOW_FILE")]
    pub workflow_file: Option<PathBuf>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PORTAL_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1024..=64 * 1024 * 1024))]
    pub max_body_bytes: u64,

    /// The key that seals ID numbers, phone numbers and other sensitive columns: 32 bytes as
    /// base64, from the deployment's secret store. Without it the key file below is used (SQLite
    /// only: on PostgreSQL every instance must be given the same key, so it is required).
    #[arg(long, env = "PORTAL_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<Secret>,

    /// Where the data key is kept when PORTAL_DATA_KEY is not given; created on first start.
    /// Back it up: without it the sealed columns cannot be read.
    #[arg(long, env = "PORTAL_DATA_KEY_FILE", default_value = "data/data.key")]
    pub data_key_file: PathBuf,

    /// Folder where uploaded document photos are kept (the local-disk file store).
    #[arg(long, env = "PORTAL_UPLOAD_DIR", default_value = "data/uploads")]
    pub upload_dir: PathBuf,

    /// Largest document photo or PDF accepted, in bytes (after the browser has shrunk a photo).
    #[arg(long, env = "PORTAL_MAX_UPLOAD_BYTES", default_value_t = 10 * 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1024..=64 * 1024 * 1024))]
    pub max_upload_bytes: u64,

    /// Staff sign-in attempts allowed per client address per minute.
    #[arg(long, env = "PORTAL_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub login_attempts_per_minute: u32,

    /// Access-code checks (tracking page and API) allowed per client address per minute.
    #[arg(long, env = "PORTAL_ACCESS_CODE_ATTEMPTS_PER_MINUTE", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub access_code_attempts_per_minute: u32,

    /// The SMS gateway's webhook (http:// or https://). When set, messages are posted there as
    /// JSON; when not, they are only logged (masked, without their text).
    #[arg(long, env = "PORTAL_SMS_WEBHOOK_URL")]
    pub sms_webhook_url: Option<WebhookUrl>,

    /// Sent to the SMS webhook as `Authorization: Bearer …`.
    #[arg(long, env = "PORTAL_SMS_WEBHOOK_TOKEN", hide_env_values = true)]
    pub sms_webhook_token: Option<Secret>,
    /// Requests for and checks of SMS one-time codes (tracking by phone) allowed per client
    /// address per minute; each phone also gets at most 1 code a minute and 5 an hour.
    #[arg(long, env = "PORTAL_OTP_ATTEMPTS_PER_MINUTE", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub otp_attempts_per_minute: u32,

    /// The reverse proxies in front of the portal, as comma-separated networks (10.0.0.0/8,
    /// fd00::/8, 192.0.2.7). Only a request from one of them has its client taken from
    /// X-Forwarded-For (the right-most address that is not itself one of them); empty: none.
    #[arg(long, env = "PORTAL_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,

    /// Failed look-ups of one reference, from any client, allowed per hour; then that reference
    /// answers 429 until the hour is over (the resident can still track by phone).
    #[arg(long, env = "PORTAL_REFERENCE_FAILURES_PER_HOUR", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub reference_failures_per_hour: u32,

    /// Applications without an API key allowed per client address per hour.
    #[arg(long, env = "PORTAL_SUBMISSIONS_PER_HOUR_PER_CLIENT", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub submissions_per_hour_per_client: u32,

    /// Applications allowed per applicant mobile number per day (UTC), whoever sends them.
    #[arg(long, env = "PORTAL_SUBMISSIONS_PER_DAY_PER_PHONE", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub submissions_per_day_per_phone: u32,
}

/// A configured secret: never printed.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl Config {
    /// The data key from the environment, or from its file (created when missing) on SQLite.
    /// On PostgreSQL, where several instances share the database, the key must be configured:
    /// a key file would be made per machine and each instance would seal with its own.
    pub fn load_data_key(&self) -> Result<store::DataKey, store::sealed::DataKeyError> {
        match &self.data_key {
            Some(secret) => store::DataKey::from_base64(&secret.0),
            None if self.database_url.backend() == store::Backend::Postgres => {
                Err(store::sealed::DataKeyError::RequiredForPostgres)
            }
            None => store::DataKey::load_or_create(&self.data_key_file),
        }
    }
}

fn parse_database_url(value: &str) -> Result<DatabaseUrl, String> {
    value.parse().map_err(|e: store::StoreError| e.to_string())
}

impl Config {
    /// A configuration for tests: port 0, the given database, the default limits, except that
    /// applications are not limited (tests submit many from one address with one phone; the
    /// tests of those limits set them).
    pub fn for_tests(database_url: DatabaseUrl) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url,
            site_root: PathBuf::from("target/site"),
            content_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../content")),
            standards_file: None,
            workflow_file: None,
            data_key: None,
            data_key_file: PathBuf::from("data/data.key"),
            upload_dir: std::env::temp_dir().join("portal-test-uploads"),
            max_upload_bytes: 10 * 1024 * 1024,
            max_body_bytes: 2 * 1024 * 1024,
            login_attempts_per_minute: 10,
            access_code_attempts_per_minute: 10,
            sms_webhook_url: None,
            sms_webhook_token: None,
            otp_attempts_per_minute: 10,
            trusted_proxies: TrustedProxies::default(),
            reference_failures_per_hour: 20,
            submissions_per_hour_per_client: 1_000_000,
            submissions_per_day_per_phone: 1_000_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn bad_values_are_refused_with_the_reason() {
        let err = Probe::try_parse_from(["x", "--database-url", "mysql://db"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("sqlite://"), "{err}");
        let err = Probe::try_parse_from(["x", "--addr", "not-an-address"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--addr"), "{err}");
        let err = Probe::try_parse_from(["x", "--max-body-bytes", "10"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--max-body-bytes"), "{err}");
        let err = Probe::try_parse_from(["x", "--sms-webhook-url", "ftp://gateway/sms"])
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("--sms-webhook-url") && err.contains("http://"),
            "{err}"
        );
        let err = Probe::try_parse_from(["x", "--sms-webhook-url", "gateway/sms"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--sms-webhook-url"), "{err}");
        let err = Probe::try_parse_from(["x", "--trusted-proxies", "10.0.0.0/8,proxy"])
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("--trusted-proxies") && err.contains("\"proxy\""),
            "{err}"
        );
    }

    #[test]
    fn trusted_proxies_parse_into_networks() {
        let config = Probe::try_parse_from(["x", "--trusted-proxies", "10.0.0.0/8, ::1"])
            .unwrap()
            .config;
        assert!(config.trusted_proxies.trusts("10.2.3.4".parse().unwrap()));
        assert!(config.trusted_proxies.trusts("::1".parse().unwrap()));
        let none = Probe::try_parse_from(["x"]).unwrap().config;
        assert!(!none.trusted_proxies.trusts("127.0.0.1".parse().unwrap()));
        assert_eq!(none.submissions_per_day_per_phone, 3);
    }

    #[test]
    fn defaults_run_on_embedded_sqlite_at_port_3000() {
        let config = Probe::try_parse_from(["x"]).unwrap().config;
        assert_eq!(config.addr.port(), 3000);
        assert_eq!(config.database_url.sqlite_path(), Some("data/portal.db"));
        assert!(config.sms_webhook_url.is_none(), "the log provider");
    }
}
