//! The `server` command and its subcommands.

use std::io::IsTerminal;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use store::audit::AuditVerification;
use store::staff::{CreateStaffError, NewPassword, NewStaffUser, Role, Username};
use store::{County, SystemClock};

use crate::config::Config;
use crate::router::{self, AppState};

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
    /// Create a staff account. The password is read from PORTAL_NEW_PASSWORD or asked for.
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
    /// Create the demo staff accounts for a local trial run, if they are missing, and print them.
    SeedDemo,
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
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit log's hash chain; fails if any entry was changed or deleted.
    Verify,
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
    #[error("{0}")]
    SmsWebhook(#[from] crate::notifications::WebhookSetupError),
    #[error("the audit log is broken at entry {entry_id}: {reason}")]
    AuditBroken { entry_id: i64, reason: &'static str },
}

fn invalid(field: &'static str) -> impl FnOnce(String) -> CliError {
    move |reason| CliError::Invalid { field, reason }
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            router::open_store(&config, Arc::new(SystemClock)).await?;
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
            let store = router::open_store(&config, Arc::new(SystemClock)).await?;
            let user = store.create_staff_user(new).await?;
            println!(
                "Created {} ({}, {}).",
                user.username,
                user.role,
                user.county.chinese_name()
            );
            Ok(())
        }
        Command::SeedDemo => seed_demo(&config).await,
        Command::Audit {
            action: AuditCommand::Verify,
        } => verify_audit_log(&config).await,
        Command::Screen {
            input,
            output,
            trail,
        } => {
            let standards = router::load_standards(&config)?;
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

async fn seed_demo(config: &Config) -> Result<(), CliError> {
    let store = router::open_store(config, Arc::new(SystemClock)).await?;
    println!("Demo staff accounts (password for all: {DEMO_PASSWORD}):");
    for (username, display_name, role, county) in DEMO_ACCOUNTS {
        let username: Username = username
            .parse()
            .map_err(|e: store::staff::UsernameError| invalid("username")(e.to_string()))?;
        if !store.staff_username_exists(&username).await? {
            store
                .create_staff_user(NewStaffUser {
                    username: username.clone(),
                    display_name: display_name.to_owned(),
                    role,
                    county,
                    password: DEMO_PASSWORD
                        .parse()
                        .map_err(|e: store::staff::PasswordError| {
                            invalid("password")(e.to_string())
                        })?,
                })
                .await?;
        }
        println!(
            "  {:<16} {:<11} {}",
            username.as_str(),
            role.as_str(),
            county.chinese_name()
        );
    }
    Ok(())
}

async fn verify_audit_log(config: &Config) -> Result<(), CliError> {
    let store = router::open_store(config, Arc::new(SystemClock)).await?;
    match store.verify_audit_log().await? {
        AuditVerification::Intact { entries } => {
            println!("The audit log is intact: {entries} entries, every hash checks out.");
            Ok(())
        }
        AuditVerification::Broken { entry_id, reason } => {
            Err(CliError::AuditBroken { entry_id, reason })
        }
    }
}

async fn serve(config: Config) -> Result<(), CliError> {
    let standards = router::load_standards(&config)?;
    let sms = crate::notifications::provider_from(&config)?;
    let store = router::open_store(&config, Arc::new(SystemClock)).await?;
    let handbook = router::load_handbook(&config, &store).await?;
    crate::file_store::check_at_start(&config).await?;
    let state = AppState::new(&config, store.clone(), handbook, standards)?;
    let site_root = config.site_root.clone();
    tokio::task::spawn_blocking(move || match crate::static_files::precompress(&site_root) {
        Ok(n) if n > 0 => tracing::info!(files = n, "compressed the site's files"),
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "could not precompress the site's files; they are compressed per request")
        }
    });
    router::spawn_housekeeping(store.clone(), state.files.clone());
    crate::notifications::spawn_dispatcher(store.clone(), sms);
    let app = router::build_router(router::routes(&state), state, &config);
    let running = router::serve(&config, app, shutdown_signal()).await?;
    tracing::info!(address = %running.address, database = %config.database_url, "serving");
    println!(
        "济时救 portal is running at http://{}/ (press Ctrl+C to stop)",
        running.address
    );
    running
        .task
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))??;
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
