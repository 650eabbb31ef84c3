//! Staff sign-in, in steps: the password; then a code of the authenticator app (or a recovery
//! code), or, the first time, setting the app up with a QR code; then, after an administrator's
//! reset, a new password. The server prepares each step's page (`server/src/staff_sign_in.rs`)
//! and every form is a plain post, so it all works without JS.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::form_fields::hint_and_problem;
use crate::i18n::{tr, Lang};
use crate::preferences::use_prefs;

pub const SIGN_IN_PAGE: &str = "/staff/login";
pub const CODE_PAGE: &str = "/staff/login/code";
pub const ENROL_PAGE: &str = "/staff/login/enrol";
pub const NEW_PASSWORD_PAGE: &str = "/staff/login/new-password";
pub const SIGN_OUT_PATH: &str = "/staff/logout";
/// Where `public/passkey.js` gets a sign-in's passkey challenge, and posts its answer.
pub const PASSKEY_SIGN_IN_OPTIONS: &str = "/staff/login/passkey/options";
pub const PASSKEY_SIGN_IN: &str = "/staff/login/passkey";
/// The page the sign-in throttle sends a refused attempt back to.
pub const THROTTLED_LOGIN_PATH: &str = "/staff/login?error=throttled";

/// The forms' field names, shared with the server that reads them.
pub mod sign_in_field {
    pub const USERNAME: &str = "username";
    pub const PASSWORD: &str = "password";
    pub const CODE: &str = "code";
    pub const NEW_PASSWORD: &str = "new_password";
    pub const CONFIRM_PASSWORD: &str = "confirm_password";
}

/// The step a sign-in page shows.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInStep {
    Password {
        signed_out: bool,
    },
    /// The code; `passkey` when the member has a passkey and the portal offers them.
    Code {
        passkey: bool,
    },
    /// Setting up the app: the secret in groups of four, and the `otpauth://` address the QR
    /// code carries.
    Enrol {
        secret: String,
        uri: String,
    },
    /// The recovery codes, shown this once, and where to go on to.
    RecoveryCodes {
        codes: Vec<String>,
        next: String,
    },
    NewPassword,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignInPage {
    pub step: SignInStep,
    /// Why the last post was refused (a stable code).
    pub problem: Option<String>,
}

/// The message of a refusal's code, for the sign-in and the account pages alike.
pub fn problem_text(lang: Lang, code: &str) -> &'static str {
    match code {
        "missing" => tr::staff_error_missing(lang),
        "locked" => tr::staff_error_locked(lang),
        "throttled" => tr::staff_error_throttled(lang),
        "disabled" => tr::sign_in_disabled(lang),
        "expired" => tr::sign_in_expired(lang),
        "code_missing" => tr::sign_in_code_missing(lang),
        "code_invalid" => tr::sign_in_code_invalid(lang),
        "code_replayed" => tr::sign_in_code_replayed(lang),
        "too_short" => tr::password_too_short(lang),
        "too_long" => tr::password_too_long(lang),
        "common" => tr::password_common(lang),
        "repetitive" => tr::password_repetitive(lang),
        "personal" => tr::password_personal(lang),
        "mismatch" => tr::password_mismatch(lang),
        "unchanged" => tr::password_unchanged(lang),
        "wrong_password" => tr::password_wrong_current(lang),
        _ => tr::staff_error_invalid(lang),
    }
}

/// The field a refusal belongs beside.
fn problem_field(code: &str) -> &'static str {
    match code {
        "code_missing" | "code_invalid" | "code_replayed" => sign_in_field::CODE,
        "too_short" | "too_long" | "common" | "repetitive" | "personal" | "unchanged" => {
            sign_in_field::NEW_PASSWORD
        }
        "mismatch" => sign_in_field::CONFIRM_PASSWORD,
        _ => sign_in_field::USERNAME,
    }
}

/// The error summary at the top of a page with one refusal, under `heading`.
pub fn problem_summary(lang: Lang, heading: String, field: &str, code: &str) -> impl IntoView {
    view! {
        <div class="error-summary" role="alert" tabindex="-1">
            <h2>{heading}</h2>
            <ul><li data-problem=code.to_owned()><a href=format!("#{field}")>{problem_text(lang, code)}</a></li></ul>
        </div>
    }
}

#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<SignInPage>().map(|page| sign_in(lang, page))
}

fn sign_in(lang: Lang, page: SignInPage) -> AnyView {
    let problem = page.problem.clone();
    let summary = problem.as_deref().map(|code| {
        problem_summary(
            lang,
            tr::staff_error_summary(lang).to_owned(),
            problem_field(code),
            code,
        )
    });
    let here = |field: &'static str| {
        problem
            .as_deref()
            .filter(|code| problem_field(code) == field)
            .map(|code| problem_text(lang, code))
    };
    match page.step {
        SignInStep::Password { signed_out } => {
            let (notes, described) =
                hint_and_problem(lang, sign_in_field::USERNAME, None, here(sign_in_field::USERNAME));
            view! {
                <Title text=tr::staff_login_title(lang)/>
                {summary}
                {signed_out.then(|| view! { <p class="notice" role="status">{tr::staff_signed_out(lang)}</p> })}
                <h1>{tr::staff_login_title(lang)}</h1>
                <p>{tr::staff_login_intro(lang)}</p>
                <form method="post" action=SIGN_IN_PAGE class="form">
                    <div class="field" class:field-error=here(sign_in_field::USERNAME).is_some()>
                        <label for=sign_in_field::USERNAME>{tr::staff_username(lang)}</label>
                        {notes}
                        <input id=sign_in_field::USERNAME name=sign_in_field::USERNAME type="text" autocomplete="username" required
                            autocapitalize="none" spellcheck="false" aria-describedby=described/>
                    </div>
                    <div class="field">
                        <label for=sign_in_field::PASSWORD>{tr::staff_password(lang)}</label>
                        <input id=sign_in_field::PASSWORD name=sign_in_field::PASSWORD type="password" autocomplete="current-password" required/>
                    </div>
                    <button type="submit" class="button">{tr::sign_in_next(lang)}</button>
                </form>
            }
            .into_any()
        }
        SignInStep::Code { passkey } => view! {
            <Title text=tr::sign_in_code_title(lang)/>
            {summary}
            <h1>{tr::sign_in_code_title(lang)}</h1>
            {passkey.then(|| view! {
                <div class="passkey" data-passkey-sign-in="" hidden
                    data-error-failed=tr::passkey_failed(lang) data-error-refused=tr::passkey_refused(lang)>
                    <p>{tr::passkey_sign_in_intro(lang)}</p>
                    <button type="button" class="button">{tr::passkey_sign_in(lang)}</button>
                    <p class="field-message" role="status"></p>
                    <p>{tr::passkey_or_code(lang)}</p>
                </div>
                <script src="/passkey.js" defer></script>
            })}
            <form method="post" action=CODE_PAGE class="form" novalidate>
                {code_field(lang, tr::sign_in_code_hint(lang), here(sign_in_field::CODE))}
                <button type="submit" class="button">{tr::staff_sign_in(lang)}</button>
            </form>
            <details>
                <summary>{tr::sign_in_code_lost(lang)}</summary>
                <p>{tr::sign_in_code_lost_text(lang)}</p>
            </details>
            <p><a href=SIGN_IN_PAGE>{tr::sign_in_start_again(lang)}</a></p>
        }
        .into_any(),
        SignInStep::Enrol { secret, uri } => {
            let qr = crate::qr::qr_svg(&uri);
            view! {
                <Title text=tr::sign_in_enrol_title(lang)/>
                {summary}
                <h1>{tr::sign_in_enrol_title(lang)}</h1>
                <p>{tr::sign_in_enrol_intro(lang)}</p>
                <ol class="steps">
                    <li>{tr::sign_in_enrol_step_app(lang)}</li>
                    <li>{tr::sign_in_enrol_step_scan(lang)}</li>
                </ol>
                <div class="qr" inner_html=qr></div>
                <p>{tr::sign_in_enrol_secret(lang)}</p>
                <p class="secret" data-totp-secret=secret.replace(' ', "")><code>{secret.clone()}</code></p>
                <form method="post" action=ENROL_PAGE class="form" novalidate>
                    {code_field(lang, tr::sign_in_enrol_code_hint(lang), here(sign_in_field::CODE))}
                    <button type="submit" class="button">{tr::sign_in_enrol_confirm(lang)}</button>
                </form>
            }
            .into_any()
        }
        SignInStep::RecoveryCodes { codes, next } => view! {
            <Title text=tr::recovery_title(lang)/>
            <h1>{tr::recovery_title(lang)}</h1>
            {recovery_codes_view(lang, codes)}
            <p><a class="button" href=next>{tr::recovery_kept(lang)}</a></p>
        }
        .into_any(),
        SignInStep::NewPassword => view! {
            <Title text=tr::sign_in_new_password_title(lang)/>
            {summary}
            <h1>{tr::sign_in_new_password_title(lang)}</h1>
            <p>{tr::sign_in_new_password_intro(lang)}</p>
            <form method="post" action=NEW_PASSWORD_PAGE class="form" novalidate>
                {new_password_fields(lang, here(sign_in_field::NEW_PASSWORD), here(sign_in_field::CONFIRM_PASSWORD))}
                <button type="submit" class="button">{tr::sign_in_new_password_save(lang)}</button>
            </form>
        }
        .into_any(),
    }
}

/// The code field: six digits of the app, or a recovery code.
pub fn code_field(lang: Lang, hint: &'static str, problem: Option<&'static str>) -> impl IntoView {
    let (notes, described) = hint_and_problem(lang, sign_in_field::CODE, Some(hint), problem);
    view! {
        <div class="field" class:field-error=problem.is_some()>
            <label for=sign_in_field::CODE>{tr::sign_in_code_label(lang)}</label>
            {notes}
            <input id=sign_in_field::CODE name=sign_in_field::CODE type="text" inputmode="numeric"
                autocomplete="one-time-code" autocapitalize="none" spellcheck="false" class="input-short"
                aria-describedby=described aria-invalid=problem.map(|_| "true")/>
        </div>
    }
}

/// A new password typed twice, with the rules said plainly.
pub fn new_password_fields(
    lang: Lang,
    new_problem: Option<&'static str>,
    confirm_problem: Option<&'static str>,
) -> impl IntoView {
    let (notes, described) = hint_and_problem(
        lang,
        sign_in_field::NEW_PASSWORD,
        Some(tr::password_rules(lang)),
        new_problem,
    );
    let (confirm_notes, confirm_described) =
        hint_and_problem(lang, sign_in_field::CONFIRM_PASSWORD, None, confirm_problem);
    view! {
        <div class="field" class:field-error=new_problem.is_some()>
            <label for=sign_in_field::NEW_PASSWORD>{tr::password_new(lang)}</label>
            {notes}
            <input id=sign_in_field::NEW_PASSWORD name=sign_in_field::NEW_PASSWORD type="password" autocomplete="new-password"
                aria-describedby=described aria-invalid=new_problem.map(|_| "true")/>
        </div>
        <div class="field" class:field-error=confirm_problem.is_some()>
            <label for=sign_in_field::CONFIRM_PASSWORD>{tr::password_confirm(lang)}</label>
            {confirm_notes}
            <input id=sign_in_field::CONFIRM_PASSWORD name=sign_in_field::CONFIRM_PASSWORD type="password" autocomplete="new-password"
                aria-describedby=confirm_described aria-invalid=confirm_problem.map(|_| "true")/>
        </div>
    }
}

/// Recovery codes as shown once: what they are for and how to keep them.
pub fn recovery_codes_view(lang: Lang, codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="notice" role="status">
            <p>{tr::recovery_intro(lang)}</p>
        </div>
        <ol class="recovery-codes" data-recovery-codes="">
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ol>
        <p>{tr::recovery_keep(lang)}</p>
    }
}
