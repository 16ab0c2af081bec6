//! The power-factor adjustment table (功率因数调整电费表) of 《功率因数调整电费办法》,
//! (83)水电财字第215号, for the three standards 0.90, 0.85 and 0.80.
//!
//! Owns the step tables and the lookup. The rule behind every table (national, 1983):
//! * at or above the standard, the bill is reduced by 0.1 % for each 0.01 of power factor above
//!   the standard up to 0.90, then by 0.15 % for each 0.01 above 0.90, up to a maximum reduction
//!   of 0.75 % (standard 0.90, reached at 0.95), 1.1 % (standard 0.85, at 0.94) or 1.3 %
//!   (standard 0.80, at 0.92);
//! * below the standard, the bill is increased by 0.5 % for each 0.01 for the first 0.20 below the
//!   standard (to +10 %), then by 1 % for each 0.01 for the next 0.05 (to +15 %), then by 2 % for
//!   each further 0.01.
//!
//! The 0.90 table is reproduced in hunan.md section 5 (HIGH: a State Grid Jiangsu PDF via
//! `AdjustPowerFactorFee`). The 0.85 and 0.80 tables are derived from the rule above; their
//! maximum reductions (-1.1 %, -1.3 %) agree with hunan.md section 5 (MED) and a unit test checks
//! every row against the rule. The power factor is rounded half-up to two decimals before lookup,
//! as on the national table, which is given in steps of 0.01.
//!
//! Which standard applies (national rule): 0.90 for high-voltage industrial users of 160 kVA or
//! more and high-voltage agricultural pumping; 0.85 for other industrial and non-industrial users
//! and pumping stations of 100 kVA (kW) or more; 0.80 for agricultural users of 100 kVA or more
//! and wholesale. The caller chooses it in [`crate::tariff::Customer`].
//!
//! # References
//! [1] 水利电力部, 国家物价局, 《功率因数调整电费办法》, (83)水电财字第215号, 1983.

/// The power-factor standard (考核标准) a customer is assessed against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PfStandard {
    /// 0.90: high-voltage industrial users >= 160 kVA, high-voltage agricultural pumping.
    Pf090,
    /// 0.85: other industrial, non-industrial users and pumping stations >= 100 kVA (kW).
    Pf085,
    /// 0.80: agricultural users >= 100 kVA and wholesale users.
    Pf080,
}

impl PfStandard {
    /// The standard power factor [-] (0.90, 0.85 or 0.80).
    pub fn value(self) -> f64 {
        match self {
            PfStandard::Pf090 => 0.90,
            PfStandard::Pf085 => 0.85,
            PfStandard::Pf080 => 0.80,
        }
    }
    fn table(self) -> &'static [(u8, i32)] {
        match self {
            PfStandard::Pf090 => &PF_0_90,
            PfStandard::Pf085 => &PF_0_85,
            PfStandard::Pf080 => &PF_0_80,
        }
    }
}

#[rustfmt::skip]
mod tables {
/// Standard 0.90: (power factor x 100, adjustment [1/100 %]) from 1.00 down to the last
/// 1 %-step row; below it each further 0.01 adds 2 % (see [`adjustment_fraction`]).
pub const PF_0_90: [(u8, i32); 36] = [
    (100, -75), (99, -75), (98, -75), (97, -75), (96, -75), (95, -75),
    (94, -60), (93, -45), (92, -30), (91, -15), (90, 0), (89, 50),
    (88, 100), (87, 150), (86, 200), (85, 250), (84, 300), (83, 350),
    (82, 400), (81, 450), (80, 500), (79, 550), (78, 600), (77, 650),
    (76, 700), (75, 750), (74, 800), (73, 850), (72, 900), (71, 950),
    (70, 1000), (69, 1100), (68, 1200), (67, 1300), (66, 1400), (65, 1500),
];

/// Standard 0.85: (power factor x 100, adjustment [1/100 %]) from 1.00 down to the last
/// 1 %-step row; below it each further 0.01 adds 2 % (see [`adjustment_fraction`]).
pub const PF_0_85: [(u8, i32); 41] = [
    (100, -110), (99, -110), (98, -110), (97, -110), (96, -110), (95, -110),
    (94, -110), (93, -95), (92, -80), (91, -65), (90, -50), (89, -40),
    (88, -30), (87, -20), (86, -10), (85, 0), (84, 50), (83, 100),
    (82, 150), (81, 200), (80, 250), (79, 300), (78, 350), (77, 400),
    (76, 450), (75, 500), (74, 550), (73, 600), (72, 650), (71, 700),
    (70, 750), (69, 800), (68, 850), (67, 900), (66, 950), (65, 1000),
    (64, 1100), (63, 1200), (62, 1300), (61, 1400), (60, 1500),
];

/// Standard 0.80: (power factor x 100, adjustment [1/100 %]) from 1.00 down to the last
/// 1 %-step row; below it each further 0.01 adds 2 % (see [`adjustment_fraction`]).
pub const PF_0_80: [(u8, i32); 46] = [
    (100, -130), (99, -130), (98, -130), (97, -130), (96, -130), (95, -130),
    (94, -130), (93, -130), (92, -130), (91, -115), (90, -100), (89, -90),
    (88, -80), (87, -70), (86, -60), (85, -50), (84, -40), (83, -30),
    (82, -20), (81, -10), (80, 0), (79, 50), (78, 100), (77, 150),
    (76, 200), (75, 250), (74, 300), (73, 350), (72, 400), (71, 450),
    (70, 500), (69, 550), (68, 600), (67, 650), (66, 700), (65, 750),
    (64, 800), (63, 850), (62, 900), (61, 950), (60, 1000), (59, 1100),
    (58, 1200), (57, 1300), (56, 1400), (55, 1500),
];

}
pub use tables::{PF_0_80, PF_0_85, PF_0_90};

/// Round a power factor half-up to hundredths, as the table is read (e.g. 0.895 -> 90).
///
/// # Arguments
/// * `pf` - power factor [-], clamped to 0..=1; NaN gives 0
pub fn pf_hundredths(pf: f64) -> u8 {
    if pf.is_nan() {
        return 0;
    }
    // The 1e-9 guard makes decimal halves such as 0.895 (stored as 0.89499999...) round up.
    let h = (pf.clamp(0.0, 1.0) * 100.0 + 0.5 + 1e-9).floor();
    h as u8
}

/// The monthly power factor from active and reactive energy: P / sqrt(P^2 + Q^2).
///
/// # Arguments
/// * `kwh` - active energy of the month [kWh], >= 0
/// * `kvarh` - reactive energy of the month [kvarh], >= 0
///
/// # Returns
/// The power factor [-], or `None` when both energies are zero.
pub fn power_factor(kwh: f64, kvarh: f64) -> Option<f64> {
    let s = kwh.hypot(kvarh);
    (s > 0.0).then(|| kwh / s)
}

/// The adjustment of the (energy + basic) charge for a power factor under a standard, as a
/// fraction (negative = reduction): e.g. standard 0.90 and pf 0.80 -> +0.05.
///
/// # Arguments
/// * `standard` - the customer's standard
/// * `pf` - monthly power factor [-] (rounded half-up to 0.01 here)
///
/// # References
/// [1] 《功率因数调整电费办法》, (83)水电财字第215号, 1983.
pub fn adjustment_fraction(standard: PfStandard, pf: f64) -> f64 {
    let h = pf_hundredths(pf);
    let table = standard.table();
    let &(last_pf, last_adj) = table.last().expect("tables are not empty");
    let hundredths_of_percent = match table.iter().find(|(p, _)| *p == h) {
        Some(&(_, a)) => a,
        None => last_adj + 200 * (i32::from(last_pf) - i32::from(h)),
    };
    f64::from(hundredths_of_percent) / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// The national rule, stated once independently of the tables, in 1/100 %.
    fn rule(std: i32, pf: i32) -> i32 {
        if pf >= std {
            let adj: i32 = (std + 1..=pf).map(|p| if p <= 90 { 10 } else { 15 }).sum();
            let cap = match std {
                90 => 75,
                85 => 110,
                _ => 130,
            };
            -adj.min(cap)
        } else {
            let d = std - pf;
            if d <= 20 {
                50 * d
            } else if d <= 25 {
                1000 + 100 * (d - 20)
            } else {
                1500 + 200 * (d - 25)
            }
        }
    }

    #[test]
    fn every_row_follows_the_national_rule() {
        for (std, s) in [
            (90, PfStandard::Pf090),
            (85, PfStandard::Pf085),
            (80, PfStandard::Pf080),
        ] {
            for pf in 0..=100 {
                let got = adjustment_fraction(s, f64::from(pf) / 100.0);
                assert_relative_eq!(got, f64::from(rule(std, pf)) / 10_000.0, epsilon = 1e-12);
            }
        }
    }

    #[test]
    fn table_0_90_matches_hunan_md_section_5() {
        let a = |pf| adjustment_fraction(PfStandard::Pf090, pf);
        assert_relative_eq!(a(1.00), -0.0075);
        assert_relative_eq!(a(0.95), -0.0075);
        assert_relative_eq!(a(0.94), -0.0060);
        assert_relative_eq!(a(0.91), -0.0015);
        assert_relative_eq!(a(0.90), 0.0);
        assert_relative_eq!(a(0.89), 0.005);
        assert_relative_eq!(a(0.70), 0.10);
        assert_relative_eq!(a(0.69), 0.11);
        assert_relative_eq!(a(0.65), 0.15);
        assert_relative_eq!(a(0.64), 0.17);
    }

    #[test]
    fn maximum_reductions_of_the_other_standards() {
        assert_relative_eq!(adjustment_fraction(PfStandard::Pf085, 0.94), -0.011);
        assert_relative_eq!(adjustment_fraction(PfStandard::Pf085, 0.93), -0.0095);
        assert_relative_eq!(adjustment_fraction(PfStandard::Pf080, 0.92), -0.013);
        assert_relative_eq!(adjustment_fraction(PfStandard::Pf080, 0.91), -0.0115);
        assert_relative_eq!(adjustment_fraction(PfStandard::Pf080, 0.90), -0.010);
    }

    #[test]
    fn rounding_is_half_up_to_hundredths() {
        assert_eq!(pf_hundredths(0.895), 90);
        assert_eq!(pf_hundredths(0.8949), 89);
        assert_eq!(pf_hundredths(0.8), 80);
        assert_eq!(pf_hundredths(1.2), 100);
        assert_eq!(pf_hundredths(f64::NAN), 0);
        assert_relative_eq!(power_factor(100.0, 75.0).unwrap(), 0.8, epsilon = 1e-15);
        assert!(power_factor(0.0, 0.0).is_none());
    }
}
