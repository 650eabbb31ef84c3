use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::{tr, Lang};
use crate::preferences::use_prefs;
use crate::server_error::PortalError;

/// Why the last sign-in did not work, carried back to the form in the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoginProblem {
    Missing,
    Invalid,
    Locked,
    Throttled,
}

impl LoginProblem {
    fn code(self) -> &'static str {
        match self {
            LoginProblem::Missing => "missing",
            LoginProblem::Invalid => "invalid",
            LoginProblem::Locked => "locked",
            LoginProblem::Throttled => "throttled",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        [Self::Missing, Self::Invalid, Self::Locked, Self::Throttled]
            .into_iter()
            .find(|p| p.code() == code)
    }

    fn message(self, lang: Lang) -> &'static str {
        match self {
            LoginProblem::Missing => tr::staff_error_missing(lang),
            LoginProblem::Invalid => tr::staff_error_invalid(lang),
            LoginProblem::Locked => tr::staff_error_locked(lang),
            LoginProblem::Throttled => tr::staff_error_throttled(lang),
        }
    }
}

/// The page the sign-in throttle sends a refused attempt back to.
pub const THROTTLED_LOGIN_PATH: &str = "/staff/login?error=throttled";

#[server(endpoint = "staff/login")]
pub async fn staff_login(username: String, password: String) -> Result<(), PortalError> {
    use crate::server_error::ssr;
    use leptos_axum::redirect;
    use store::staff::LoginError;

    let back_with =
        |problem: LoginProblem| redirect(&format!("/staff/login?error={}", problem.code()));
    if username.trim().is_empty() || password.is_empty() {
        back_with(LoginProblem::Missing);
        return Ok(());
    }
    let store = ssr::store()?;
    match store.authenticate(&username, &password).await {
        Ok(user) => {
            let session = ssr::session().await?;
            super::session::sign_in(&session, &store, &user)
                .await
                .map_err(|e| ssr::session_failed("could not start a staff session", &e))?;
            tracing::info!(staff_id = user.id, "staff signed in");
            redirect("/staff");
        }
        Err(LoginError::InvalidCredentials) => back_with(LoginProblem::Invalid),
        Err(LoginError::LockedOut { .. }) => back_with(LoginProblem::Locked),
        Err(LoginError::Store(e)) => return Err(ssr::store_failed("sign-in failed", &e)),
    }
    Ok(())
}

#[server(endpoint = "staff/logout")]
pub async fn staff_logout() -> Result<(), PortalError> {
    use crate::server_error::ssr;
    let session = ssr::session().await?;
    super::session::sign_out(&session)
        .await
        .map_err(|e| ssr::session_failed("could not end a staff session", &e))?;
    leptos_axum::redirect("/staff/login?signed_out=1");
    Ok(())
}

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let query = use_query_map();
    let problem =
        query.with_untracked(|q| q.get("error").as_deref().and_then(LoginProblem::from_code));
    let signed_out = query.with_untracked(|q| q.get("signed_out").is_some());
    view! {
        <Title text=tr::staff_login_title(lang)/>
        {problem.map(|problem| view! {
            <div class="error-summary" role="alert" tabindex="-1">
                <h2>{tr::staff_error_summary(lang)}</h2>
                <ul><li data-problem=problem.code()><a href="#username">{problem.message(lang)}</a></li></ul>
            </div>
        })}
        {signed_out.then(|| view! { <p class="notice" role="status">{tr::staff_signed_out(lang)}</p> })}
        <h1>{tr::staff_login_title(lang)}</h1>
        <p>{tr::staff_login_intro(lang)}</p>
        <form method="post" action=StaffLogin::url() class="form">
            <div class="field" class:field-error=problem.is_some()>
                <label for="username">{tr::staff_username(lang)}</label>
                {problem.map(|p| view! { <p class="field-message" id="username-error">{p.message(lang)}</p> })}
                <input id="username" name="username" type="text" autocomplete="username" required
                    autocapitalize="none" spellcheck="false"
                    aria-describedby=problem.map(|_| "username-error")/>
            </div>
            <div class="field">
                <label for="password">{tr::staff_password(lang)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
            </div>
            <button type="submit" class="button">{tr::staff_sign_in(lang)}</button>
        </form>
    }
}
