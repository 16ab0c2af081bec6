//! Physical plausibility of a weather year read from a file, before any PV is computed from it.
//!
//! The limits are the BSRN "physically possible" limits of Long and Shi (2008), with the
//! sun at its highest within each step (so that an interval-averaged or interval-ending
//! timestamp convention does not trip them):
//! - global horizontal irradiance `GHI ≤ 1.5 · E0 · μ^1.2 + 100` W/m²,
//! - diffuse horizontal irradiance `DHI ≤ 0.95 · E0 · μ^1.2 + 50` W/m²,
//!
//! where `E0` is the extraterrestrial normal irradiance and `μ` the cosine of the solar zenith
//! (0 when the sun is below the horizon). A value beyond them cannot be measured on Earth: an
//! error. Diffuse above global (by more than 10% + 10 W/m²) is an error too. Irradiance while
//! the sun is below the horizon for the whole step (up to the 100 W/m² limit) and a file whose
//! site lies far from the scenario's are warnings when a real file can show them (a shifted
//! station clock, a nearby station), errors when they cannot be real (a year without sun, a
//! station on another continent).
//!
//! Reference: C. N. Long and Y. Shi, "An automated quality assessment and control algorithm for
//! surface radiation measurements," *The Open Atmospheric Science Journal*, 2, 23-37, 2008.
//! <https://doi.org/10.2174/1874282300802010023>

use super::WeatherYear;

/// What the check found: errors (the file cannot be used) and warnings (used, but say so).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// Reasons to refuse the file.
    pub errors: Vec<String>,
    /// Reasons to doubt it.
    pub warnings: Vec<String>,
}

/// Irradiance counted as "some" at night [W/m²] (sensor offsets stay below it).
const NIGHT_W_PER_M2: f64 = 10.0;

/// The constant terms of the physically possible limits of Long and Shi (2008) [W/m²]: GHI
/// `≤ 1.5 · E0 · μ^1.2 + 100`, DHI `≤ 0.95 · E0 · μ^1.2 + 50`.
const GHI_FLOOR_W_PER_M2: f64 = 100.0;
/// See [`GHI_FLOOR_W_PER_M2`].
const DHI_FLOOR_W_PER_M2: f64 = 50.0;
// A step skipped as dark (GHI at most the night level) must be unable to break the GHI limit.
const _: () = assert!(NIGHT_W_PER_M2 <= GHI_FLOOR_W_PER_M2);

/// Annual global horizontal irradiation below which a file has no sun [kWh/m²] (the darkest
/// inhabited climates receive about 600-700).
const MIN_ANNUAL_KWH_PER_M2: f64 = 300.0;

/// Great-circle distance between a file's station and the scenario's site beyond which a
/// warning is given [deg] (about 220 km), and beyond which the file is refused [deg] (another
/// climate altogether).
pub const SITE_WARN_DEG: f64 = 2.0;
/// See [`SITE_WARN_DEG`].
pub const SITE_REFUSE_DEG: f64 = 10.0;

/// Great-circle angle between two points [deg].
pub fn angular_distance_deg(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let c = p1.sin() * p2.sin() + p1.cos() * p2.cos() * dl.cos();
    c.clamp(-1.0, 1.0).acos().to_degrees()
}

/// Where the weather data was observed (`station`, named by `what`) against the site it is used
/// for (named by `site_label`): a warning beyond [`SITE_WARN_DEG`], an error beyond
/// [`SITE_REFUSE_DEG`]. The same rule serves a weather file's station and the place whose
/// monthly normals a synthetic year is drawn from.
pub fn station_vs_site(
    f: &mut Findings,
    what: &str,
    station: (f64, f64),
    site_label: &str,
    site: (f64, f64),
) {
    let d = angular_distance_deg(station.0, station.1, site.0, site.1);
    let at = format!(
        "{what}, at {}, is {d:.1}° of arc from {site_label} at {}",
        lat_lon(station),
        lat_lon(site)
    );
    if d > SITE_REFUSE_DEG {
        f.errors.push(format!(
            "{at}, another climate altogether; give weather data of the site, or correct {site_label}"
        ));
    } else if d > SITE_WARN_DEG {
        f.warnings.push(format!(
            "{at}; its weather is the station's, not the site's"
        ));
    }
}

/// A position as a person reads it: `26.42° N 111.61° E`, `33.97° S 18.60° E`.
fn lat_lon((lat, lon): (f64, f64)) -> String {
    format!(
        "{:.2}° {} {:.2}° {}",
        lat.abs(),
        if lat < 0.0 { 'S' } else { 'N' },
        lon.abs(),
        if lon < 0.0 { 'W' } else { 'E' }
    )
}

/// Hours by which a clock at `utc_offset_hours` may run from the mean solar time of
/// `longitude_deg` (longitude / 15) before the pair is doubted. China keeps UTC+8 from 73.5° E
/// to 135° E, at most 3.1 h from mean solar time (Kashgar 2.9 h); 3.5 h leaves every real
/// zone of the country silent and catches a zone left at 0 or given with the wrong sign.
pub const CLOCK_VS_SUN_WARN_H: f64 = 3.5;

/// An offset from UTC as a zone is written: `+8`, `-5`, `+5.5`, `+5.75` (at most two decimals).
fn utc(hours: f64) -> String {
    let s = format!("{hours:+.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A site's clock against its sun: `Some(warning)` when `utc_offset_hours` lies more than
/// [`CLOCK_VS_SUN_WARN_H`] from `longitude_deg / 15`, so that noon on the clock would be far
/// from solar noon and PV would be placed at the wrong hours of the load.
pub fn clock_vs_sun(longitude_deg: f64, utc_offset_hours: f64) -> Option<String> {
    let solar_h = longitude_deg / 15.0;
    let gap_h = utc_offset_hours - solar_h;
    (gap_h.abs() > CLOCK_VS_SUN_WARN_H).then(|| {
        format!(
            "UTC{} is {:.1} h {} the mean solar time of longitude {longitude_deg:.2}° (longitude / 15 = UTC{solar_h:+.1}): the sun would peak near {:02}:{:02} on the clock; China Standard Time is UTC+8",
            utc(utc_offset_hours),
            gap_h.abs(),
            if gap_h > 0.0 { "ahead of" } else { "behind" },
            ((12.0 + gap_h).rem_euclid(24.0)) as u32,
            (((12.0 + gap_h).rem_euclid(24.0)).fract() * 60.0) as u32,
        )
    })
}

/// `step` as a time a person reads: month, day and hour of the file's local time.
fn when(y: &WeatherYear, step: usize) -> String {
    let per_day = (24 * 60 / y.step_minutes) as usize;
    let day = step / per_day;
    let minute = (step % per_day) as u32 * y.step_minutes;
    let date = crate::calendar::Date::new(y.year, 1, 1)
        .map(|d| crate::calendar::Date::from_days_since_epoch(d.days_since_epoch() + day as i64))
        .map_or(format!("day {}", day + 1), |d| d.to_string());
    format!("{date} {:02}:{:02}", minute / 60, minute % 60)
}

/// Check a weather year at its own site (the file's station) and against the site it serves
/// (`site_lat_deg`, `site_lon_deg`, `site_utc_offset_hours`), named in messages by
/// `site_label` (`[site]` for a scenario, `--lat/--lon` for `parkenergy pv`).
pub fn check(
    y: &WeatherYear,
    site_label: &str,
    site_lat_deg: f64,
    site_lon_deg: f64,
    site_utc_offset_hours: f64,
) -> Findings {
    let mut f = Findings::default();
    let file = &y.source.path;
    station_vs_site(
        &mut f,
        &format!("{file}: the file's station"),
        (y.site.latitude_deg, y.site.longitude_deg),
        site_label,
        (site_lat_deg, site_lon_deg),
    );
    if (y.site.utc_offset_hours - site_utc_offset_hours).abs() > 1e-9 {
        f.warnings.push(format!(
            "{file}: the file keeps UTC{:+} time, the scenario UTC{:+}",
            y.site.utc_offset_hours, site_utc_offset_hours
        ));
    }
    let n = y.n_steps();
    let step_s = f64::from(y.step_minutes) * 60.0;
    let observer = crate::solar::position::Observer::at(
        y.site.latitude_deg,
        y.site.longitude_deg,
        y.site.elevation_m,
    );
    let dt = crate::solar::position::delta_t_s(y.year, 6);
    // Only a step with some light (GHI above the night level or DHI above the DHI limit's
    // floor) can break a limit that depends on the sun: the GHI limit is at least its
    // 100 W/m² floor, the DHI limit at least 50, and the night count needs GHI above 10. The
    // sun is computed for those steps alone (about half the year).
    let dhi_at = |i: usize| y.dhi_w_per_m2.as_ref().map_or(0.0, |v| v[i]);
    let lit: Vec<bool> = (0..n)
        .map(|i| y.ghi_w_per_m2[i] > NIGHT_W_PER_M2 || dhi_at(i) > DHI_FLOOR_W_PER_M2)
        .collect();
    // The sun at the start, middle and end of each step: its highest within the step. A
    // step's end is the next one's start, so the starts and ends are one path of n + 1.
    let edge_lit: Vec<bool> = (0..=n)
        .map(|j| lit.get(j).copied().unwrap_or(false) || (j > 0 && lit[j - 1]))
        .collect();
    let path = |offset: f64, count: usize, mask: &[bool]| {
        crate::solar::position::sun_path_where(
            y.start_unix_s() + offset,
            step_s,
            count,
            &observer,
            dt,
            Some(mask),
        )
    };
    let z = path(0.0, n + 1, &edge_lit).zenith_deg;
    // The middle can be higher than both ends only in the step of the sun's culmination,
    // where the zenith falls into the step and rises out of it; elsewhere the zenith is
    // monotonic over the step and the middle lies between the ends. The middle is computed
    // for the lit steps that may hold the culmination (an unknown neighbour counts as may).
    let not_below = |a: f64, b: f64| a.partial_cmp(&b) != Some(std::cmp::Ordering::Less);
    let falls_before = |j: usize| j == 0 || not_below(z[j - 1], z[j]);
    let rises_after = |j: usize| j + 1 > n || not_below(z[j + 1], z[j]);
    let culminating: Vec<bool> = (0..n)
        .map(|i| lit[i] && falls_before(i) && rises_after(i + 1))
        .collect();
    let mid = path(step_s / 2.0, n, &culminating).zenith_deg;
    let mut night = (0usize, None::<usize>);
    let mut annual_wh = 0.0;
    for i in 0..n {
        // A dark step: no sun-dependent limit can be broken, whatever the sun (see `lit`).
        let (mu, e0) = if lit[i] {
            let ends = z[i].min(z[i + 1]);
            let zen = if culminating[i] {
                ends.min(mid[i])
            } else {
                ends
            };
            let t_mid = y.start_unix_s() + step_s * i as f64 + step_s / 2.0;
            let e0 = crate::solar::position::extra_radiation_spencer(
                crate::solar::position::day_of_year_utc(t_mid),
            );
            (zen.to_radians().cos().max(0.0), e0)
        } else {
            (0.0, 0.0)
        };
        let ghi = y.ghi_w_per_m2[i];
        annual_wh += ghi * y.step_hours();
        let ghi_max = 1.5 * e0 * mu.powf(1.2) + GHI_FLOOR_W_PER_M2;
        if ghi > ghi_max && f.errors.len() < 3 {
            f.errors.push(format!(
                "{file}: GHI {ghi:.0} W/m² at {} is above the physically possible {ghi_max:.0} W/m² for the sun's height then (Long and Shi 2008); check the file's time zone, units and site",
                when(y, i)
            ));
        }
        if let Some(dhi) = y.dhi_w_per_m2.as_ref().map(|v| v[i]) {
            let dhi_max = 0.95 * e0 * mu.powf(1.2) + DHI_FLOOR_W_PER_M2;
            if dhi > dhi_max && f.errors.len() < 3 {
                f.errors.push(format!(
                    "{file}: DHI {dhi:.0} W/m² at {} is above the physically possible {dhi_max:.0} W/m² (Long and Shi 2008)",
                    when(y, i)
                ));
            } else if dhi > 1.1 * ghi + 10.0 && f.errors.len() < 3 {
                f.errors.push(format!(
                    "{file}: diffuse DHI {dhi:.0} W/m² is above global GHI {ghi:.0} W/m² at {}; check the columns (DHI and GHI swapped?)",
                    when(y, i)
                ));
            }
        }
        if mu <= 0.0 && ghi > NIGHT_W_PER_M2 {
            night.0 += 1;
            night.1.get_or_insert(i);
        }
    }
    if let (k, Some(first)) = night
        && k > 0
    {
        f.warnings.push(format!(
            "{file}: irradiance above {NIGHT_W_PER_M2} W/m² while the sun is below the horizon at {k} steps (first {}); the file's clock may be shifted from its time zone",
            when(y, first)
        ));
    }
    let annual = annual_wh / 1000.0;
    if annual < MIN_ANNUAL_KWH_PER_M2 {
        f.errors.push(format!(
            "{file}: {annual:.0} kWh/m² of global irradiation in the year, below the {MIN_ANNUAL_KWH_PER_M2} of any inhabited climate (a year without sun); check the GHI column and its unit"
        ));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weather::{Site, SourceInfo};

    /// A clear-sky-like year at Yongzhou: GHI = 900 μ^1.2 by day, DHI a fifth of it.
    fn year() -> WeatherYear {
        let site = Site {
            name: "t".into(),
            latitude_deg: 26.42,
            longitude_deg: 111.61,
            elevation_m: 110.0,
            utc_offset_hours: 8.0,
        };
        let n = crate::weather::steps_in_year(2025, 60);
        let mut y = WeatherYear {
            site,
            year: 2025,
            step_minutes: 60,
            sun_minutes_into_step: 30.0,
            ghi_w_per_m2: vec![0.0; n],
            dni_w_per_m2: None,
            dhi_w_per_m2: Some(vec![0.0; n]),
            temp_air_c: vec![20.0; n],
            wind_speed_m_per_s: vec![1.0; n],
            source: SourceInfo {
                path: "w.epw".into(),
                format: "EPW".into(),
                years_found: vec![2025],
                n_records: n,
            },
        };
        let obs = crate::solar::position::Observer::at(26.42, 111.61, 110.0);
        let p = crate::solar::position::sun_path(y.start_unix_s() + 1800.0, 3600.0, n, &obs, 69.0);
        for i in 0..n {
            let mu = p.zenith_deg[i].to_radians().cos().max(0.0);
            y.ghi_w_per_m2[i] = 900.0 * mu.powf(1.2);
            y.dhi_w_per_m2.as_mut().unwrap()[i] = 0.2 * y.ghi_w_per_m2[i];
        }
        y
    }

    #[test]
    fn a_plausible_year_passes_and_each_fault_is_named() {
        let y = year();
        assert_eq!(check(&y, "[site]", 26.42, 111.61, 8.0), Findings::default());
        // GHI 1,400 W/m² at 01:00 on January 2.
        let mut bad = y.clone();
        bad.ghi_w_per_m2[24 + 1] = 1400.0;
        let f = check(&bad, "[site]", 26.42, 111.61, 8.0);
        assert!(
            f.errors[0].contains("GHI 1400") && f.errors[0].contains("2025-01-02 01:00"),
            "{f:?}"
        );
        // Diffuse above global at noon.
        let mut bad = y.clone();
        bad.dhi_w_per_m2.as_mut().unwrap()[12] = bad.ghi_w_per_m2[12] * 1.3 + 20.0;
        let f = check(&bad, "[site]", 26.42, 111.61, 8.0);
        assert!(f.errors[0].contains("above global"), "{f:?}");
        // A little irradiance at night: a warning.
        let mut bad = y.clone();
        bad.ghi_w_per_m2[2] = 40.0;
        bad.dhi_w_per_m2.as_mut().unwrap()[2] = 40.0;
        let f = check(&bad, "[site]", 26.42, 111.61, 8.0);
        assert!(f.errors.is_empty(), "{f:?}");
        assert!(f.warnings[0].contains("at 1 steps"), "{f:?}");
        // At the edges of the steps the sun is skipped for: GHI at the night level is no
        // warning, just above it is; diffuse above its 50 W/m² floor at night is an error.
        let mut bad = y.clone();
        bad.ghi_w_per_m2[2] = NIGHT_W_PER_M2;
        assert_eq!(
            check(&bad, "[site]", 26.42, 111.61, 8.0),
            Findings::default()
        );
        bad.ghi_w_per_m2[2] = NIGHT_W_PER_M2 + 0.5;
        let f = check(&bad, "[site]", 26.42, 111.61, 8.0);
        assert!(f.warnings[0].contains("at 1 steps"), "{f:?}");
        let mut bad = y.clone();
        bad.ghi_w_per_m2[2] = 60.0;
        bad.dhi_w_per_m2.as_mut().unwrap()[2] = 51.0;
        let f = check(&bad, "[site]", 26.42, 111.61, 8.0);
        assert!(
            f.errors[0]
                .contains("DHI 51 W/m² at 2025-01-01 02:00 is above the physically possible 50"),
            "{f:?}"
        );
        // A year without sun.
        let mut dark = y.clone();
        dark.ghi_w_per_m2.iter_mut().for_each(|g| *g *= 0.1);
        dark.dhi_w_per_m2 = None;
        let f = check(&dark, "[site]", 26.42, 111.61, 8.0);
        assert!(f.errors[0].contains("without sun"), "{f:?}");
        // Cape Town's station for the Yongzhou site: refused; Changsha's (2.1° away): a warning.
        let f = check(&y, "[site]", -33.97, 18.6, 8.0);
        assert!(
            f.errors.iter().any(|e| e.contains("another climate")),
            "{f:?}"
        );
        let f = check(&y, "[site]", 28.23, 112.87, 8.0);
        assert!(
            f.errors.is_empty() && f.warnings[0].contains("2.1°"),
            "{f:?}"
        );
        let f = check(&y, "[site]", 26.42, 111.61, -5.0);
        assert!(
            f.warnings[0].contains("UTC+8") && f.warnings[0].contains("UTC-5"),
            "{f:?}"
        );
    }

    /// The sun is computed only where a limit can be broken (lit steps; the middle of a step
    /// only where the culmination may lie in it), yet every step's GHI limit is the one of the
    /// sun at its highest of the start, middle and end computed everywhere: GHI just under
    /// that limit at every step of the year, at 26° N and at 60° N, raises no error.
    #[test]
    fn the_limits_are_those_of_the_sun_at_its_highest_in_every_step() {
        for lat in [26.42, 60.0] {
            let mut y = year();
            y.site.latitude_deg = lat;
            y.dhi_w_per_m2 = None;
            let n = y.n_steps();
            let obs = crate::solar::position::Observer::at(lat, 111.61, 110.0);
            let dt = crate::solar::position::delta_t_s(2025, 6);
            let path = |o: f64| {
                crate::solar::position::sun_path(y.start_unix_s() + o, 3600.0, n, &obs, dt)
            };
            let (a, m, b) = (path(0.0), path(1800.0), path(3600.0));
            for i in 0..n {
                let zen = a.zenith_deg[i].min(m.zenith_deg[i]).min(b.zenith_deg[i]);
                let mu = zen.to_radians().cos().max(0.0);
                y.ghi_w_per_m2[i] =
                    1.5 * m.dni_extra_w_per_m2[i] * mu.powf(1.2) + GHI_FLOOR_W_PER_M2 - 0.01;
            }
            let f = check(&y, "[site]", lat, 111.61, 8.0);
            assert!(f.errors.is_empty(), "{lat}: {:?}", f.errors);
            // And just over it at the step of a summer noon, an error naming it.
            let noon = (171 * 24 + 12) as usize;
            y.ghi_w_per_m2[noon] += 0.02;
            let f = check(&y, "[site]", lat, 111.61, 8.0);
            assert!(
                f.errors[0].contains("2025-06-21 12:00"),
                "{lat}: {:?}",
                f.errors
            );
        }
    }

    #[test]
    fn a_clock_far_from_the_sun_is_named() {
        // Every Chinese site on UTC+8 is silent: Yongzhou, Kashgar (75.99° E), Fuyuan (134.3° E).
        for lon in [111.61, 75.99, 134.3] {
            assert_eq!(clock_vs_sun(lon, 8.0), None, "{lon}");
        }
        assert_eq!(clock_vs_sun(-79.95, -5.0), None);
        let w = clock_vs_sun(111.61, 0.0).unwrap();
        assert!(
            w.contains("UTC+0 is 7.4 h behind") && w.contains("peak near 04:33"),
            "{w}"
        );
        let w = clock_vs_sun(111.61, -8.0).unwrap();
        assert!(w.contains("15.4 h behind"), "{w}");
        let w = clock_vs_sun(111.61, 1e-300).unwrap();
        assert!(w.starts_with("UTC+0 is 7.4 h behind"), "{w}");
        assert_eq!(
            (utc(10.0), utc(-5.0), utc(5.5), utc(5.75)),
            ("+10".into(), "-5".into(), "+5.5".into(), "+5.75".into())
        );
        let w = clock_vs_sun(-79.95, 8.0).unwrap();
        assert!(w.contains("13.3 h ahead of"), "{w}");
        // Just inside and outside the 3.5 h band.
        assert_eq!(clock_vs_sun(15.0 * 4.6, 8.0), None);
        assert!(clock_vs_sun(15.0 * 4.4, 8.0).is_some());
    }

    #[test]
    fn a_station_is_placed_by_hemisphere() {
        let mut f = Findings::default();
        // 136.7° by the spherical law of cosines, computed apart (Python `math`).
        station_vs_site(
            &mut f,
            "normals",
            (26.42, 111.61),
            "[site]",
            (-33.97, -18.6),
        );
        assert!(
            f.errors[0].starts_with(
                "normals, at 26.42° N 111.61° E, is 136.7° of arc from [site] at 33.97° S 18.60° W"
            ),
            "{f:?}"
        );
        let mut f = Findings::default();
        station_vs_site(&mut f, "normals", (26.42, 111.61), "[site]", (26.42, 113.0));
        assert_eq!(f, Findings::default());
    }

    #[test]
    fn distances_are_great_circle_angles() {
        assert!((angular_distance_deg(0.0, 0.0, 0.0, 90.0) - 90.0).abs() < 1e-9);
        assert!((angular_distance_deg(60.0, 0.0, 60.0, 180.0) - 60.0).abs() < 1e-9);
        assert!(angular_distance_deg(26.42, 111.61, 26.42, 111.61).abs() < 1e-6);
    }
}
