//! Jining's county-level areas (POLICY.md §5). Staff see only their own area's cases.

use std::str::FromStr;

rules::wire_enum! {
    County {
        Rencheng = "rencheng",
        Yanzhou = "yanzhou",
        Qufu = "qufu",
        Zoucheng = "zoucheng",
        Weishan = "weishan",
        Yutai = "yutai",
        Jinxiang = "jinxiang",
        Jiaxiang = "jiaxiang",
        Wenshang = "wenshang",
        Sishui = "sishui",
        Liangshan = "liangshan",
    }
}

impl County {
    /// The stable id stored in the database and used in URLs (its wire name).
    pub fn id(self) -> &'static str {
        self.as_str()
    }

    /// The official Chinese name, as the public JSON contract spells it.
    pub fn chinese_name(self) -> &'static str {
        match self {
            County::Rencheng => "任城区",
            County::Yanzhou => "兖州区",
            County::Qufu => "曲阜市",
            County::Zoucheng => "邹城市",
            County::Weishan => "微山县",
            County::Yutai => "鱼台县",
            County::Jinxiang => "金乡县",
            County::Jiaxiang => "嘉祥县",
            County::Wenshang => "汶上县",
            County::Sishui => "泗水县",
            County::Liangshan => "梁山县",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown county {0:?}: expected one of Jining's county-level areas, by id (e.g. rencheng) or Chinese name (e.g. 任城区)")]
pub struct UnknownCounty(pub String);

impl FromStr for County {
    type Err = UnknownCounty;

    /// Accepts the id or the Chinese name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        County::ALL
            .iter()
            .copied()
            .find(|c| c.id() == s || c.chinese_name() == s)
            .ok_or_else(|| UnknownCounty(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_chinese_names_alike() {
        assert_eq!("qufu".parse(), Ok(County::Qufu));
        assert_eq!("曲阜市".parse(), Ok(County::Qufu));
        assert!("北京市".parse::<County>().is_err());
        for &county in County::ALL {
            assert_eq!(county.id().parse(), Ok(county));
        }
    }
}
