//! The header and footer around every page.

use leptos::prelude::*;

use crate::i18n::tr;
use crate::offline::OfflineSupport;
use crate::preferences::{use_prefs, DisplayToggle, LanguageSwitch};

#[component]
pub fn SiteHeader() -> impl IntoView {
    let lang = use_prefs().lang;
    view! {
        <a class="skip-link" href="#main">{tr::site_skip_to_content(lang)}</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-name">{tr::site_name(lang)}</span>
                <span class="brand-tagline">{tr::site_tagline(lang)}</span>
            </a>
            <div class="header-tools">
                <LanguageSwitch/>
                <DisplayToggle/>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let lang = use_prefs().lang;
    view! {
        <footer class="site-footer">
            <p>{tr::site_footer_about(lang)}</p>
            <p class="sample-notice">{tr::site_sample_notice(lang)}</p>
            <nav class="footer-links" aria-label=tr::site_name(lang)>
                <a href="/help/urgent">{tr::site_footer_urgent(lang)}</a>
                <a href=crate::windows::WINDOWS_PAGE>{tr::windows_title(lang)}</a>
                <a href="/staff/login">{tr::site_footer_staff(lang)}</a>
            </nav>
            <OfflineSupport/>
        </footer>
    }
}
