//! Market trading (市场化交易): how an enterprise buys its energy. Grid agency purchase
//! (电网代理购电), the 1.5x price of users who returned from the market, retail packages
//! (售电公司套餐: fixed price, fixed discount, share of the price difference 价差分成) and direct
//! medium/long-term contracts (中长期合同) with deviation settlement (偏差结算).
//!
//! Each mode yields the price of the *purchase* component of the tariff per TOU band and month;
//! the regulated components (line loss, T&D, system operation, government funds) stay with the
//! tariff. Contracts add a deviation cost per month. Knows nothing of PV or storage: it is given
//! the energy the enterprise draws from the grid.

pub mod rules;
pub use rules::{MarketError, MarketRules};

/// TOU bands, in the order used by every `[f64; 4]` of this module.
pub const BANDS: [&str; 4] = ["critical", "peak", "flat", "valley"];

/// How an enterprise buys its energy.
#[derive(Debug, Clone, PartialEq)]
pub enum PurchaseMode {
    /// Grid agency purchase at the monthly agency price (电网代理购电).
    Agency,
    /// Agency purchase by a user who left the market and returned: the agency price times the
    /// returned-user multiplier (1.5).
    AgencyReturned,
    /// Retail package at a fixed energy price [yuan/kWh] (flat-equivalent; TOU ratios apply).
    RetailFixed {
        /// Flat-period price [yuan/kWh].
        price_yuan_per_kwh: f64,
    },
    /// Retail package at a fixed discount off the agency price [yuan/kWh].
    RetailDiscount {
        /// Discount [yuan/kWh].
        discount_yuan_per_kwh: f64,
    },
    /// Retail package sharing the difference between agency price and wholesale price
    /// (价差分成): the user pays `agency − (1 − share)·(agency − wholesale)`.
    RetailShare {
        /// Wholesale price below agency, as a fraction of the agency price.
        wholesale_discount_fraction: f64,
        /// Retailer's share of the difference [fraction].
        retailer_share_fraction: f64,
    },
    /// A direct medium/long-term contract with deviation settlement.
    Contract(Box<Contract>),
}

/// A direct medium/long-term contract (中长期合同).
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// Contract price (flat-equivalent) [yuan/kWh]; must lie within the band around the coal
    /// benchmark ([`MarketRules::contract_price_range`]).
    pub price_yuan_per_kwh: f64,
    /// Contracted volume per month, and per TOU band when banded [kWh]. Unbanded contracts put
    /// the month's whole volume in the `flat` slot (index 2).
    pub volume_kwh: [[f64; 4]; 12],
    /// Whether the contract is split into TOU bands (分时段合同): each band then has its own
    /// volume and a price of `price × band ratio`, and deviations are settled band by band.
    pub banded: bool,
    /// Deviations within ± this share of the contracted volume are free [fraction].
    pub tolerance_fraction: f64,
    /// Energy above the upper tolerance is paid at this multiple of the contract price.
    pub over_use_price_factor: f64,
    /// Contracted energy not used below the lower tolerance costs this multiple of the
    /// contract price per kWh of shortfall.
    pub under_use_price_factor: f64,
}

/// What one month of purchases costs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MonthSettlement {
    /// Energy drawn [kWh].
    pub kwh: f64,
    /// Purchase-component cost of that energy at the mode's prices [yuan].
    pub energy_yuan: f64,
    /// Deviation cost of a contract (over-use premium + under-use penalty) [yuan].
    pub deviation_yuan: f64,
}

impl MonthSettlement {
    /// Energy plus deviation [yuan].
    pub fn total_yuan(&self) -> f64 {
        self.energy_yuan + self.deviation_yuan
    }
}

/// Purchase price per TOU band of one month for a mode [yuan/kWh].
///
/// # Arguments
/// * `mode` - the purchase mode
/// * `agency_flat_yuan_per_kwh` - the month's agency purchase price (flat-equivalent) [yuan/kWh]
/// * `tou_ratios` - the tariff's TOU multipliers of the purchase component, critical, peak, flat,
///   valley (1.92, 1.6, 1, 0.4 under 湘发改价调〔2025〕385号; all 1 when the purchase component
///   does not float)
/// * `rules` - market rules (returned-user multiplier, banded-contract ratios)
///
/// # Notes
/// Every mode but a banded contract keeps the tariff's TOU ratios (market users follow TOU since
/// 发改价格〔2021〕1439号); a banded contract prices each band at `price × band ratio` of the
/// market rules instead.
pub fn band_prices(
    mode: &PurchaseMode,
    agency_flat_yuan_per_kwh: f64,
    tou_ratios: [f64; 4],
    rules: &MarketRules,
) -> [f64; 4] {
    let a = agency_flat_yuan_per_kwh;
    let flat = match mode {
        PurchaseMode::Agency => a,
        PurchaseMode::AgencyReturned => a * rules.returned_multiplier,
        PurchaseMode::RetailFixed { price_yuan_per_kwh } => *price_yuan_per_kwh,
        PurchaseMode::RetailDiscount {
            discount_yuan_per_kwh,
        } => a - discount_yuan_per_kwh,
        PurchaseMode::RetailShare {
            wholesale_discount_fraction,
            retailer_share_fraction,
        } => {
            let wholesale = a * (1.0 - wholesale_discount_fraction);
            a - (1.0 - retailer_share_fraction) * (a - wholesale)
        }
        PurchaseMode::Contract(c) if c.banded => {
            return rules.band_ratios.map(|r| c.price_yuan_per_kwh * r);
        }
        PurchaseMode::Contract(c) => c.price_yuan_per_kwh,
    };
    tou_ratios.map(|r| flat * r)
}

/// Settle one month: the purchase-component cost of the energy drawn per band, and a
/// contract's deviation cost.
///
/// # Arguments
/// * `month` - 0-11
/// * `kwh_by_band` - energy drawn from the grid per band (critical, peak, flat, valley) [kWh]
///
/// # Notes
/// Deviation settlement of a contract with volume `V`, tolerance `b`, price `p` (per band for
/// banded contracts, on the month's total otherwise), energy used `Q`:
/// * `Q > V(1+b)`: the excess `Q − V(1+b)` costs `(f_over − 1)·p` per kWh on top of its energy
///   price (so it is paid at `f_over·p` in all);
/// * `Q < V(1−b)`: the shortfall `V(1−b) − Q` costs `f_under·p` per kWh;
/// * otherwise nothing.
///
/// This is the usual structure of Chinese medium/long-term deviation settlement
/// (偏差考核); Hunan's own parameters (湘发改价调〔2025〕655号) were not found, so the factors
/// are scenario inputs with estimated defaults.
pub fn settle_month(
    mode: &PurchaseMode,
    month: usize,
    agency_flat_yuan_per_kwh: f64,
    tou_ratios: [f64; 4],
    kwh_by_band: [f64; 4],
    rules: &MarketRules,
) -> MonthSettlement {
    let prices = band_prices(mode, agency_flat_yuan_per_kwh, tou_ratios, rules);
    let kwh: f64 = kwh_by_band.iter().sum();
    let energy_yuan: f64 = prices.iter().zip(kwh_by_band).map(|(p, q)| p * q).sum();
    let deviation_yuan = match mode {
        PurchaseMode::Contract(c) => {
            let v = c.volume_kwh[month.min(11)];
            if c.banded {
                (0..4)
                    .map(|b| {
                        deviation(
                            c,
                            v[b],
                            kwh_by_band[b],
                            c.price_yuan_per_kwh * rules.band_ratios[b],
                        )
                    })
                    .sum()
            } else {
                deviation(c, v.iter().sum(), kwh, c.price_yuan_per_kwh)
            }
        }
        _ => 0.0,
    };
    MonthSettlement {
        kwh,
        energy_yuan,
        deviation_yuan,
    }
}

fn deviation(c: &Contract, volume: f64, used: f64, price: f64) -> f64 {
    let hi = volume * (1.0 + c.tolerance_fraction);
    let lo = volume * (1.0 - c.tolerance_fraction);
    if used > hi {
        (used - hi) * (c.over_use_price_factor - 1.0) * price
    } else if used < lo {
        (lo - used) * c.under_use_price_factor * price
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    const TOU: [f64; 4] = [1.92, 1.6, 1.0, 0.4];
    // 1,000 kWh critical, 30,000 peak, 40,000 flat, 29,000 valley = 100,000 kWh.
    const USE: [f64; 4] = [1_000.0, 30_000.0, 40_000.0, 29_000.0];

    fn rules() -> MarketRules {
        MarketRules::embedded()
    }

    fn contract(banded: bool, volume: [f64; 4]) -> Contract {
        let mut v = [[0.0; 4]; 12];
        v[6] = volume;
        Contract {
            price_yuan_per_kwh: 0.47,
            volume_kwh: v,
            banded,
            tolerance_fraction: 0.05,
            over_use_price_factor: 1.1,
            under_use_price_factor: 0.1,
        }
    }

    #[test]
    fn agency_purchase_by_hand() {
        // Agency 0.50: 1,000x0.96 + 30,000x0.80 + 40,000x0.50 + 29,000x0.20
        // = 960 + 24,000 + 20,000 + 5,800 = 50,760 yuan.
        let s = settle_month(&PurchaseMode::Agency, 6, 0.50, TOU, USE, &rules());
        assert_relative_eq!(s.energy_yuan, 50_760.0, max_relative = 1e-12);
        assert_relative_eq!(s.kwh, 100_000.0);
        assert!(s.deviation_yuan.abs() < 1e-12);
    }

    #[test]
    fn returned_user_pays_one_and_a_half_times() {
        // 1.5 x 50,760 = 76,140 yuan.
        let s = settle_month(&PurchaseMode::AgencyReturned, 6, 0.50, TOU, USE, &rules());
        assert_relative_eq!(s.energy_yuan, 76_140.0, max_relative = 1e-12);
    }

    #[test]
    fn retail_packages_by_hand() {
        // Time-weighted ratio of this use: 50,760 / (0.5 x 100,000) = 1.0152.
        // Fixed 0.46: 0.46 x 1.0152 x 100,000 = 46,699.2 yuan.
        let fixed = PurchaseMode::RetailFixed {
            price_yuan_per_kwh: 0.46,
        };
        let s = settle_month(&fixed, 0, 0.50, TOU, USE, &rules());
        assert_relative_eq!(s.energy_yuan, 46_699.2, max_relative = 1e-12);
        // Discount 0.01 off 0.50 -> 0.49: 0.49 x 101,520 = 49,744.8 yuan.
        let disc = PurchaseMode::RetailDiscount {
            discount_yuan_per_kwh: 0.01,
        };
        let s = settle_month(&disc, 0, 0.50, TOU, USE, &rules());
        assert_relative_eq!(s.energy_yuan, 49_744.8, max_relative = 1e-12);
        // Share: wholesale 3% below 0.50 = 0.485; difference 0.015, retailer keeps 30%, user
        // gets 0.0105 -> 0.4895 x 101,520 = 49,694.04 yuan.
        let share = PurchaseMode::RetailShare {
            wholesale_discount_fraction: 0.03,
            retailer_share_fraction: 0.3,
        };
        let s = settle_month(&share, 0, 0.50, TOU, USE, &rules());
        assert_relative_eq!(s.energy_yuan, 49_694.04, max_relative = 1e-12);
    }

    #[test]
    fn contract_within_band_has_no_deviation() {
        let c = PurchaseMode::Contract(Box::new(contract(false, [0.0, 0.0, 98_000.0, 0.0])));
        let s = settle_month(&c, 6, 0.50, TOU, USE, &rules());
        // 0.47 x 101,520 = 47,714.4 yuan; 100,000 is within 98,000 x (1 ± 5%).
        assert_relative_eq!(s.energy_yuan, 47_714.4, max_relative = 1e-12);
        assert!(s.deviation_yuan.abs() < 1e-12);
    }

    #[test]
    fn contract_under_use_beyond_band() {
        // Contract 120,000: lower edge 114,000; shortfall 14,000 x 0.1 x 0.47 = 658 yuan.
        let c = PurchaseMode::Contract(Box::new(contract(false, [0.0, 0.0, 120_000.0, 0.0])));
        let s = settle_month(&c, 6, 0.50, TOU, USE, &rules());
        assert_relative_eq!(s.deviation_yuan, 658.0, max_relative = 1e-12);
        assert_relative_eq!(s.total_yuan(), 47_714.4 + 658.0, max_relative = 1e-12);
        // Another month has no contracted volume: everything is over-use.
        let s = settle_month(&c, 0, 0.50, TOU, USE, &rules());
        // 100,000 x (1.1 - 1) x 0.47 = 4,700 yuan.
        assert_relative_eq!(s.deviation_yuan, 4_700.0, max_relative = 1e-12);
    }

    #[test]
    fn contract_over_use_beyond_band() {
        // Contract 80,000: upper edge 84,000; excess 16,000 x 0.1 x 0.47 = 752 yuan.
        let c = PurchaseMode::Contract(Box::new(contract(false, [0.0, 0.0, 80_000.0, 0.0])));
        let s = settle_month(&c, 6, 0.50, TOU, USE, &rules());
        assert_relative_eq!(s.deviation_yuan, 752.0, max_relative = 1e-12);
    }

    #[test]
    fn banded_contract_by_hand() {
        // Band prices 0.47 x (1.92, 1.6, 1, 0.4) = 0.9024, 0.752, 0.47, 0.188.
        // Energy: 1,000x0.9024 + 30,000x0.752 + 40,000x0.47 + 29,000x0.188
        //       = 902.4 + 22,560 + 18,800 + 5,452 = 47,714.4 yuan.
        // Volumes 1,000 / 25,000 / 40,000 / 35,000:
        //   peak: 30,000 > 26,250 -> 3,750 x 0.1 x 0.752 = 282 yuan
        //   valley: 29,000 < 33,250 -> 4,250 x 0.1 x 0.188 = 79.9 yuan
        //   critical and flat within band. Deviation 361.9 yuan.
        let c = PurchaseMode::Contract(Box::new(contract(
            true,
            [1_000.0, 25_000.0, 40_000.0, 35_000.0],
        )));
        let s = settle_month(&c, 6, 0.50, TOU, USE, &rules());
        assert_relative_eq!(s.energy_yuan, 47_714.4, max_relative = 1e-12);
        assert_relative_eq!(s.deviation_yuan, 361.9, max_relative = 1e-12);
    }

    #[test]
    fn contract_price_range_is_the_band_around_the_benchmark() {
        let (lo, hi) = rules().contract_price_range();
        assert_relative_eq!(lo, 0.36, max_relative = 1e-12);
        assert_relative_eq!(hi, 0.54, max_relative = 1e-12);
    }
}
