//! Strategies: which of the four measures (措施) an enterprise adopts.
//!
//! A strategy's name is its measures joined by `+` in the canonical order tariff (分类优化),
//! market (市场化交易), pv (屋顶光伏), storage (用户侧储能), or `baseline` for none.

use std::fmt;

/// The four measures, in canonical order.
pub const MEASURES: [&str; 4] = ["tariff", "market", "pv", "storage"];

/// A set of measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Strategy {
    /// Tariff category optimization (分类优化).
    pub tariff: bool,
    /// Market trading (市场化交易).
    pub market: bool,
    /// Rooftop PV (屋顶分布式光伏).
    pub pv: bool,
    /// User-side storage (用户侧储能).
    pub storage: bool,
}

/// Why a strategy name is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StrategyError {
    /// A part is not a measure.
    #[error("`{0}` is not a measure (expected tariff, market, pv or storage)")]
    UnknownMeasure(String),
    /// A measure appears twice.
    #[error("measure `{0}` appears twice")]
    Repeated(String),
    /// Measures are not in canonical order.
    #[error("measures must be in the order tariff, market, pv, storage: write `{0}`")]
    Order(String),
    /// The name is empty.
    #[error("empty strategy name")]
    Empty,
}

impl Strategy {
    /// No measure.
    pub const BASELINE: Strategy = Strategy {
        tariff: false,
        market: false,
        pv: false,
        storage: false,
    };

    /// All four measures.
    pub const ALL: Strategy = Strategy {
        tariff: true,
        market: true,
        pv: true,
        storage: true,
    };

    /// The measures as flags in canonical order.
    pub fn flags(self) -> [bool; 4] {
        [self.tariff, self.market, self.pv, self.storage]
    }

    fn from_flags(f: [bool; 4]) -> Strategy {
        Strategy {
            tariff: f[0],
            market: f[1],
            pv: f[2],
            storage: f[3],
        }
    }

    /// True when no measure is on.
    pub fn is_baseline(self) -> bool {
        self == Strategy::BASELINE
    }

    /// Parse a canonical name (`baseline`, `pv`, `tariff+market+pv+storage`).
    ///
    /// # Errors
    /// [`StrategyError`] for unknown or repeated measures and for a non-canonical order.
    pub fn parse(name: &str) -> Result<Strategy, StrategyError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StrategyError::Empty);
        }
        if name == "baseline" {
            return Ok(Strategy::BASELINE);
        }
        let mut flags = [false; 4];
        let mut last = None;
        let mut in_order = true;
        for part in name.split('+').map(str::trim) {
            let i = MEASURES
                .iter()
                .position(|m| *m == part)
                .ok_or_else(|| StrategyError::UnknownMeasure(part.to_string()))?;
            if flags[i] {
                return Err(StrategyError::Repeated(part.to_string()));
            }
            flags[i] = true;
            if last.is_some_and(|l| l > i) {
                in_order = false;
            }
            last = Some(i);
        }
        let s = Strategy::from_flags(flags);
        if !in_order {
            return Err(StrategyError::Order(s.to_string()));
        }
        Ok(s)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_baseline() {
            return f.write_str("baseline");
        }
        let parts: Vec<&str> = MEASURES
            .iter()
            .zip(self.flags())
            .filter(|(_, on)| *on)
            .map(|(m, _)| *m)
            .collect();
        f.write_str(&parts.join("+"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for bits in 0u8..16 {
            let s =
                Strategy::from_flags([bits & 1 != 0, bits & 2 != 0, bits & 4 != 0, bits & 8 != 0]);
            assert_eq!(Strategy::parse(&s.to_string()), Ok(s));
        }
        assert_eq!(Strategy::ALL.to_string(), "tariff+market+pv+storage");
    }

    #[test]
    fn rejects_bad_names() {
        assert_eq!(
            Strategy::parse("pv+tariff"),
            Err(StrategyError::Order("tariff+pv".into()))
        );
        assert_eq!(
            Strategy::parse("pv+pv"),
            Err(StrategyError::Repeated("pv".into()))
        );
        assert!(matches!(
            Strategy::parse("solar"),
            Err(StrategyError::UnknownMeasure(_))
        ));
        assert_eq!(Strategy::parse(""), Err(StrategyError::Empty));
    }
}
