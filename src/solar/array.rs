//! DC size of PV arrays on roofs (屋顶光伏装机容量): usable area × packing density, capped by a
//! grid-connection limit such as a share of the enterprise's transformer rating.
//!
//! Roof-type numbers live in `data/pv/roof_types.toml` (all EST).

use super::{SolarError, check_param};
use serde::Deserialize;

/// The embedded `data/pv/roof_types.toml`.
pub const ROOF_TYPES_TOML: &str = include_str!("../../data/pv/roof_types.toml");

/// A roof type and its PV packing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoofType {
    /// Identifier, e.g. `metal_flush`.
    pub name: String,
    /// Chinese name.
    pub name_zh: String,
    /// DC watts per m² of usable roof area [W/m²].
    pub packing_w_per_m2: f64,
    /// Usual usable share of the gross roof area [-].
    pub usable_share_fraction: f64,
    /// Usual module tilt [deg].
    pub tilt_deg: f64,
    /// `flush` or `tilted_rows`.
    pub mount: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoofFile {
    transformer_limit_fraction: f64,
    roof: Vec<RoofType>,
    /// Read by [`crate::provenance`].
    #[serde(rename = "provenance")]
    _provenance: serde::de::IgnoredAny,
}

fn roof_file() -> RoofFile {
    toml::from_str(ROOF_TYPES_TOML).expect("embedded roof_types.toml parses (checked by a test)")
}

/// All roof types of `data/pv/roof_types.toml`.
pub fn roof_types() -> Vec<RoofType> {
    roof_file().roof
}

/// The roof type with a given name.
///
/// # Errors
/// [`SolarError::File`] listing the known names when `name` is unknown.
pub fn roof_type(name: &str) -> Result<RoofType, SolarError> {
    let all = roof_types();
    let known: Vec<String> = all.iter().map(|r| r.name.clone()).collect();
    all.into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| SolarError::File {
            path: "data/pv/roof_types.toml".into(),
            line: 0,
            message: format!("unknown roof type `{name}` (known: {})", known.join(", ")),
        })
}

/// Default share of the transformer rating that PV DC may reach [-] (EST, see the data file).
pub fn default_transformer_limit_fraction() -> f64 {
    roof_file().transformer_limit_fraction
}

/// What limited an array's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeLimit {
    /// The usable roof area.
    RoofArea,
    /// The connection cap (e.g. transformer share).
    Cap,
}

/// Result of sizing an array on a roof.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArraySize {
    /// DC size the roof could hold [kWp].
    pub roof_kwp: f64,
    /// DC size installed, `min(roof_kwp, cap)` [kWp].
    pub dc_kwp: f64,
    /// Which limit applied.
    pub limited_by: SizeLimit,
}

/// DC size of an array from the roof area, capped.
///
/// # Arguments
/// * `roof_area_m2`: gross roof area [m²], ≥ 0; `usable_share_fraction`: 0..=1;
/// * `packing_w_per_m2`: DC watts per usable m² [W/m²], 0..=300;
/// * `cap_kwp`: optional upper limit [kWp], ≥ 0 (see [`transformer_cap_kwp`]).
///
/// # Errors
/// [`SolarError::Parameter`] for a value out of range.
pub fn size_on_roof(
    roof_area_m2: f64,
    usable_share_fraction: f64,
    packing_w_per_m2: f64,
    cap_kwp: Option<f64>,
) -> Result<ArraySize, SolarError> {
    check_param("roof_area_m2", roof_area_m2, "m²", 0.0, 1e7)?;
    check_param("usable_share_fraction", usable_share_fraction, "", 0.0, 1.0)?;
    check_param("packing_w_per_m2", packing_w_per_m2, "W/m²", 0.0, 300.0)?;
    let roof_kwp = roof_area_m2 * usable_share_fraction * packing_w_per_m2 / 1000.0;
    match cap_kwp {
        Some(c) => {
            check_param("cap_kwp", c, "kWp", 0.0, 1e7)?;
            Ok(if c < roof_kwp {
                ArraySize {
                    roof_kwp,
                    dc_kwp: c,
                    limited_by: SizeLimit::Cap,
                }
            } else {
                ArraySize {
                    roof_kwp,
                    dc_kwp: roof_kwp,
                    limited_by: SizeLimit::RoofArea,
                }
            })
        }
        None => Ok(ArraySize {
            roof_kwp,
            dc_kwp: roof_kwp,
            limited_by: SizeLimit::RoofArea,
        }),
    }
}

/// DC cap from a transformer rating: `kVA × fraction` [kWp].
///
/// # Arguments
/// * `transformer_kva` [kVA] ≥ 0; `limit_fraction` 0..=2 (default
///   [`default_transformer_limit_fraction`]).
///
/// # Errors
/// [`SolarError::Parameter`] for a value out of range.
pub fn transformer_cap_kwp(transformer_kva: f64, limit_fraction: f64) -> Result<f64, SolarError> {
    check_param("transformer_kva", transformer_kva, "kVA", 0.0, 1e7)?;
    check_param("transformer_limit_fraction", limit_fraction, "", 0.0, 2.0)?;
    Ok(transformer_kva * limit_fraction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn embedded_roof_types_parse() {
        let r = roof_type("metal_flush").unwrap();
        assert_relative_eq!(r.packing_w_per_m2, 190.0);
        assert!(roof_types().len() >= 2);
        let e = roof_type("thatch").unwrap_err().to_string();
        assert!(e.contains("thatch") && e.contains("metal_flush"), "{e}");
        assert_relative_eq!(default_transformer_limit_fraction(), 0.8);
    }

    #[test]
    fn sizing_by_area_and_cap() {
        // 10,000 m² x 0.75 x 190 W/m² = 1,425 kWp
        let s = size_on_roof(10_000.0, 0.75, 190.0, None).unwrap();
        assert_relative_eq!(s.dc_kwp, 1425.0, epsilon = 1e-9);
        let cap = transformer_cap_kwp(1250.0, 0.8).unwrap();
        let s = size_on_roof(10_000.0, 0.75, 190.0, Some(cap)).unwrap();
        assert_relative_eq!(s.dc_kwp, 1000.0);
        assert_eq!(s.limited_by, SizeLimit::Cap);
        assert!(size_on_roof(-1.0, 0.5, 100.0, None).is_err());
    }
}
