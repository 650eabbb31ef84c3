//! Jining's county-level areas (POLICY.md §5) as the pages name them.

use crate::i18n::{tr, Lang};

/// The ids the store and the JSON contracts use, in the order of the official list.
pub const COUNTY_IDS: [&str; 11] = [
    "rencheng",
    "yanzhou",
    "qufu",
    "zoucheng",
    "weishan",
    "yutai",
    "jinxiang",
    "jiaxiang",
    "wenshang",
    "sishui",
    "liangshan",
];

pub fn county_name(lang: Lang, county: &str) -> &'static str {
    match county {
        "rencheng" => tr::county_rencheng(lang),
        "yanzhou" => tr::county_yanzhou(lang),
        "qufu" => tr::county_qufu(lang),
        "zoucheng" => tr::county_zoucheng(lang),
        "weishan" => tr::county_weishan(lang),
        "yutai" => tr::county_yutai(lang),
        "jinxiang" => tr::county_jinxiang(lang),
        "jiaxiang" => tr::county_jiaxiang(lang),
        "wenshang" => tr::county_wenshang(lang),
        "sishui" => tr::county_sishui(lang),
        _ => tr::county_liangshan(lang),
    }
}
