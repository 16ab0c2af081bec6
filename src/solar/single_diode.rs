//! Single-diode module model (单二极管模型) with the CEC/De Soto parameter translation, solved
//! at the maximum power point.
//!
//! Must not know about irradiance models: effective irradiance and cell temperature in, module
//! power out.

/// CEC (De Soto) single-diode parameters of a module at STC.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CecModule {
    /// Module area [m²].
    pub area_m2: f64,
    /// Maximum-power voltage at STC [V].
    pub vmp_v: f64,
    /// Maximum-power current at STC [A].
    pub imp_a: f64,
    /// Open-circuit voltage at STC [V].
    pub voc_v: f64,
    /// Temperature coefficient of the short-circuit current [A/°C].
    pub alpha_isc_a_per_c: f64,
    /// Modified ideality factor `n Ns k T/q` at STC [V].
    pub a_ref_v: f64,
    /// Light-generated current at STC [A].
    pub il_ref_a: f64,
    /// Diode saturation current at STC [A].
    pub io_ref_a: f64,
    /// Series resistance [Ω].
    pub rs_ohm: f64,
    /// Shunt resistance at 1000 W/m² [Ω].
    pub rsh_ref_ohm: f64,
    /// CEC adjustment of the temperature coefficient of Isc [%].
    pub adjust_percent: f64,
    /// Band gap at STC [eV].
    pub bandgap_ev: f64,
    /// Relative temperature dependence of the band gap [1/K].
    pub bandgap_temp_coeff_per_k: f64,
}

impl CecModule {
    /// Nameplate power `Vmp · Imp` at STC [W].
    pub fn nameplate_w(&self) -> f64 {
        self.vmp_v * self.imp_a
    }

    /// STC efficiency `Vmp · Imp / (1000 W/m² · area)` [-].
    pub fn stc_efficiency(&self) -> f64 {
        self.nameplate_w() / (1000.0 * self.area_m2)
    }
}

/// Boltzmann constant [eV/K], as in the CEC model of SAM.
const K_B_EV_PER_K: f64 = 8.618e-5;
/// STC cell temperature [K].
const T_REF_K: f64 = 298.15;

/// Module power at the maximum power point, CEC single-diode model [W].
///
/// # Arguments
/// * `module`: CEC parameters; `effective_irradiance_w_per_m2`: irradiance reaching the cells
///   [W/m²]; `temp_cell_c`: cell temperature [°C].
///
/// # Returns
/// The maximum of `V·I` on the I-V curve; 0 below 1 W/m².
///
/// # Notes
/// Parameters at operating conditions (eqs. 6, 9, 10, 17 and 24 of the reference, with SAM's
/// `Adjust` on the Isc coefficient):
/// `I_L = G/1000 (I_L,ref + α (1 − Adj/100)(T − T_ref))`, `I_0 = I_0,ref (T/T_ref)³
/// exp((E_g,ref/T_ref − E_g/T)/k)`, `E_g = E_g,ref (1 + c (T − T_ref))`, `a = a_ref T/T_ref`,
/// `R_sh = R_sh,ref · 1000/G`. The maximum power point is found on the diode voltage `V_d`
/// (`I = I_L − I_0 (exp(V_d/a) − 1) − V_d/R_sh`, `V = V_d − I R_s`) by a safeguarded Newton
/// iteration on `dP/dV_d = 0`, to 1e-9 V.
///
/// # References
/// W. De Soto, S. A. Klein and W. A. Beckman, "Improvement and validation of a model for
/// photovoltaic array performance," *Solar Energy*, vol. 80, no. 1, pp. 78-88, 2006.
/// <https://doi.org/10.1016/j.solener.2005.06.010>; A. P. Dobos, "An improved coefficient
/// calculator for the California Energy Commission 6 parameter photovoltaic module model,"
/// *J. Solar Energy Eng.*, vol. 134, no. 2, 021011, 2012. <https://doi.org/10.1115/1.4005759>
pub fn cec_max_power_w(
    module: &CecModule,
    effective_irradiance_w_per_m2: f64,
    temp_cell_c: f64,
) -> f64 {
    let g = effective_irradiance_w_per_m2;
    if g.is_nan() || g < 1.0 {
        return 0.0;
    }
    let t = temp_cell_c + 273.15;
    let dt = t - T_REF_K;
    let mu_isc = module.alpha_isc_a_per_c * (1.0 - module.adjust_percent / 100.0);
    let il = (g / 1000.0 * (module.il_ref_a + mu_isc * dt)).max(0.0);
    let eg = module.bandgap_ev * (1.0 + module.bandgap_temp_coeff_per_k * dt);
    let io = module.io_ref_a
        * (t / T_REF_K).powi(3)
        * ((module.bandgap_ev / T_REF_K - eg / t) / K_B_EV_PER_K).exp();
    let a = module.a_ref_v * t / T_REF_K;
    let rsh = module.rsh_ref_ohm * 1000.0 / g;
    let rs = module.rs_ohm;
    if il <= 0.0 {
        return 0.0;
    }
    // Open circuit: I = 0 at V = V_d; Newton from the ideal-diode value (f is concave).
    let f = |vd: f64| il - io * ((vd / a).exp() - 1.0) - vd / rsh;
    let mut voc = a * (il / io + 1.0).ln();
    for _ in 0..50 {
        let e = (voc / a).exp();
        let step = f(voc) / (io / a * e + 1.0 / rsh);
        voc += step;
        if step.abs() < 1e-12 {
            break;
        }
    }
    // dP/dVd = I dV/dVd + V dI/dVd with dI/dVd = −I0/a e − 1/Rsh, dV/dVd = 1 − Rs dI/dVd.
    let deriv = |vd: f64| {
        let e = (vd / a).exp();
        let i = il - io * (e - 1.0) - vd / rsh;
        let di = -io / a * e - 1.0 / rsh;
        let d2i = -io / (a * a) * e;
        let v = vd - i * rs;
        let dv = 1.0 - rs * di;
        let d2v = -rs * d2i;
        (i * dv + v * di, 2.0 * di * dv + i * d2v + v * d2i, v * i)
    };
    let (mut lo, mut hi) = (0.0, voc);
    let mut vd = 0.85 * voc;
    for _ in 0..100 {
        let (d1, d2, _) = deriv(vd);
        if d1 > 0.0 {
            lo = vd;
        } else {
            hi = vd;
        }
        let mut next = vd - d1 / d2;
        if !(next > lo && next < hi) || d2 >= 0.0 {
            next = 0.5 * (lo + hi);
        }
        let done = (next - vd).abs() < 1e-9;
        vd = next;
        if done {
            break;
        }
    }
    deriv(vd).2.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    const CS1H: CecModule = CecModule {
        area_m2: 1.6864,
        vmp_v: 35.8,
        imp_a: 9.01,
        voc_v: 43.3,
        alpha_isc_a_per_c: 0.004755,
        a_ref_v: 1.65916,
        il_ref_a: 9.51393,
        io_ref_a: 4.37813e-11,
        rs_ohm: 0.269953,
        rsh_ref_ohm: 654.059,
        adjust_percent: 5.79586,
        bandgap_ev: 1.12,
        bandgap_temp_coeff_per_k: -0.0002677,
    };

    #[test]
    fn matches_pvlib_max_power_point() {
        // pvlib 0.16.1 pvsystem.max_power_point(IL, I0, Rs, Rsh, nNsVth, method="newton") with
        // the operating parameters computed as in `cec_max_power_w` (tools/make_pv_goldens.py)
        for (g, t, p) in PVLIB_MPP {
            assert_relative_eq!(cec_max_power_w(&CS1H, g, t), p, max_relative = 1e-7);
        }
        assert_relative_eq!(cec_max_power_w(&CS1H, 0.5, 25.0), 0.0);
        // STC power is the fitted nameplate within 0.1 %
        assert_relative_eq!(
            cec_max_power_w(&CS1H, 1000.0, 25.0),
            CS1H.nameplate_w(),
            max_relative = 1e-3
        );
    }

    /// (G [W/m²], T_cell [°C], P_mp [W]) from pvlib 0.16.1.
    const PVLIB_MPP: [(f64, f64, f64); 5] = [
        (1000.0, 25.0, 322.558_749_937_865),
        (200.0, 30.0, 61.956_515_807_914_78),
        (30.0, 10.0, 9.366_130_909_039_217),
        (800.0, 55.0, 229.571_923_102_244_8),
        (500.0, -5.0, 179.837_705_942_696_03),
    ];
}
