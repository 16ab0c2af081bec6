//! The market rules and prices of a province, read from `data/market/<province>.toml`.

use serde::Deserialize;

/// The embedded Hunan market data.
pub const HUNAN_MARKET_TOML: &str = include_str!("../../data/market/hunan.toml");

/// Errors reading market data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MarketError {
    /// The data file is malformed.
    #[error("market data: {0}")]
    Parse(String),
    /// A value is out of its valid range.
    #[error("market data: `{key}` = {value}: expected {expected}")]
    Range {
        /// Key path.
        key: String,
        /// Value found.
        value: f64,
        /// Valid range.
        expected: String,
    },
}

#[derive(Deserialize)]
struct Valued {
    #[serde(alias = "yuan_per_kwh", alias = "fraction", alias = "multiplier")]
    value: f64,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    #[serde(default)]
    date: String,
    #[allow(dead_code)]
    confidence: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Note {
    source: String,
    confidence: String,
}

#[derive(Deserialize)]
struct Ratios {
    critical: f64,
    peak: f64,
    flat: f64,
    valley: f64,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    confidence: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    coal_benchmark: Valued,
    contract_band: Valued,
    returned_user: Valued,
    #[allow(dead_code)]
    deviation: Note,
    band_ratios: Ratios,
}

/// Market rules of a province.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketRules {
    /// Coal-fired benchmark price (燃煤发电基准价) [yuan/kWh].
    pub coal_benchmark_yuan_per_kwh: f64,
    /// Contract prices may float this share around the benchmark [fraction].
    pub contract_band_fraction: f64,
    /// Price multiplier of users returned from the market.
    pub returned_multiplier: f64,
    /// Banded-contract price ratios: critical, peak, flat, valley.
    pub band_ratios: [f64; 4],
}

impl MarketRules {
    /// Hunan's rules, `data/market/hunan.toml`.
    pub fn embedded() -> MarketRules {
        MarketRules::parse(HUNAN_MARKET_TOML).expect("embedded market data is checked by a test")
    }

    /// Parse market data.
    ///
    /// # Errors
    /// [`MarketError`] when the file is malformed or a value out of range.
    pub fn parse(text: &str) -> Result<MarketRules, MarketError> {
        let r: RawRules = toml::from_str(text).map_err(|e| MarketError::Parse(e.to_string()))?;
        let check = |key: &str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(v)
            } else {
                Err(MarketError::Range {
                    key: key.into(),
                    value: v,
                    expected: format!("a number in {lo}..={hi}"),
                })
            }
        };
        let br = &r.band_ratios;
        Ok(MarketRules {
            coal_benchmark_yuan_per_kwh: check("coal_benchmark", r.coal_benchmark.value, 0.0, 2.0)?,
            contract_band_fraction: check("contract_band", r.contract_band.value, 0.0, 1.0)?,
            returned_multiplier: check("returned_user", r.returned_user.value, 1.0, 5.0)?,
            band_ratios: [
                check("band_ratios.critical", br.critical, 0.0, 10.0)?,
                check("band_ratios.peak", br.peak, 0.0, 10.0)?,
                check("band_ratios.flat", br.flat, 0.0, 10.0)?,
                check("band_ratios.valley", br.valley, 0.0, 10.0)?,
            ],
        })
    }

    /// The range contract prices must lie in [yuan/kWh].
    pub fn contract_price_range(&self) -> (f64, f64) {
        let b = self.coal_benchmark_yuan_per_kwh;
        (
            b * (1.0 - self.contract_band_fraction),
            b * (1.0 + self.contract_band_fraction),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse() {
        let r = MarketRules::embedded();
        assert!((r.coal_benchmark_yuan_per_kwh - 0.45).abs() < 1e-12);
        assert!((r.returned_multiplier - 1.5).abs() < 1e-12);
    }

    #[test]
    fn out_of_range_is_an_error() {
        let bad = HUNAN_MARKET_TOML.replace("multiplier = 1.5", "multiplier = 0.5");
        assert!(matches!(
            MarketRules::parse(&bad),
            Err(MarketError::Range { .. })
        ));
    }
}
