//! Small bilingual pages for answers the server gives outside the app: refused, too large,
//! too many attempts, internal error. They need no script and no database.

use crate::i18n::{tr, Lang};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    Forbidden,
    /// A case of another county, or a volunteer's look at a case.
    CaseForbidden,
    TooLarge,
    /// A document photo over the upload limit.
    UploadTooLarge,
    TooManyRequests,
    /// Too many wrong access codes for one reference, from anywhere: the way through is the
    /// phone and its SMS code.
    ReferenceLocked,
    /// Every slot for processing photos stayed taken: try again shortly.
    Busy,
    /// The database or the shared counters could not be reached: try again in a minute.
    Unavailable,
    /// A request the pages never send (a form tampered with, an argument missing).
    BadRequest,
    Internal,
}

impl ErrorPage {
    fn texts(self, lang: Lang) -> (&'static str, &'static str) {
        match self {
            ErrorPage::Forbidden => (
                tr::error_forbidden_title(lang),
                tr::error_forbidden_text(lang),
            ),
            ErrorPage::CaseForbidden => (tr::error_case_title(lang), tr::error_case_text(lang)),
            ErrorPage::TooLarge => (
                tr::error_too_large_title(lang),
                tr::error_too_large_text(lang),
            ),
            ErrorPage::UploadTooLarge => (
                tr::error_upload_too_large_title(lang),
                tr::apply_upload_too_large(lang),
            ),
            ErrorPage::TooManyRequests => (
                tr::error_too_many_title(lang),
                tr::error_too_many_text(lang),
            ),
            ErrorPage::ReferenceLocked => (
                tr::error_reference_locked_title(lang),
                tr::error_reference_locked_text(lang),
            ),
            ErrorPage::Busy => (tr::error_busy_title(lang), tr::error_busy_text(lang)),
            ErrorPage::Unavailable => (
                tr::error_unavailable_title(lang),
                tr::error_unavailable_text(lang),
            ),
            ErrorPage::BadRequest => (
                tr::error_bad_request_title(lang),
                tr::error_bad_request_text(lang),
            ),
            ErrorPage::Internal => (
                tr::error_internal_title(lang),
                tr::error_internal_text(lang),
            ),
        }
    }

    /// The page's id in its `data-error` attribute, for tests and monitoring.
    fn id(self) -> &'static str {
        match self {
            ErrorPage::Forbidden => "forbidden",
            ErrorPage::CaseForbidden => "case_forbidden",
            ErrorPage::TooLarge => "too_large",
            ErrorPage::UploadTooLarge => "upload_too_large",
            ErrorPage::TooManyRequests => "too_many_requests",
            ErrorPage::ReferenceLocked => "reference_locked",
            ErrorPage::Busy => "busy",
            ErrorPage::Unavailable => "unavailable",
            ErrorPage::BadRequest => "bad_request",
            ErrorPage::Internal => "internal",
        }
    }

    /// A way on from the page besides the home page.
    fn way_on(self, lang: Lang) -> String {
        match self {
            ErrorPage::ReferenceLocked => format!(
                "<p><a href=\"/track/phone\">{}</a></p>",
                tr::error_reference_locked_link(lang)
            ),
            _ => String::new(),
        }
    }

    /// The whole HTML document, Chinese first, then English.
    pub fn html(self) -> String {
        let (zh_title, zh_text) = self.texts(Lang::Zh);
        let (en_title, en_text) = self.texts(Lang::En);
        let (zh_way, en_way) = (self.way_on(Lang::Zh), self.way_on(Lang::En));
        format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{zh_title} / {en_title}</title><link rel=\"stylesheet\" href=\"/pkg/portal.css\"></head>\
             <body><main id=\"main\" class=\"page\" data-error=\"{id}\"><h1>{zh_title}</h1><p>{zh_text}</p>{zh_way}\
             <p><a href=\"/\">{zh_home}</a></p><div lang=\"en\"><h2>{en_title}</h2><p>{en_text}</p>{en_way}\
             <p><a href=\"/\">{en_home}</a></p></div></main></body></html>",
            id = self.id(),
            zh_home = tr::error_back_home(Lang::Zh),
            en_home = tr::error_back_home(Lang::En),
        )
    }
}
