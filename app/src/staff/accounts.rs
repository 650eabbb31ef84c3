//! `/staff/accounts`: the county's staff accounts for its administrators, who reset a password
//! (a temporary one to hand over in person, changed at the next sign-in), reset a lost second
//! factor, and disable or re-enable an account (its sign-ins end at once). And
//! `/staff/sign-ins`: the county's sign-in history for supervisors and administrators. The
//! server prepares both (`server/src/staff_account.rs`).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{format_date_time, tr, Lang};
use crate::preferences::use_prefs;

pub const ACCOUNTS_PAGE: &str = "/staff/accounts";
pub const SIGN_IN_HISTORY: &str = "/staff/sign-ins";

/// What an administrator does to an account: `POST /staff/accounts/{id}/{action}`.
pub mod account_action {
    pub const RESET_PASSWORD: &str = "reset-password";
    pub const RESET_FACTOR: &str = "reset-factor";
    pub const DISABLE: &str = "disable";
    pub const ENABLE: &str = "enable";
    pub const ALL: [&str; 4] = [RESET_PASSWORD, RESET_FACTOR, DISABLE, ENABLE];
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub enrolled: bool,
    pub disabled: bool,
    pub locked: bool,
    pub must_change_password: bool,
    /// Unix seconds.
    pub last_sign_in: Option<i64>,
    /// The administrator's own account (no actions on it here).
    pub own: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountsPage {
    pub rows: Vec<AccountRow>,
    /// What was just done, and to whom: (action, username).
    pub done: Option<(String, String)>,
    /// A temporary password to hand over, shown this once.
    pub temporary_password: Option<String>,
}

/// One line of the sign-in history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// Unix seconds.
    pub at: i64,
    pub who: String,
    /// The audit action (`staff.signed_in`, …).
    pub action: String,
    pub reason: Option<String>,
    pub client: String,
    pub device: String,
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignInHistoryPage {
    pub rows: Vec<HistoryRow>,
    pub limit: i64,
}

fn action_done_text(lang: Lang, action: &str, who: &str) -> String {
    match action {
        account_action::RESET_PASSWORD => tr::accounts_done_reset_password(lang, who),
        account_action::RESET_FACTOR => tr::accounts_done_reset_factor(lang, who),
        account_action::DISABLE => tr::accounts_done_disable(lang, who),
        _ => tr::accounts_done_enable(lang, who),
    }
}

fn action_button(lang: Lang, action: &str) -> &'static str {
    match action {
        account_action::RESET_PASSWORD => tr::accounts_reset_password(lang),
        account_action::RESET_FACTOR => tr::accounts_reset_factor(lang),
        account_action::DISABLE => tr::accounts_disable(lang),
        _ => tr::accounts_enable(lang),
    }
}

#[component]
pub fn StaffAccountsPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<AccountsPage>().map(|page| accounts(lang, page))
}

fn accounts(lang: Lang, page: AccountsPage) -> impl IntoView {
    view! {
        <Title text=tr::accounts_title(lang)/>
        <p><a href="/staff">{tr::recipients_back(lang)}</a></p>
        <h1>{tr::accounts_title(lang)}</h1>
        <p>{tr::accounts_intro(lang)}</p>
        {page.done.clone().map(|(action, who)| view! {
            <div class="notice" role="status" data-notice=action.clone()>
                <p>{action_done_text(lang, &action, &who)}</p>
                {page.temporary_password.clone().map(|password| view! {
                    <p>{tr::accounts_temporary_password(lang)}</p>
                    <p class="secret" data-temporary-password=password.clone()><code>{password.clone()}</code></p>
                })}
            </div>
        })}
        <p><a href=SIGN_IN_HISTORY>{tr::history_title(lang)}</a></p>
        <ul class="accounts">
            {page.rows.into_iter().map(|row| account_line(lang, row)).collect_view()}
        </ul>
    }
}

fn account_line(lang: Lang, row: AccountRow) -> impl IntoView {
    let mut states: Vec<&'static str> = Vec::new();
    if row.disabled {
        states.push(tr::accounts_state_disabled(lang));
    }
    if row.locked {
        states.push(tr::accounts_state_locked(lang));
    }
    if row.must_change_password {
        states.push(tr::accounts_state_must_change(lang));
    }
    states.push(if row.enrolled {
        tr::accounts_state_factor_on(lang)
    } else {
        tr::accounts_state_factor_off(lang)
    });
    let actions: Vec<&'static str> = if row.own {
        Vec::new()
    } else if row.disabled {
        vec![account_action::ENABLE]
    } else {
        let mut actions = vec![account_action::RESET_PASSWORD];
        if row.enrolled {
            actions.push(account_action::RESET_FACTOR);
        }
        actions.push(account_action::DISABLE);
        actions
    };
    let last = row
        .last_sign_in
        .map(|at| tr::accounts_last_sign_in(lang, format_date_time(lang, at)))
        .unwrap_or_else(|| tr::accounts_never_signed_in(lang).to_owned());
    view! {
        <li class="account" data-account=row.username.clone() data-disabled=row.disabled.to_string()>
            <h2>{row.display_name.clone()}" · "{row.username.clone()}</h2>
            <p>{super::workspace::role_name(lang, &row.role)}" · "{states.join(" · ")}</p>
            <p>{last}</p>
            <div class="actions">
                {actions.into_iter().map(|action| view! {
                    <form method="post" action=format!("{ACCOUNTS_PAGE}/{}/{action}", row.id)>
                        <button type="submit" class="button button-secondary" data-action=action>{action_button(lang, action)}</button>
                    </form>
                }).collect_view()}
            </div>
        </li>
    }
}

fn history_action_text(lang: Lang, action: &str, reason: Option<&str>) -> String {
    let reason_text = |reason: Option<&str>| match reason {
        Some("unknown_account") => tr::history_reason_unknown(lang),
        Some("wrong_password") => tr::history_reason_password(lang),
        Some("wrong_code") => tr::history_reason_code(lang),
        Some("wrong_passkey") => tr::history_reason_passkey(lang),
        Some("replayed_code") => tr::history_reason_replayed(lang),
        Some("locked") => tr::history_reason_locked(lang),
        Some("disabled") => tr::history_reason_disabled(lang),
        _ => "",
    };
    match action {
        "staff.signed_in" => match reason {
            Some("recovery") => tr::history_signed_in_recovery(lang).to_owned(),
            Some("passkey") => tr::history_signed_in_passkey(lang).to_owned(),
            _ => tr::history_signed_in(lang).to_owned(),
        },
        "staff.sign_in_refused" => tr::history_refused(lang, reason_text(reason)),
        "staff.locked_out" => tr::history_locked_out(lang).to_owned(),
        "staff.signed_out" => tr::history_signed_out(lang).to_owned(),
        "staff.sign_in_ended" => tr::history_session_ended(lang).to_owned(),
        "staff.factor_enrolled" => match reason {
            Some("passkey") => tr::history_passkey_added(lang).to_owned(),
            _ => tr::history_factor_enrolled(lang).to_owned(),
        },
        "staff.recovery_code_used" => tr::history_recovery_used(lang).to_owned(),
        "staff.recovery_codes_made" => tr::history_recovery_made(lang).to_owned(),
        "staff.password_changed" => tr::history_password_changed(lang).to_owned(),
        "staff.password_reset" => tr::history_password_reset(lang).to_owned(),
        "staff.factor_reset" => tr::history_factor_reset(lang).to_owned(),
        "staff.factor_removed" => tr::history_factor_removed(lang).to_owned(),
        "staff.disabled" => tr::history_disabled(lang).to_owned(),
        _ => tr::history_enabled(lang).to_owned(),
    }
}

#[component]
pub fn StaffSignInHistoryPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<SignInHistoryPage>().map(|page| history(lang, page))
}

fn history(lang: Lang, page: SignInHistoryPage) -> impl IntoView {
    let count = page.rows.len();
    view! {
        <Title text=tr::history_title(lang)/>
        <p><a href="/staff">{tr::recipients_back(lang)}</a></p>
        <h1>{tr::history_title(lang)}</h1>
        <p>{tr::history_intro(lang, page.limit)}</p>
        {(count == 0).then(|| view! { <p>{tr::history_empty(lang)}</p> })}
        <table class="table history" data-history=count.to_string()>
            <thead><tr>
                <th scope="col">{tr::history_when(lang)}</th>
                <th scope="col">{tr::history_who(lang)}</th>
                <th scope="col">{tr::history_what(lang)}</th>
                <th scope="col">{tr::history_where(lang)}</th>
            </tr></thead>
            <tbody>
                {page.rows.into_iter().map(|row| view! {
                    <tr data-action=row.action.clone()>
                        <td>{format_date_time(lang, row.at)}</td>
                        <td>{row.who.clone()}</td>
                        <td>{history_action_text(lang, &row.action, row.reason.as_deref())}
                            {row.by.clone().map(|by| view! { " · " {tr::history_by(lang, &by)} })}</td>
                        <td>{row.client.clone()}<br/><small>{row.device.clone()}</small></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
