//! Jining's county-level areas (POLICY.md §5) as the pages name them.

use casework::County;

use crate::i18n::{tr, Lang};

/// The county's name in the reader's language.
pub fn county_name(lang: Lang, county: County) -> &'static str {
    match county {
        County::Rencheng => tr::county_rencheng(lang),
        County::Yanzhou => tr::county_yanzhou(lang),
        County::Qufu => tr::county_qufu(lang),
        County::Zoucheng => tr::county_zoucheng(lang),
        County::Weishan => tr::county_weishan(lang),
        County::Yutai => tr::county_yutai(lang),
        County::Jinxiang => tr::county_jinxiang(lang),
        County::Jiaxiang => tr::county_jiaxiang(lang),
        County::Wenshang => tr::county_wenshang(lang),
        County::Sishui => tr::county_sishui(lang),
        County::Liangshan => tr::county_liangshan(lang),
    }
}

/// The name for a county id as stored or posted; empty for an id that is none of Jining's.
pub fn county_name_of(lang: Lang, id: &str) -> &'static str {
    County::parse(id).map_or("", |county| county_name(lang, county))
}
