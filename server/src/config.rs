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
    /// as casework/workflow/sample-2026.json); without it the built-in 2026 sample applies.
    #[arg(long, env = "PORTAL_WORKFLOW_FILE")]
    pub workflow_file: Option<PathBuf>,

    /// The price-linkage rules (JSON, as casework/data/price-linkage-sample.json: thresholds,
    /// covered programmes, the subsidy's basis, each from the date it takes effect); without it
    /// the built-in national sample applies.
    #[arg(long, env = "PORTAL_PRICE_LINKAGE_FILE")]
    pub price_linkage_file: Option<PathBuf>,

    /// The directory of referral partners (JSON, as casework/data/partners-sample.json: the
    /// funds, charities, village funds and departments caseworkers refer families to, each with
    /// what it covers, its contact and the days it has to answer); without it the sample applies.
    #[arg(long, env = "PORTAL_PARTNERS_FILE")]
    pub partners_file: Option<PathBuf>,

    /// The portal's address as staff reach it (`https://jsj.example.gov.cn`, no path). With it,
    /// staff may add passkeys (WebAuthn), which are bound to this address; without it the
    /// authenticator app's codes are the only second factor.
    #[arg(long, env = "PORTAL_PUBLIC_ORIGIN")]
    pub public_origin: Option<String>,

    /// Whether volunteers need a second factor to sign in: `required` (the default, as for
    /// every other role) or `optional` (volunteers on shared phones sign in with a password
    /// alone; they may still set up an app). No other role can be relaxed.
    #[arg(long, env = "PORTAL_VOLUNTEER_SECOND_FACTOR", default_value = "required",
          value_parser = ["required", "optional"])]
    pub volunteer_second_factor: String,

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

    /// The bureau's outreach key, which volunteers' phones seal finished applications to (and
    /// from which the receipt signing key is derived): a PKCS#8 PEM RSA private key (3072 bits),
    /// from the deployment's secret store; newlines may be written as \n. Every instance must
    /// be given the same one. Without it the key file below is used.
    #[arg(long, env = "PORTAL_OUTREACH_KEY", hide_env_values = true)]
    pub outreach_key: Option<Secret>,

    /// Where the outreach key is kept when PORTAL_OUTREACH_KEY is not given; created with a new
    /// RSA-3072 key on first start. Back it up: records sealed to it open only with it.
    #[arg(
        long,
        env = "PORTAL_OUTREACH_KEY_FILE",
        default_value = "data/outreach.key"
    )]
    pub outreach_key_file: PathBuf,

    /// 主动告知: tell each new discovery candidate household by SMS what help may exist, how to
    /// apply and how to stop these messages (the bureau's choice; off unless `on`).
    #[arg(long, env = "PORTAL_DISCOVERY_SMS", default_value = "off", value_parser = ["on", "off"])]
    pub discovery_sms: String,

    /// Working days within which a discovery candidate household is to be visited.
    #[arg(long, env = "PORTAL_DISCOVERY_VISIT_WORKING_DAYS", default_value_t = 10,
          value_parser = clap::value_parser!(i64).range(1..=60))]
    pub discovery_visit_working_days: i64,

    /// Largest department file a member of staff may upload on /staff/discovery, in megabytes
    /// (the command line has no limit).
    #[arg(long, env = "PORTAL_DISCOVERY_MAX_UPLOAD_MB", default_value_t = 200,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub discovery_max_upload_mb: u64,

    /// Days imported department data are kept (PIPL Art. 19, 47): records are deleted this long
    /// after they last arrived, and visited candidates' personal details are erased.
    #[arg(long, env = "PORTAL_DISCOVERY_RETENTION_DAYS", default_value_t = 180,
          value_parser = clap::value_parser!(i64).range(1..=3650))]
    pub discovery_retention_days: i64,

    /// Folder where uploaded document photos are kept (the local-disk file store).
    #[arg(long, env = "PORTAL_UPLOAD_DIR", default_value = "data/uploads")]
    pub upload_dir: PathBuf,

    /// Keep uploaded files in an S3-compatible object store instead of PORTAL_UPLOAD_DIR:
    /// s3://bucket/folder (AWS S3, the government cloud's OSS, MinIO). Required for several
    /// instances: each sees the files the others stored.
    #[arg(long, env = "PORTAL_UPLOAD_URL", value_parser = parse_upload_url)]
    pub upload_url: Option<uploads::S3Url>,

    /// The object store's access key id (with PORTAL_UPLOAD_URL).
    #[arg(long, env = "AWS_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<Secret>,

    /// The object store's secret access key (with PORTAL_UPLOAD_URL), from the secret store.
    #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<Secret>,

    /// The object store's region (with PORTAL_UPLOAD_URL); us-east-1 when unset.
    #[arg(long, env = "AWS_REGION")]
    pub s3_region: Option<String>,

    /// The object store's address when it is not AWS (MinIO, OSS): https://host[:port].
    #[arg(long, env = "AWS_ENDPOINT_URL", value_parser = parse_endpoint_url)]
    pub s3_endpoint_url: Option<String>,

    /// Allow an http:// object store address (a store on the same machine or a test server).
    #[arg(long, env = "AWS_ALLOW_HTTP")]
    pub s3_allow_http: bool,

    /// How many uploaded photos are decoded at once in this process (each may take up to
    /// ~200 MB); the rest wait. Defaults to the number of CPU cores.
    #[arg(long, env = "PORTAL_UPLOAD_DECODES",
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub upload_decodes: Option<u32>,

    /// How long an upload waits for a decoding slot before the resident is told the system is
    /// busy (503), in seconds.
    #[arg(long, env = "PORTAL_UPLOAD_DECODE_WAIT_SECONDS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub upload_decode_wait_seconds: u64,

    /// Files one application draft may hold; also the files one case may get from its to-do list.
    #[arg(long, env = "PORTAL_UPLOADS_PER_DRAFT", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=500))]
    pub uploads_per_draft: u32,

    /// Stored bytes one draft may hold (and one case's to-do list uploads), after re-encoding.
    #[arg(long, env = "PORTAL_UPLOAD_QUOTA_BYTES", default_value_t = 30 * 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1024..=4 * 1024 * 1024 * 1024))]
    pub upload_quota_bytes: u64,

    /// Uploads one client address may begin per hour (refused ones included), counted in the
    /// database so that every instance shares the allowance.
    #[arg(long, env = "PORTAL_UPLOADS_PER_CLIENT_PER_HOUR", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub uploads_per_client_per_hour: u32,

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

    /// How long an instance's claim on a batch of SMS holds (seconds). A dispatcher that dies
    /// mid-batch leaves its messages to the other instances after this; at least twice the
    /// webhook's 10 s timeout, since a batch stops starting sends at half of it.
    #[arg(long, env = "PORTAL_SMS_LEASE_SECONDS", default_value_t = crate::notifications::LEASE_SECONDS,
          value_parser = clap::value_parser!(i64).range(30..=3600))]
    pub sms_lease_seconds: i64,

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

    /// Outreach records one volunteer account may sync per hour (POST /outreach/sync), instead
    /// of the per-client allowance: a phone sends a day's records at once, and the volunteers of
    /// one event often share one network.
    #[arg(long, env = "PORTAL_OUTREACH_SYNCS_PER_HOUR_PER_VOLUNTEER", default_value_t = 120,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub outreach_syncs_per_hour_per_volunteer: u32,

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
    /// The bureau's discovery settings.
    pub fn discovery(&self) -> crate::discovery::DiscoverySettings {
        crate::discovery::DiscoverySettings {
            notices: store::discovery::NoticeSettings {
                sms: self.discovery_sms == "on",
                visit_days: self.discovery_visit_working_days,
            },
            retention_days: self.discovery_retention_days,
        }
    }

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

impl Config {
    /// The outreach keys from the environment, or from their file (created when missing).
    pub fn load_outreach_keys(
        &self,
    ) -> Result<crate::outreach_keys::OutreachKeys, crate::outreach_keys::OutreachKeyError> {
        match &self.outreach_key {
            Some(secret) => {
                crate::outreach_keys::OutreachKeys::from_pkcs8_pem(&secret.0.replace("\\n", "\n"))
            }
            None => crate::outreach_keys::OutreachKeys::load_or_create(&self.outreach_key_file),
        }
    }
}

fn parse_upload_url(value: &str) -> Result<uploads::S3Url, String> {
    value
        .parse()
        .map_err(|e: uploads::InvalidS3Url| e.to_string())
}

fn parse_endpoint_url(value: &str) -> Result<String, String> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or(
            "the object store address must start with https:// (or http:// with AWS_ALLOW_HTTP)",
        )?;
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
        return Err("the object store address is https://host[:port], without a path".to_owned());
    }
    Ok(value.trim_end_matches('/').to_owned())
}

impl Config {
    /// How to reach the object store, when PORTAL_UPLOAD_URL names one; the settings that
    /// only make sense together are checked here, at start.
    pub fn s3_settings(&self) -> Result<Option<uploads::S3Settings>, String> {
        let Some(url) = &self.upload_url else {
            return Ok(None);
        };
        let secret = |s: &Option<Secret>| s.as_ref().map(|s| s.0.clone());
        let access_key_id = secret(&self.s3_access_key_id);
        let secret_access_key = secret(&self.s3_secret_access_key);
        if access_key_id.is_some() != secret_access_key.is_some() {
            return Err(
                "set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither".to_owned(),
            );
        }
        let endpoint = self.s3_endpoint_url.clone();
        if endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"))
            && !self.s3_allow_http
        {
            return Err(
                "AWS_ENDPOINT_URL is http://: set AWS_ALLOW_HTTP=true if that is meant (files travel unencrypted in transit, though sealed)"
                    .to_owned(),
            );
        }
        Ok(Some(uploads::S3Settings {
            url: url.clone(),
            access_key_id,
            secret_access_key,
            region: self.s3_region.clone(),
            endpoint,
            allow_http: self.s3_allow_http,
        }))
    }

    /// What one draft (and one case's to-do list) may hold.
    pub fn upload_allowance(&self) -> store::UploadAllowance {
        store::UploadAllowance {
            max_files: i64::from(self.uploads_per_draft),
            max_bytes: i64::try_from(self.upload_quota_bytes).unwrap_or(i64::MAX),
        }
    }

    /// How many photos are decoded at once: as configured, or one per CPU core.
    pub fn decode_slots(&self) -> usize {
        match self.upload_decodes {
            Some(n) => usize::try_from(n).unwrap_or(1),
            None => std::thread::available_parallelism().map_or(2, usize::from),
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
            price_linkage_file: None,
            partners_file: None,
            volunteer_second_factor: "required".into(),
            public_origin: None,
            discovery_sms: "off".into(),
            discovery_visit_working_days: 10,
            discovery_retention_days: 180,
            discovery_max_upload_mb: 200,
            data_key: None,
            data_key_file: PathBuf::from("data/data.key"),
            outreach_key: None,
            // One fixed key for every test: making an RSA-3072 key unoptimised takes long.
            outreach_key_file: PathBuf::from(crate::outreach_keys::TEST_KEY_FILE),
            upload_dir: std::env::temp_dir().join("portal-test-uploads"),
            upload_url: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_region: None,
            s3_endpoint_url: None,
            s3_allow_http: false,
            upload_decodes: Some(2),
            upload_decode_wait_seconds: 20,
            uploads_per_draft: 20,
            upload_quota_bytes: 30 * 1024 * 1024,
            uploads_per_client_per_hour: 100,
            max_upload_bytes: 10 * 1024 * 1024,
            max_body_bytes: 2 * 1024 * 1024,
            // Tests sign several accounts in from one address within a minute, two posts each
            // (password and code); the throttle's own tests set the production default.
            login_attempts_per_minute: 40,
            access_code_attempts_per_minute: 10,
            sms_webhook_url: None,
            sms_webhook_token: None,
            otp_attempts_per_minute: 10,
            sms_lease_seconds: crate::notifications::LEASE_SECONDS,
            trusted_proxies: TrustedProxies::default(),
            reference_failures_per_hour: 20,
            submissions_per_hour_per_client: 1_000_000,
            submissions_per_day_per_phone: 1_000_000,
            outreach_syncs_per_hour_per_volunteer: 120,
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
        assert_eq!(none.outreach_syncs_per_hour_per_volunteer, 120);
    }

    #[test]
    fn object_store_settings_are_checked_at_start() {
        let err = Probe::try_parse_from(["x", "--upload-url", "https://bucket/x"])
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("--upload-url") && err.contains("s3://"),
            "{err}"
        );
        let err = Probe::try_parse_from(["x", "--s3-endpoint-url", "ftp://minio:9000"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--s3-endpoint-url"), "{err}");

        let plain_http = Probe::try_parse_from([
            "x",
            "--upload-url",
            "s3://portal/jining",
            "--s3-endpoint-url",
            "http://127.0.0.1:9000",
        ])
        .unwrap()
        .config;
        assert!(plain_http
            .s3_settings()
            .unwrap_err()
            .contains("AWS_ALLOW_HTTP"));
        let half_credentials = Probe::try_parse_from([
            "x",
            "--upload-url",
            "s3://portal/jining",
            "--s3-access-key-id",
            "AKIA",
        ])
        .unwrap()
        .config;
        assert!(half_credentials
            .s3_settings()
            .unwrap_err()
            .contains("AWS_SECRET_ACCESS_KEY"));
        let allowed = Probe::try_parse_from([
            "x",
            "--upload-url",
            "s3://portal/jining",
            "--s3-endpoint-url",
            "http://127.0.0.1:9000/",
            "--s3-allow-http",
        ])
        .unwrap()
        .config;
        let settings = allowed.s3_settings().unwrap().unwrap();
        assert_eq!(settings.url.bucket(), "portal");
        assert_eq!(settings.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
    }

    #[test]
    fn defaults_run_on_embedded_sqlite_at_port_3000() {
        let config = Probe::try_parse_from(["x"]).unwrap().config;
        assert_eq!(config.addr.port(), 3000);
        assert_eq!(config.database_url.sqlite_path(), Some("data/portal.db"));
        assert!(config.sms_webhook_url.is_none(), "the log provider");
        assert!(config.upload_url.is_none(), "files on the local disk");
        assert!(config.s3_settings().unwrap().is_none());
        assert_eq!(config.upload_allowance(), store::UploadAllowance::default());
    }
}
