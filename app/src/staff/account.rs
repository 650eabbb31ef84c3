//! `/staff/account`: the signed-in member's own account: the second factor and its recovery
//! codes, changing the password (the current one and a code asked for), and the open sign-ins
//! with their device and time, any of which can be ended. The server prepares the page
//! (`server/src/staff_account.rs`); every form is a plain post.

use leptos::prelude::*;
use leptos_meta::Title;

use super::login::{
    code_field, new_password_fields, problem_summary, problem_text, recovery_codes_view,
    sign_in_field,
};
use crate::i18n::{format_date_time, tr, Lang};
use crate::preferences::use_prefs;

pub const ACCOUNT_PAGE: &str = "/staff/account";
pub const CHANGE_PASSWORD: &str = "/staff/account/password";
pub const NEW_RECOVERY_CODES: &str = "/staff/account/recovery-codes";
/// `POST /staff/account/sessions/{id}/end` ends one sign-in.
pub const SESSIONS: &str = "/staff/account/sessions";

/// One open sign-in.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: String,
    /// Unix seconds.
    pub started: i64,
    pub last_seen: i64,
    pub client: String,
    pub device: String,
    /// The sign-in of the browser looking at the page.
    pub this_one: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountPage {
    pub display_name: String,
    pub username: String,
    pub role: String,
    pub county: String,
    /// When the authenticator app was set up (unix seconds), if it is.
    pub enrolled: Option<i64>,
    pub recovery_left: i64,
    pub sessions: Vec<SessionRow>,
    /// A refused form: which (`password` or `recovery`) and the problem code.
    pub refused: Option<(String, String)>,
    /// What was just done (a stable code), for the notice.
    pub done: Option<String>,
    /// New recovery codes, shown this once.
    pub recovery_codes: Option<Vec<String>>,
    /// The member's passkeys, when the portal offers them.
    pub passkeys: Option<Vec<PasskeyRow>>,
}

/// One passkey of the member.
#[derive(Debug, Clone, PartialEq)]
pub struct PasskeyRow {
    pub id: String,
    pub name: String,
    /// Unix seconds.
    pub added: i64,
    pub last_used: Option<i64>,
}

/// Where the browser's script registers a new passkey (`public/passkey.js`).
pub const PASSKEY_OPTIONS: &str = "/staff/account/passkeys/options";
pub const PASSKEYS: &str = "/staff/account/passkeys";

/// The forms of the page, as `AccountPage::refused` names them.
pub mod account_form {
    pub const PASSWORD: &str = "password";
    pub const RECOVERY: &str = "recovery";
}

fn done_text(lang: Lang, code: &str) -> &'static str {
    match code {
        "password_changed" => tr::account_done_password(lang),
        "session_ended" => tr::account_done_session(lang),
        "passkey_added" => tr::passkey_added(lang),
        "passkey_removed" => tr::passkey_removed(lang),
        _ => tr::account_done_recovery(lang),
    }
}

#[component]
pub fn StaffAccountPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<AccountPage>().map(|page| account(lang, page))
}

fn account(lang: Lang, page: AccountPage) -> impl IntoView {
    let refused_in = |form: &'static str| {
        page.refused
            .as_ref()
            .filter(|(f, _)| f == form)
            .map(|(_, code)| code.clone())
    };
    let password_problem = refused_in(account_form::PASSWORD);
    let recovery_problem = refused_in(account_form::RECOVERY);
    let summary = page.refused.as_ref().map(|(form, code)| {
        let field = match (form.as_str(), code.as_str()) {
            (_, "code_missing" | "code_invalid" | "code_replayed") => {
                if form == account_form::RECOVERY {
                    "recovery-code"
                } else {
                    sign_in_field::CODE
                }
            }
            (_, "wrong_password" | "locked") => "current_password",
            (_, "mismatch") => sign_in_field::CONFIRM_PASSWORD,
            _ => sign_in_field::NEW_PASSWORD,
        };
        problem_summary(lang, tr::form_error_summary(lang, 1), field, code)
    });
    let beside = |problem: &Option<String>, codes: &[&str]| {
        problem
            .as_deref()
            .filter(|code| codes.contains(code))
            .map(|code| problem_text(lang, code))
    };
    let current_problem = beside(&password_problem, &["wrong_password", "locked"]);
    let code_problem = beside(
        &password_problem,
        &["code_missing", "code_invalid", "code_replayed"],
    );
    let new_problem = beside(
        &password_problem,
        &[
            "too_short",
            "too_long",
            "common",
            "repetitive",
            "personal",
            "unchanged",
        ],
    );
    let confirm_problem = beside(&password_problem, &["mismatch"]);
    let recovery_code_problem = recovery_problem
        .as_deref()
        .map(|code| problem_text(lang, code));
    let (current_notes, current_described) =
        crate::form_fields::hint_and_problem(lang, "current_password", None, current_problem);
    let (recovery_notes, recovery_described) = crate::form_fields::hint_and_problem(
        lang,
        "recovery-code",
        Some(tr::account_recovery_code_hint(lang)),
        recovery_code_problem,
    );
    let session_count = page.sessions.len();
    view! {
        <Title text=tr::account_title(lang)/>
        {summary}
        <p><a href="/staff">{tr::recipients_back(lang)}</a></p>
        <h1>{tr::account_title(lang)}</h1>
        {page.done.as_deref().map(|code| view! {
            <div class="notice" role="status" data-notice=code.to_owned()><p>{done_text(lang, code)}</p></div>
        })}
        <dl class="summary-list">
            <div><dt>{tr::account_name(lang)}</dt><dd>{page.display_name.clone()}</dd></div>
            <div><dt>{tr::staff_username(lang)}</dt><dd>{page.username.clone()}</dd></div>
            <div><dt>{tr::staff_role_label(lang)}</dt><dd>{super::workspace::role_name(lang, &page.role)}</dd></div>
            <div><dt>{tr::staff_county_label(lang)}</dt><dd>{crate::counties::county_name_of(lang, &page.county)}</dd></div>
        </dl>

        <h2>{tr::account_factor_heading(lang)}</h2>
        {match page.enrolled {
            Some(since) => view! {
                <p data-factor="totp">{tr::account_factor_on(lang, format_date_time(lang, since))}</p>
                <p data-recovery-left=page.recovery_left.to_string()>{tr::account_recovery_left(lang, page.recovery_left)}</p>
            }.into_any(),
            None => view! { <p data-factor="none">{tr::account_factor_off(lang)}</p> }.into_any(),
        }}
        {page.recovery_codes.clone().map(|codes| recovery_codes_view(lang, codes))}
        {page.enrolled.is_some().then(|| view! {
            <form method="post" action=NEW_RECOVERY_CODES class="form" novalidate>
                <div class="field" class:field-error=recovery_code_problem.is_some()>
                    <label for="recovery-code">{tr::account_recovery_code_label(lang)}</label>
                    {recovery_notes}
                    <input id="recovery-code" name=sign_in_field::CODE type="text" inputmode="numeric"
                        autocomplete="one-time-code" class="input-short" aria-describedby=recovery_described
                        aria-invalid=recovery_code_problem.map(|_| "true")/>
                </div>
                <button type="submit" class="button button-secondary">{tr::account_recovery_make(lang)}</button>
            </form>
        })}

        {page.passkeys.clone().map(|passkeys| passkeys_view(lang, passkeys))}

        <h2>{tr::account_password_heading(lang)}</h2>
        <form method="post" action=CHANGE_PASSWORD class="form" novalidate>
            <div class="field" class:field-error=current_problem.is_some()>
                <label for="current_password">{tr::account_current_password(lang)}</label>
                {current_notes}
                <input id="current_password" name=sign_in_field::PASSWORD type="password" autocomplete="current-password"
                    aria-describedby=current_described aria-invalid=current_problem.map(|_| "true")/>
            </div>
            {page.enrolled.is_some().then(|| code_field(lang, tr::sign_in_code_hint(lang), code_problem))}
            {new_password_fields(lang, new_problem, confirm_problem)}
            <p class="hint">{tr::account_password_ends_others(lang)}</p>
            <button type="submit" class="button">{tr::account_password_save(lang)}</button>
        </form>

        <h2>{tr::account_sessions_heading(lang)}</h2>
        <p>{tr::account_sessions_intro(lang, session_count)}</p>
        <ul class="sessions" data-sessions=session_count.to_string()>
            {page.sessions.into_iter().map(|row| session_line(lang, row)).collect_view()}
        </ul>
    }
}

fn session_line(lang: Lang, row: SessionRow) -> impl IntoView {
    view! {
        <li class="session" data-session=row.id.clone() data-this-session=row.this_one.to_string()>
            <p><strong>{row.device.clone()}</strong>
                {row.this_one.then(|| view! { " " <span class="tag">{tr::account_this_session(lang)}</span> })}</p>
            <p>{tr::account_session_detail(lang, format_date_time(lang, row.started), format_date_time(lang, row.last_seen), &row.client)}</p>
            {(!row.this_one).then(|| view! {
                <form method="post" action=format!("{SESSIONS}/{}/end", row.id)>
                    <button type="submit" class="button button-secondary">{tr::account_session_end(lang)}</button>
                </form>
            })}
        </li>
    }
}

fn passkeys_view(lang: Lang, passkeys: Vec<PasskeyRow>) -> impl IntoView {
    let count = passkeys.len();
    view! {
        <h2>{tr::passkey_heading(lang)}</h2>
        <p>{tr::passkey_intro(lang)}</p>
        <ul class="passkeys" data-passkeys=count.to_string()>
            {passkeys.into_iter().map(|key| view! {
                <li data-passkey=key.id.clone()>
                    <p><strong>{key.name.clone()}</strong></p>
                    <p>{tr::passkey_detail(
                        lang,
                        format_date_time(lang, key.added),
                        key.last_used.map(|at| format_date_time(lang, at)).unwrap_or_else(|| tr::passkey_never_used(lang).to_owned()),
                    )}</p>
                    <form method="post" action=format!("{PASSKEYS}/{}/remove", key.id)>
                        <button type="submit" class="button button-secondary">{tr::passkey_remove(lang)}</button>
                    </form>
                </li>
            }).collect_view()}
        </ul>
        <div class="passkey" data-passkey-register="" hidden
            data-error-failed=tr::passkey_failed(lang) data-error-refused=tr::passkey_refused(lang)>
            <button type="button" class="button button-secondary">{tr::passkey_add(lang)}</button>
            <p class="field-message" role="status"></p>
        </div>
        <noscript><p>{tr::passkey_needs_script(lang)}</p></noscript>
        <script src="/passkey.js" defer></script>
    }
}
