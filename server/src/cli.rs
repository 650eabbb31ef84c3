//! The `server` command and its subcommands.

use std::io::IsTerminal;
use std::sync::Arc;

use casework::Actor;
use casework::County;
use clap::{Parser, Subcommand};
use store::audit::{AuditHead, AuditRecord, AuditVerification};
use store::staff::second_factor::TotpSecret;
use store::staff::{CreateStaffError, NewPassword, NewStaffUser, Role, Username};
use store::SystemClock;

use crate::application::{self, Application, Options};
use crate::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "server",
    about = "济时救 portal: the web server and its maintenance commands"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Create a staff account. The password is read from PORTAL_NEW_PASSWORD or asked for. The
    /// member sets up an authenticator app at the first sign-in, unless PORTAL_NEW_TOTP_SECRET
    /// gives the account its secret (Base32) already.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// volunteer, caseworker, supervisor or admin
        #[arg(long)]
        role: String,
        /// A county-level area of Jining, by id (rencheng) or name (任城区).
        #[arg(long)]
        county: String,
    },
    /// Create the demo staff accounts for a local trial run, if they are missing, set up with the
    /// public demo authenticator secret, and print them.
    SeedDemo,
    /// Print the current code of an authenticator secret (Base32), as an authenticator app
    /// would show it: the demo accounts' code source, and a check of a provisioned secret.
    TotpCode {
        /// The secret, as `seed-demo` prints it or an app shows it when set up by hand.
        #[arg(long, env = "PORTAL_TOTP_SECRET")]
        secret: String,
    },
    /// Screen a file of households with the eligibility rules, on every core: one POLICY.md §3.5
    /// request per line (optionally with an "id"), one result per line out, in the same order.
    Screen {
        /// The households, as JSON lines.
        #[arg(long)]
        input: std::path::PathBuf,
        /// Where the results go; `-` for standard output.
        #[arg(long, default_value = "-")]
        output: std::path::PathBuf,
        /// Write each household's full check trail instead of the compact outreach row.
        #[arg(long)]
        trail: bool,
    },
    /// Proactive discovery: import department files, screen the register's households, purge
    /// data past the retention limit.
    Discover {
        #[command(subcommand)]
        action: DiscoverCommand,
    },
    /// Recipients after the decision: the month's re-verification against the department data,
    /// and the month's report.
    Recipients {
        #[command(subcommand)]
        action: RecipientsCommand,
    },
    /// The price indices that trigger the price-linkage subsidy (价格临时补贴).
    Prices {
        #[command(subcommand)]
        action: PricesCommand,
    },
    /// Move every sealed column and keyed look-up to a new data key: PORTAL_DATA_KEY is the key in
    /// use, PORTAL_NEW_DATA_KEY the new one. Stop the instances first; restart them with the new
    /// key. An interrupted run is finished by running it again with the same two keys.
    RotateKey {
        /// The new key: 32 random bytes as base64 (e.g. `openssl rand -base64 32`).
        #[arg(long, env = "PORTAL_NEW_DATA_KEY", hide_env_values = true)]
        new_data_key: crate::config::Secret,
        /// Remove unsent application drafts, which cannot be moved to a new key (their links are
        /// stored only as keyed hashes); without it the rotation refuses while any are open.
        #[arg(long)]
        discard_drafts: bool,
    },
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Issue, revoke and list the API keys of partner systems (the 12345 hotline, 爱山东).
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DiscoverCommand {
    /// Import one department file (.csv or .xlsx) of a kind of discovery/files/: each row checked,
    /// bad rows reported with their line and reason; a re-import changes nothing.
    Import {
        /// household_register, deaths, disability, serious_illness, medical_costs, unemployment,
        /// pensions, wages, vehicles, real_estate, business, students or rural_monitoring.
        kind: String,
        file: std::path::PathBuf,
        /// Print the report as one JSON object on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Match, assemble households and screen them; keep the candidates as visit tasks.
    Run {
        /// Print the summary as one JSON object on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Delete imported data past the retention limit (PORTAL_DISCOVERY_RETENTION_DAYS).
    Purge,
}

#[derive(Debug, Subcommand)]
pub enum RecipientsCommand {
    /// Re-check every recipient household against the latest department data: renewed from data
    /// when nothing changed, a warning for a caseworker when something did; pays the month.
    Reverify {
        /// The month, e.g. 2026-12.
        #[arg(long)]
        month: String,
        /// Print the report as one JSON object on standard output.
        #[arg(long)]
        json: bool,
    },
    /// The month's report: renewed, warned, decided, paid.
    Report {
        #[arg(long)]
        month: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Import the published price indices: a JSON list of {"month": "2026-11", "cpi_yoy": 3.6,
    /// "food_cpi_yoy": 5.2} (year-on-year rises in percent, one decimal), checked whole first.
    Import { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Issue a key; it is printed once and only its hash is kept.
    Issue {
        /// Who the key is for, e.g. "12345 热线".
        #[arg(long)]
        name: String,
        /// Applications the partner may send per hour (instead of the per-client allowance).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        submissions_per_hour: u32,
    },
    /// Revoke a key by its id: from then on it answers 401.
    Revoke {
        #[arg(long)]
        id: String,
    },
    /// List the keys: id, name, allowance, issued, revoked.
    List,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit log's hash chain; fails if any entry was changed or deleted, or if the
    /// log ends elsewhere than its head (entries removed from the end).
    Verify {
        /// A head printed earlier by `server audit head` and kept outside the database (COUNT:HASH):
        /// the log must still hold that many entries, the last of them with that hash.
        #[arg(long, value_name = "COUNT:HASH")]
        expect_head: Option<AuditHead>,
    },
    /// Print the head of the audit log (COUNT:HASH) for an operator to keep outside the database.
    Head,
    /// Print the entries, oldest first, one a line: id, time (UTC), actor, action, subject and
    /// detail, separated by tabs.
    List {
        /// Only the entries about this subject (a case reference, a policy, an API key id).
        #[arg(long)]
        subject: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    CreateUser(#[from] CreateStaffError),
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Content(#[from] crate::content::ContentLoadError),
    #[error("{0}")]
    Screen(#[from] crate::screen::ScreenError),
    #[error("invalid standards file: {0}")]
    Standards(String),
    #[error("invalid workflow limits file: {0}")]
    Workflow(String),
    #[error("invalid price file: {0}")]
    Prices(String),
    #[error("referral partners: {0}")]
    Partners(String),
    #[error("PORTAL_PUBLIC_ORIGIN: {0}")]
    PublicOrigin(String),
    #[error("{0}")]
    Rotate(#[from] store::data_keys::RotateError),
    #[error("{0}")]
    OutreachKey(#[from] crate::outreach_keys::OutreachKeyError),
    #[error("{0}")]
    SmsWebhook(#[from] crate::notifications::WebhookSetupError),
    #[error("{0}")]
    ApiKey(#[from] store::api_keys::ApiKeyError),
    #[error("the audit log is broken at entry {entry_id}: {reason}")]
    AuditBroken { entry_id: i64, reason: &'static str },
    #[error("{}", head_mismatch(recorded, found))]
    AuditHead {
        recorded: AuditHead,
        found: AuditHead,
    },
    #[error("the audit log does not hold the head anchored outside the database ({anchored}); it ends at {found}: entries were removed or rewritten since it was anchored")]
    AuditAnchor {
        anchored: AuditHead,
        found: AuditHead,
    },
}

fn head_mismatch(recorded: &AuditHead, found: &AuditHead) -> String {
    if found.entries < recorded.entries {
        format!(
            "the audit log is broken: entries were removed from the end ({} entries, its head records {}; recorded head {recorded})",
            found.entries, recorded.entries
        )
    } else {
        format!(
            "the audit log is broken: its chain ends at {found} but its head records {recorded}"
        )
    }
}

fn invalid(field: &'static str) -> impl FnOnce(String) -> CliError {
    move |reason| CliError::Invalid { field, reason }
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            application::open_store(&config, Arc::new(SystemClock)).await?;
            println!("The database at {} is up to date.", config.database_url);
            Ok(())
        }
        Command::CreateUser {
            username,
            display_name,
            role,
            county,
        } => {
            let new = NewStaffUser {
                username: username
                    .parse::<Username>()
                    .map_err(|e| invalid("--username")(e.to_string()))?,
                display_name,
                role: role
                    .parse::<Role>()
                    .map_err(|e| invalid("--role")(e.to_string()))?,
                county: county
                    .parse::<County>()
                    .map_err(|e| invalid("--county")(e.to_string()))?,
                password: read_new_password()?,
            };
            let store = application::open_store(&config, Arc::new(SystemClock)).await?;
            let secret = match std::env::var("PORTAL_NEW_TOTP_SECRET") {
                Ok(text) if !text.trim().is_empty() => Some(
                    TotpSecret::from_base32(&text)
                        .map_err(|e| invalid("PORTAL_NEW_TOTP_SECRET")(e.to_string()))?,
                ),
                _ => None,
            };
            let user = store.create_staff_user(new).await?;
            if let Some(secret) = &secret {
                store.provision_totp(user.id, secret).await?;
            }
            println!(
                "Created {} ({}, {}).",
                user.username,
                user.role,
                user.county.chinese_name()
            );
            if secret.is_some() {
                println!("The authenticator secret from PORTAL_NEW_TOTP_SECRET is set up.");
            } else {
                println!("They set up an authenticator app when they first sign in.");
            }
            if user.role == Role::Volunteer {
                println!(
                    "The code for the volunteer's badge: {}",
                    store::staff::volunteer_code(user.id)
                );
            }
            Ok(())
        }
        Command::SeedDemo => seed_demo(&config).await,
        Command::TotpCode { secret } => {
            let secret =
                TotpSecret::from_base32(&secret).map_err(|e| invalid("--secret")(e.to_string()))?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let left = store::staff::second_factor::STEP_SECONDS as i64
                - now % store::staff::second_factor::STEP_SECONDS as i64;
            println!("{} (for {left} more seconds)", secret.code_at(now)?);
            Ok(())
        }
        Command::RotateKey {
            new_data_key,
            discard_drafts,
        } => {
            let new = store::DataKey::from_base64(&new_data_key.0)
                .map_err(|e| invalid("PORTAL_NEW_DATA_KEY")(e.to_string()))?;
            let old = config.load_data_key().map_err(store::StoreError::from)?;
            let store = application::open_store_unchecked(&config, Arc::new(SystemClock)).await?;
            let report = store
                .rotate_data_key(&new, discard_drafts, &Actor::system(Actor::CLI))
                .await?;
            // The uploaded files too, wherever they are kept; a re-run skips those already moved.
            let (files_moved, files_done) =
                crate::file_store::reseal_files(&config, &store, &old, &new).await?;
            println!(
                "Uploaded files: {files_moved} moved to the new key, {files_done} already under it or kept unsealed."
            );
            println!(
                "The database is now sealed with key {}: {} applications, {} case messages and {} queued messages moved; {} drafts discarded, {} one-time codes removed. Restart every instance with PORTAL_DATA_KEY set to the new key.",
                new.id(),
                report.applications,
                report.case_messages,
                report.outbox_messages,
                report.drafts_discarded,
                report.one_time_codes_removed
            );
            if report.unreadable_outbox_messages > 0 {
                println!(
                    "{} queued messages open with neither key and were left as they are.",
                    report.unreadable_outbox_messages
                );
            }
            Ok(())
        }
        Command::Audit {
            action: AuditCommand::Verify { expect_head },
        } => verify_audit_log(&config, expect_head.as_ref()).await,
        Command::Audit {
            action: AuditCommand::Head,
        } => {
            let store = application::open_store(&config, Arc::new(SystemClock)).await?;
            println!("{}", store.audit_head().await?);
            Ok(())
        }
        Command::Audit {
            action: AuditCommand::List { subject },
        } => {
            let store = application::open_store(&config, Arc::new(SystemClock)).await?;
            for record in store.audit_records(subject.as_deref()).await? {
                println!("{}", audit_line(&record));
            }
            Ok(())
        }
        Command::ApiKey { action } => api_key(&config, action).await,
        Command::Discover { action } => discover(&config, action).await,
        Command::Recipients { action } => recipients(&config, action).await,
        Command::Prices { action } => prices(&config, action).await,
        Command::Screen {
            input,
            output,
            trail,
        } => {
            // Households are screened as they are today, with today's standards.
            let standards =
                *application::load_standards(&config)?.at(time::OffsetDateTime::now_utc());
            tokio::task::spawn_blocking(move || {
                crate::screen::run_and_report(&standards, &input, &output, trail)
            })
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))??;
            Ok(())
        }
    }
}

fn read_new_password() -> Result<NewPassword, CliError> {
    let password = match std::env::var("PORTAL_NEW_PASSWORD") {
        Ok(password) => password,
        Err(_) if std::io::stdin().is_terminal() => {
            rpassword::prompt_password("Password (12 characters or more): ")?
        }
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    password
        .parse()
        .map_err(|e: store::staff::PasswordError| invalid("password")(e.to_string()))
}

/// Demo accounts for trying the portal locally; never for a real deployment.
const DEMO_ACCOUNTS: [(&str, &str, Role, County); 4] = [
    (
        "demo.volunteer",
        "演示志愿者",
        Role::Volunteer,
        County::Rencheng,
    ),
    (
        "demo.caseworker",
        "演示经办人",
        Role::Caseworker,
        County::Rencheng,
    ),
    (
        "demo.supervisor",
        "演示监督员",
        Role::Supervisor,
        County::Rencheng,
    ),
    ("demo.admin", "演示管理员", Role::Admin, County::Rencheng),
];
const DEMO_PASSWORD: &str = "jishijiu-demo-2026";
/// The demo accounts' authenticator secret. It is public, like the demo password: the demo
/// set-up is for a trial on one's own machine, never for real accounts.
const DEMO_TOTP_SECRET: &str = "JISHIJIUDEMOJISHIJIUDEMOJISHIJIU";

async fn seed_demo(config: &Config) -> Result<(), CliError> {
    let store = application::open_store(config, Arc::new(SystemClock)).await?;
    let secret = TotpSecret::from_base32(DEMO_TOTP_SECRET)
        .map_err(|e| invalid("the demo secret")(e.to_string()))?;
    println!("Demo staff accounts (password for all: {DEMO_PASSWORD}):");
    for (username, display_name, role, county) in DEMO_ACCOUNTS {
        let username: Username = username
            .parse()
            .map_err(|e: store::staff::UsernameError| invalid("username")(e.to_string()))?;
        let user = match store.staff_user_by_name(username.as_str()).await? {
            Some(user) => user,
            None => {
                store
                    .create_staff_user(NewStaffUser {
                        username: username.clone(),
                        display_name: display_name.to_owned(),
                        role,
                        county,
                        password: DEMO_PASSWORD.parse().map_err(
                            |e: store::staff::PasswordError| invalid("password")(e.to_string()),
                        )?,
                    })
                    .await?
            }
        };
        // Demo accounts made before the second factor existed get the demo secret too; one set
        // up by hand since keeps its own.
        if !store.second_factor_enrolled(user.id).await? {
            store.provision_totp(user.id, &secret).await?;
        }
        println!(
            "  {:<16} {:<11} {}",
            username.as_str(),
            role.as_str(),
            county.chinese_name()
        );
    }
    println!(
        "Signing in also asks for a code of an authenticator app. The demo accounts share the \
         public demo secret {} (address {}): type it into any authenticator app, or print the \
         current code with\n  target/release/server totp-code --secret {DEMO_TOTP_SECRET}",
        secret.grouped(),
        secret.otpauth_uri("demo")?
    );
    Ok(())
}

/// A progress bar on standard error.
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new(template: &str) -> Bar {
        let bar = indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(bar)
    }
}

impl crate::discovery::import::Progress for Bar {
    fn rows(&self, read: u64) {
        self.0.set_position(read);
    }
}

impl crate::discovery::run::RunProgress for Bar {
    fn stage(&self, stage: &str, done: u64, total: u64) {
        self.0.set_message(stage.to_owned());
        self.0.set_length(total);
        self.0.set_position(done);
    }
}

async fn discover(config: &Config, action: DiscoverCommand) -> Result<(), CliError> {
    let store = application::open_store(config, Arc::new(SystemClock)).await?;
    let by = Actor::system(Actor::CLI);
    match action {
        DiscoverCommand::Import { kind, file, json } => {
            let kind = discovery::Kind::parse(kind.trim()).ok_or_else(|| CliError::Invalid {
                field: "kind",
                reason: format!(
                    "one of {}",
                    discovery::Kind::ALL
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bar = Bar::new("{spinner} {human_pos:>10} rows {per_sec} {elapsed}");
            let started = std::time::Instant::now();
            let (id, report) =
                crate::discovery::import::import_file(&store, kind, &file, &name, by, &bar)
                    .await
                    .map_err(|e| CliError::Invalid {
                        field: "file",
                        reason: e.to_string(),
                    })?;
            bar.0.finish_and_clear();
            let seconds = started.elapsed().as_secs_f64();
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "import": id, "kind": kind, "rows_read": report.rows_read, "accepted": report.accepted,
                        "refused": report.refused, "unchanged": report.accepted.saturating_sub(report.changed),
                        "changed": report.changed, "repaired": report.repaired,
                        "id_match_rate": report.id_match_rate(), "refused_by_reason": report.refused_by_reason,
                        "file_problem": report.file_problem, "seconds": seconds,
                        "rows_per_second": report.rows_read as f64 / seconds.max(1e-9),
                    })
                );
            } else {
                eprintln!(
                    "Import {id} of {kind}: {} rows read, {} accepted ({} new or changed, {} ID numbers repaired), {} refused; ID match rate {:.1}%; {:.1} s.",
                    report.rows_read, report.accepted, report.changed, report.repaired, report.refused,
                    report.id_match_rate() * 100.0, seconds
                );
                for (reason, n) in &report.refused_by_reason {
                    eprintln!("  refused, {reason}: {n}");
                }
                for (line, field, code) in report.refused_lines.iter().take(20) {
                    eprintln!("  line {line}: {field} {code}");
                }
            }
            if let Some(problem) = report.file_problem {
                return Err(CliError::Invalid {
                    field: "file",
                    reason: problem,
                });
            }
        }
        DiscoverCommand::Run { json } => {
            let bar = Bar::new("{msg:>10} {bar:40} {human_pos}/{human_len} {elapsed}");
            let started = std::time::Instant::now();
            let (id, summary) =
                crate::discovery::run::run(&store, &by, &config.discovery().notices, &bar)
                    .await
                    .map_err(|e| CliError::Invalid {
                        field: "run",
                        reason: e.to_string(),
                    })?;
            bar.0.finish_and_clear();
            let seconds = started.elapsed().as_secs_f64();
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "run": id, "records": summary.records, "persons": summary.persons,
                        "persons_in_households": summary.persons - summary.without_household - summary.died,
                        "households": summary.households, "without_household": summary.without_household,
                        "died": summary.died, "already_known": summary.already_known,
                        "candidates": summary.likely, "saved": summary.saved,
                        "stages": {
                            "read": { "rows": summary.records, "seconds": summary.seconds.get("read") },
                            "screen": { "rows": summary.households, "seconds": summary.seconds.get("screen") },
                            "write": { "rows": summary.likely, "seconds": summary.seconds.get("write") },
                        },
                        "seconds": seconds,
                    })
                );
            } else {
                eprintln!(
                    "Run {id}: {} records of {} people; {} households ({} people in no household, {} died); {} likely eligible ({} already known); {} new visit tasks, {} refreshed, {} not raised again, {} told by SMS; {:.1} s.",
                    summary.records, summary.persons, summary.households, summary.without_household, summary.died,
                    summary.likely, summary.already_known, summary.saved.new, summary.saved.refreshed,
                    summary.saved.suppressed, summary.saved.notified, seconds
                );
            }
        }
        DiscoverCommand::Purge => {
            let purged = store
                .purge_discovery(config.discovery().retention_days)
                .await?;
            eprintln!(
                "Deleted {} department records and erased {} candidates older than {} days.",
                purged.records,
                purged.candidates_erased,
                config.discovery().retention_days
            );
        }
    }
    Ok(())
}

fn month_arg(text: &str) -> Result<casework::YearMonth, CliError> {
    text.trim().parse().map_err(|_| CliError::Invalid {
        field: "month",
        reason: "a month as 2026-12".into(),
    })
}

async fn recipients(config: &Config, action: RecipientsCommand) -> Result<(), CliError> {
    let store = application::open_store(config, Arc::new(SystemClock)).await?;
    let by = Actor::system(Actor::CLI);
    match action {
        RecipientsCommand::Reverify { month, json } => {
            let month = month_arg(&month)?;
            let bar = Bar::new("{msg:>10} {bar:40} {human_pos}/{human_len} {elapsed}");
            let started = std::time::Instant::now();
            let linkage = application::load_linkage_rules(config)?;
            let summary = crate::recipients::reverify_month(&store, &by, month, &linkage, &bar)
                .await
                .map_err(|e| CliError::Invalid {
                    field: "run",
                    reason: e.to_string(),
                })?;
            bar.0.finish_and_clear();
            let seconds = started.elapsed().as_secs_f64();
            let count = &summary.count;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "run": summary.run, "month": month.to_string(), "records": summary.records,
                        "recipients": count.recipients, "renewed": count.renewed, "warned": count.warned,
                        "offered": count.offered, "by_change": count.by_change,
                        "renewal_rate": count.renewal_rate(),
                        "price_subsidies": summary.subsidies.0, "price_subsidies_fen": summary.subsidies.1,
                        "stages": { "read": summary.seconds[0], "check": summary.seconds[1], "write": summary.seconds[2] },
                        "seconds": seconds,
                    })
                );
            } else {
                eprintln!(
                    "Re-verification of {month}: {} recipient households; {} renewed from data alone ({:.1}%), {} warnings for a caseworker, {} transfers offered; {:.1} s.",
                    count.recipients, count.renewed, count.renewal_rate() * 100.0, count.warned, count.offered, seconds
                );
                for (change, n) in &count.by_change {
                    eprintln!("  {change}: {n}");
                }
                if summary.subsidies.0 > 0 {
                    eprintln!(
                        "  price subsidies: {} households, {:.2} yuan in all",
                        summary.subsidies.0,
                        summary.subsidies.1 as f64 / 100.0
                    );
                }
            }
        }
        RecipientsCommand::Report { month } => {
            let month = month_arg(&month)?;
            let report = store.month_report(&month.to_string()).await?;
            println!(
                "{}",
                serde_json::to_string(&report).map_err(|e| CliError::Invalid {
                    field: "report",
                    reason: e.to_string(),
                })?
            );
        }
    }
    Ok(())
}

async fn prices(config: &Config, action: PricesCommand) -> Result<(), CliError> {
    match action {
        PricesCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| CliError::Prices(format!("cannot read {}: {e}", file.display())))?;
            let index = casework::read_price_index(&text)
                .map_err(|e| CliError::Prices(format!("{}: {e}", file.display())))?;
            let linkage = application::load_linkage_rules(config)?;
            let store = application::open_store(config, Arc::new(SystemClock)).await?;
            store
                .import_price_index(index.months(), &Actor::system(Actor::CLI))
                .await
                .map_err(|e| match e {
                    store::recipients::PriceImportError::Store(e) => CliError::from(e),
                    paid => CliError::Prices(format!("{}: {paid}", file.display())),
                })?;
            for month in index.months() {
                let triggers = casework::triggered(linkage.on(month.month.first_day()), month)
                    .map(|t| {
                        format!(
                            "triggers the subsidy ({}, {:.1}%)",
                            t.by.as_str(),
                            f64::from(t.rise_permille) / 10.0
                        )
                    })
                    .unwrap_or_else(|| "under the thresholds".into());
                eprintln!(
                    "{}: CPI {:+.1}%, food {:+.1}%: {triggers}",
                    month.month,
                    f64::from(month.cpi_yoy_permille) / 10.0,
                    f64::from(month.food_cpi_yoy_permille) / 10.0
                );
            }
        }
    }
    Ok(())
}

async fn api_key(config: &Config, action: ApiKeyCommand) -> Result<(), CliError> {
    let store = application::open_store(config, Arc::new(SystemClock)).await?;
    match action {
        ApiKeyCommand::Issue {
            name,
            submissions_per_hour,
        } => {
            let issued = store
                .issue_api_key(&name, submissions_per_hour, &Actor::system(Actor::CLI))
                .await?;
            println!(
                "Issued API key {} for {} ({submissions_per_hour} applications an hour).",
                issued.id,
                name.trim()
            );
            println!("The key (shown only now; give it to the partner over a safe channel):");
            println!("{}", issued.key);
        }
        ApiKeyCommand::Revoke { id } => {
            store
                .revoke_api_key(&id, &Actor::system(Actor::CLI))
                .await?;
            println!("Revoked API key {}.", id.trim());
        }
        ApiKeyCommand::List => {
            let keys = store.api_keys().await?;
            if keys.is_empty() {
                println!("No API keys have been issued.");
            }
            for key in keys {
                let revoked = key
                    .revoked_at
                    .map(|at| format!("revoked {}", at.date()))
                    .unwrap_or_else(|| "active".to_owned());
                println!(
                    "{}  {:<20}  {:>6}/h  issued {}  {revoked}",
                    key.id,
                    key.name,
                    key.submissions_per_hour,
                    key.created_at.date()
                );
            }
        }
    }
    Ok(())
}

/// One entry as `audit list` prints it; an entry from before actors were recorded that names no
/// member of staff shows `-` for its actor.
fn audit_line(record: &AuditRecord) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(record.at)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| record.at.to_string());
    let actor = record
        .actor
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string);
    format!(
        "{}\t{at}\t{actor}\t{}\t{}\t{}",
        record.id, record.action, record.subject, record.detail
    )
}

async fn verify_audit_log(config: &Config, expected: Option<&AuditHead>) -> Result<(), CliError> {
    let store = application::open_store(config, Arc::new(SystemClock)).await?;
    match store.verify_audit_log_against(expected).await? {
        AuditVerification::Intact { entries } => {
            println!("The audit log is intact: {entries} entries, every hash checks out.");
            Ok(())
        }
        AuditVerification::Broken { entry_id, reason } => {
            Err(CliError::AuditBroken { entry_id, reason })
        }
        AuditVerification::HeadMismatch { recorded, found } => {
            Err(CliError::AuditHead { recorded, found })
        }
        AuditVerification::AnchorMismatch { anchored, found } => {
            Err(CliError::AuditAnchor { anchored, found })
        }
    }
}

async fn serve(config: Config) -> Result<(), CliError> {
    let application = Application::build(config, Options::in_service()).await?;
    let address = application.address();
    tracing::info!(%address, database = %application.config().database_url, "serving");
    println!("济时救 portal is running at http://{address}/ (press Ctrl+C to stop)");
    let store = application.state().store.clone();
    application.serve(shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl+C or SIGTERM; in-flight requests then finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
