//! Languages and the translated strings. Chinese first, English second.
//!
//! Every string the user reads comes from `locales/*.toml` through the functions in [`tr`],
//! generated at build time (see `build.rs`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The value of `<html lang>`.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The value stored in the language cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Picks the language from an `Accept-Language` header: English only when the browser
    /// prefers it over Chinese; Chinese otherwise.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag.starts_with("zh") {
                Lang::Zh
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }
}

/// A date as people write it: 2026年12月3日, or 3 December 2026.
pub fn format_date(lang: Lang, date: time::Date) -> String {
    let month = match u8::from(date.month()) {
        1 => tr::date_month_1(lang),
        2 => tr::date_month_2(lang),
        3 => tr::date_month_3(lang),
        4 => tr::date_month_4(lang),
        5 => tr::date_month_5(lang),
        6 => tr::date_month_6(lang),
        7 => tr::date_month_7(lang),
        8 => tr::date_month_8(lang),
        9 => tr::date_month_9(lang),
        10 => tr::date_month_10(lang),
        11 => tr::date_month_11(lang),
        _ => tr::date_month_12(lang),
    };
    tr::date_full(lang, date.year(), month, date.day())
}

/// A moment as people in Jining read it (Beijing time): 2026年12月3日 14:05.
pub fn format_date_time(lang: Lang, unix_seconds: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix_seconds) {
        Ok(t) => {
            let local = t.to_offset(casework::in_force::BEIJING);
            format!(
                "{} {:02}:{:02}",
                format_date(lang, local.date()),
                local.hour(),
                local.minute()
            )
        }
        Err(_) => String::new(),
    }
}

/// Money as people read it, the same in both languages: ¥1,274 or ¥326.67.
pub fn format_yuan(yuan: f64) -> String {
    let fen = (yuan * 100.0).round();
    let sign = if fen < 0.0 { "-" } else { "" };
    let fen = fen.abs() as u64;
    let whole = (fen / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fen % 100 {
        0 => format!("{sign}¥{grouped}"),
        cents => format!("{sign}¥{grouped}.{cents:02}"),
    }
}

/// The translated strings, one function per key of `locales/*.toml`.
pub mod tr {
    use super::Lang;
    include!(concat!(env!("OUT_DIR"), "/translations.rs"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_chinese_unless_english_ranks_higher() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language("en;q=0.5,zh-TW;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let date = time::macros::date!(2026 - 12 - 03);
        assert_eq!(format_date(Lang::Zh, date), "2026年12月3日");
        assert_eq!(format_date(Lang::En, date), "3 December 2026");
    }

    #[test]
    fn money_is_grouped_and_shows_cents_only_when_there_are_some() {
        assert_eq!(format_yuan(1274.0), "¥1,274");
        assert_eq!(format_yuan(326.666), "¥326.67");
        assert_eq!(format_yuan(1_000_000.5), "¥1,000,000.50");
        assert_eq!(format_yuan(0.0), "¥0");
        assert_eq!(format_yuan(999.999), "¥1,000");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            tr::staff_signed_in_as(Lang::En, "Wang Li"),
            "Signed in as Wang Li"
        );
        assert_eq!(tr::staff_signed_in_as(Lang::Zh, "王丽"), "已登录：王丽");
    }
}
