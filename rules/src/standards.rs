//! The yearly parameters of POLICY.md §3.1, loaded from data.
//!
//! The bureau replaces `standards/sample-2026.json` (or the file the server is pointed at) every
//! year; nothing here is a policy number except the sample file itself.

use core::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::household::Area;
use crate::money::{decimal_scaled, Fen};

/// A multiplier or ratio, stored exactly in ten-thousandths (1.3 is `Ratio(13_000)`), so that
/// `multiplier × amount` is exact integer arithmetic in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ratio(pub u32);

impl Ratio {
    /// Units per 1.0.
    pub const SCALE: u32 = 10_000;

    /// From a decimal with at most four decimals; `None` when negative, non-finite, too large or
    /// more precise than that.
    pub fn from_f64(value: f64) -> Option<Ratio> {
        let scaled = decimal_scaled(value, 4)?;
        if !scaled.exact {
            return None;
        }
        u32::try_from(scaled.scaled).ok().map(Ratio)
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / f64::from(Self::SCALE)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_f64())
    }
}

impl Serialize for Ratio {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Ratio, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Ratio::from_f64(value).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{value} is not a non-negative decimal with at most 4 decimals"
            ))
        })
    }
}

/// 特困 monthly care supplement by self-care ability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareStandard {
    /// Fully able to care for oneself.
    pub full: Fen,
    /// Partly unable.
    pub partial: Fen,
    /// Wholly unable.
    pub none: Fen,
}

/// The parameters of one area (`urban` or `rural`). Money in fen, yuan in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaStandards {
    /// 低保 standard per person per month.
    pub dibao_standard: Fen,
    /// 特困 basic-living standard = ceil(multiplier × dibao_standard), in whole yuan.
    pub tekun_multiplier: Ratio,
    pub care_standard: CareStandard,
    /// 低保边缘 income line = multiplier × dibao_standard.
    pub marginal_multiplier: Ratio,
    /// Financial assets per capita ≤ months × dibao_standard (低保, 特困).
    pub asset_months: u32,
    /// The same for 低保边缘 and 刚性支出困难.
    pub marginal_asset_months: u32,
    /// Total value of motor vehicles allowed, disability vehicles excluded.
    pub vehicle_limit: Fen,
    /// Residential properties allowed.
    pub max_houses: u32,
    /// Prior-year per-capita disposable income, per year.
    pub disposable_income: Fen,
    /// Share of income above which rigid expenses count as hardship.
    pub rigid_ratio: Ratio,
    /// 支出型临时救助 income line = multiplier × dibao_standard.
    pub expense_multiplier: Ratio,
    /// 小额快救 cap = months × dibao_standard × household size.
    pub quick_relief_months: u32,
}

/// One year's parameters for both areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standards {
    pub year: u16,
    pub urban: AreaStandards,
    pub rural: AreaStandards,
}

/// Why a standards file was refused. `field` is a path such as `urban.rigid_ratio`.
#[derive(Debug, Error)]
pub enum StandardsError {
    #[error("standards file is not valid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{field} must be greater than 0")]
    NotPositive { field: String },
    #[error("{field} must be at least 1 (it is {value})")]
    MultiplierBelowOne { field: String, value: f64 },
    #[error("{field} must be in (0, 1] (it is {value})")]
    RatioOutOfRange { field: String, value: f64 },
    #[error("{field} is larger than any plausible value")]
    TooLarge { field: String },
    #[error("year {year} is outside 2000–2100")]
    YearOutOfRange { year: u16 },
}

const SAMPLE_2026: &str = include_str!("../standards/sample-2026.json");

impl Standards {
    /// Parses a standards file and validates it.
    pub fn from_json(json: &str) -> Result<Standards, StandardsError> {
        let standards: Standards = serde_json::from_str(json)?;
        standards.validate()?;
        Ok(standards)
    }

    /// The sample parameters for 2026 shipped in `standards/sample-2026.json`.
    pub fn sample_2026() -> Standards {
        match Standards::from_json(SAMPLE_2026) {
            Ok(standards) => standards,
            // The file is part of the crate and a test checks it; reaching this is a build defect.
            Err(error) => panic!("standards/sample-2026.json is invalid: {error}"),
        }
    }

    /// The parameters of one area.
    pub fn area(&self, area: Area) -> &AreaStandards {
        match area {
            Area::Urban => &self.urban,
            Area::Rural => &self.rural,
        }
    }

    /// Checks that every parameter makes sense; the first problem found is returned.
    pub fn validate(&self) -> Result<(), StandardsError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(StandardsError::YearOutOfRange { year: self.year });
        }
        self.urban.validate("urban")?;
        self.rural.validate("rural")
    }
}

/// Bound on any money parameter: 10 million yuan.
const MAX_PARAMETER: Fen = Fen::from_whole_yuan(10_000_000);
/// Bound on multipliers.
const MAX_MULTIPLIER: Ratio = Ratio(100 * Ratio::SCALE);
/// Bound on month counts (100 years).
const MAX_MONTHS: u32 = 1200;

impl AreaStandards {
    fn validate(&self, area: &str) -> Result<(), StandardsError> {
        let field = |name: &str| format!("{area}.{name}");
        let money: [(&str, Fen, bool); 6] = [
            ("dibao_standard", self.dibao_standard, true),
            ("care_standard.full", self.care_standard.full, false),
            ("care_standard.partial", self.care_standard.partial, false),
            ("care_standard.none", self.care_standard.none, false),
            ("vehicle_limit", self.vehicle_limit, false),
            ("disposable_income", self.disposable_income, true),
        ];
        for (name, amount, positive) in money {
            if amount.0 < 0 || (positive && amount.0 == 0) {
                return Err(StandardsError::NotPositive { field: field(name) });
            }
            if amount > MAX_PARAMETER {
                return Err(StandardsError::TooLarge { field: field(name) });
            }
        }
        let multipliers = [
            ("tekun_multiplier", self.tekun_multiplier),
            ("marginal_multiplier", self.marginal_multiplier),
            ("expense_multiplier", self.expense_multiplier),
        ];
        for (name, multiplier) in multipliers {
            if multiplier.0 < Ratio::SCALE {
                return Err(StandardsError::MultiplierBelowOne {
                    field: field(name),
                    value: multiplier.as_f64(),
                });
            }
            if multiplier > MAX_MULTIPLIER {
                return Err(StandardsError::TooLarge { field: field(name) });
            }
        }
        if self.rigid_ratio.0 == 0 || self.rigid_ratio.0 > Ratio::SCALE {
            return Err(StandardsError::RatioOutOfRange {
                field: field("rigid_ratio"),
                value: self.rigid_ratio.as_f64(),
            });
        }
        let months = [
            ("asset_months", self.asset_months),
            ("marginal_asset_months", self.marginal_asset_months),
            ("quick_relief_months", self.quick_relief_months),
        ];
        for (name, count) in months {
            if count == 0 {
                return Err(StandardsError::NotPositive { field: field(name) });
            }
            if count > MAX_MONTHS {
                return Err(StandardsError::TooLarge { field: field(name) });
            }
        }
        if self.max_houses > 1000 {
            return Err(StandardsError::TooLarge {
                field: field("max_houses"),
            });
        }
        Ok(())
    }

    /// The care supplement for a self-care level.
    pub fn care(&self, self_care: crate::household::SelfCare) -> Fen {
        use crate::household::SelfCare;
        match self_care {
            SelfCare::Full => self.care_standard.full,
            SelfCare::Partial => self.care_standard.partial,
            SelfCare::Unable => self.care_standard.none,
        }
    }

    /// 特困 basic-living standard: ceil(tekun_multiplier × dibao_standard) in whole yuan.
    pub fn tekun_basic(&self) -> Fen {
        let product = i128::from(self.tekun_multiplier.0) * i128::from(self.dibao_standard.0);
        // product is in fen / SCALE; round up to whole yuan (100 fen).
        let unit = i128::from(Ratio::SCALE) * 100;
        let yuan = (product + unit - 1).div_euclid(unit);
        Fen(i64::try_from(yuan.saturating_mul(100)).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_json() -> serde_json::Value {
        serde_json::from_str(SAMPLE_2026).unwrap()
    }

    #[test]
    fn sample_loads_with_the_policy_numbers() {
        let s = Standards::sample_2026();
        assert_eq!(s.year, 2026);
        assert_eq!(s.urban.dibao_standard, Fen(98_000));
        assert_eq!(s.rural.dibao_standard, Fen(82_000));
        assert_eq!(s.urban.tekun_multiplier, Ratio(13_000));
        assert_eq!(s.urban.marginal_multiplier, Ratio(15_000));
        assert_eq!(s.urban.rigid_ratio, Ratio(7_000));
        assert_eq!(s.urban.expense_multiplier, Ratio(20_000));
        assert_eq!(s.urban.care_standard.none, Fen(100_000));
        assert_eq!(s.urban.disposable_income, Fen(4_500_000));
        assert_eq!(s.rural.disposable_income, Fen(2_300_000));
        assert_eq!(s.urban.asset_months, 24);
        assert_eq!(s.urban.marginal_asset_months, 36);
        assert_eq!(s.urban.vehicle_limit, Fen(3_000_000));
        assert_eq!(s.urban.max_houses, 1);
        assert_eq!(s.urban.quick_relief_months, 1);
    }

    #[test]
    fn tekun_basic_is_ceiled_to_whole_yuan() {
        let s = Standards::sample_2026();
        assert_eq!(s.urban.tekun_basic(), Fen::from_whole_yuan(1274));
        assert_eq!(s.rural.tekun_basic(), Fen::from_whole_yuan(1066));
        let mut a = s.urban;
        a.dibao_standard = Fen(98_050); // 1.3 × 980.50 = 1274.65
        assert_eq!(a.tekun_basic(), Fen::from_whole_yuan(1275));
        a.dibao_standard = Fen(100_000); // 1.3 × 1000 = 1300 exactly
        assert_eq!(a.tekun_basic(), Fen::from_whole_yuan(1300));
    }

    #[test]
    fn serde_round_trip() {
        let s = Standards::sample_2026();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(Standards::from_json(&json).unwrap(), s);
    }

    fn with(path: &[&str], value: serde_json::Value) -> Result<Standards, StandardsError> {
        let mut json = sample_json();
        let mut node = &mut json;
        for key in path {
            node = node.get_mut(*key).unwrap();
        }
        *node = value;
        Standards::from_json(&json.to_string())
    }

    #[test]
    fn invalid_parameters_name_the_field() {
        use serde_json::json;
        let cases: &[(&[&str], serde_json::Value, &str)] = &[
            (
                &["urban", "dibao_standard"],
                json!(0),
                "urban.dibao_standard must be greater than 0",
            ),
            (
                &["rural", "disposable_income"],
                json!(0),
                "rural.disposable_income must be greater than 0",
            ),
            (
                &["urban", "tekun_multiplier"],
                json!(0.9),
                "urban.tekun_multiplier must be at least 1 (it is 0.9)",
            ),
            (
                &["rural", "marginal_multiplier"],
                json!(0.5),
                "rural.marginal_multiplier must be at least 1 (it is 0.5)",
            ),
            (
                &["urban", "expense_multiplier"],
                json!(0),
                "urban.expense_multiplier must be at least 1 (it is 0)",
            ),
            (
                &["urban", "rigid_ratio"],
                json!(0),
                "urban.rigid_ratio must be in (0, 1] (it is 0)",
            ),
            (
                &["urban", "rigid_ratio"],
                json!(1.5),
                "urban.rigid_ratio must be in (0, 1] (it is 1.5)",
            ),
            (
                &["urban", "asset_months"],
                json!(0),
                "urban.asset_months must be greater than 0",
            ),
            (
                &["rural", "quick_relief_months"],
                json!(0),
                "rural.quick_relief_months must be greater than 0",
            ),
            (
                &["urban", "vehicle_limit"],
                json!(1e9),
                "urban.vehicle_limit is larger than any plausible value",
            ),
            (&["year"], json!(1999), "year 1999 is outside 2000–2100"),
        ];
        for (path, value, message) in cases {
            let error = with(path, value.clone()).unwrap_err();
            assert_eq!(error.to_string(), *message, "{path:?}");
        }
        assert!(with(&["urban", "rigid_ratio"], json!(1)).is_ok());
        assert!(with(&["urban", "tekun_multiplier"], json!(1)).is_ok());
    }

    #[test]
    fn malformed_files_are_json_errors() {
        use serde_json::json;
        for (path, value) in [
            (&["urban", "dibao_standard"][..], json!(-1)),
            (&["urban", "tekun_multiplier"][..], json!(1.33333)),
            (&["urban", "asset_months"][..], json!(2.5)),
            (&["urban", "dibao_standard"][..], json!("980")),
        ] {
            assert!(
                matches!(with(path, value), Err(StandardsError::Json(_))),
                "{path:?}"
            );
        }
        assert!(matches!(
            Standards::from_json("{"),
            Err(StandardsError::Json(_))
        ));
        let mut extra = sample_json();
        extra["urban"]["surprise"] = json!(1);
        assert!(Standards::from_json(&extra.to_string()).is_err());
    }
}
