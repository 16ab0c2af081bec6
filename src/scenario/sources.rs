//! The inputs a scenario points at, resolved with the models' own readers and checks: the
//! battery of `[storage]`, the weather (synthetic normals or a file, its format recognised), the
//! meter files of the enterprises and the load targets of their archetypes. Part of
//! [`super::resolve`]: what the run would refuse, loading refuses first.

use super::choice::{
    MeterEncoding, MeterLayout, MeterStamp, MeterUnit, ReactiveUnit, WeatherSource,
};
use super::error::{ScenarioError, ScenarioErrorKind};
use super::plan::{LoadSource, MeterData, Normals, WeatherPlan};
use super::raw::{self, RawScenario};
use super::resolve::{Resolver, span_of};
use crate::calendar::{Calendar, StepLength};

use super::plausible::PEAK_OVER_TRANSFORMER;

impl Resolver<'_> {
    /// The battery template (size left at zero) of `[storage]`, keys not given from
    /// `data/storage/defaults.toml`, checked by the storage model itself so that `check` refuses
    /// whatever a run would.
    pub(super) fn battery(
        &self,
        st: &raw::StorageSection,
        data: &crate::storage::sizing::HunanDefaults,
    ) -> Result<crate::storage::BatteryParams, ScenarioError> {
        let mut b = data.battery;
        if let Some(rt) = st.round_trip_efficiency_fraction {
            for (v, k) in [
                (
                    st.charge_efficiency_fraction,
                    "storage.charge_efficiency_fraction",
                ),
                (
                    st.discharge_efficiency_fraction,
                    "storage.discharge_efficiency_fraction",
                ),
            ] {
                if v.is_some() {
                    return Err(self.rule(
                        k,
                        "give either `round_trip_efficiency_fraction` or the one-way efficiencies, not both",
                    ));
                }
            }
            b.charge_efficiency_fraction = rt.sqrt();
            b.discharge_efficiency_fraction = rt.sqrt();
        }
        if let Some(v) = st.charge_efficiency_fraction {
            b.charge_efficiency_fraction = v;
        }
        if let Some(v) = st.discharge_efficiency_fraction {
            b.discharge_efficiency_fraction = v;
        }
        if let Some(v) = st.soc_min_fraction {
            b.soc_min_fraction = v;
        }
        if let Some(v) = st.soc_max_fraction {
            b.soc_max_fraction = v;
        }
        if b.soc_min_fraction >= b.soc_max_fraction {
            return Err(self.rule(
                "storage.soc_max_fraction",
                format!(
                    "{} must be above `storage.soc_min_fraction` = {}",
                    b.soc_max_fraction, b.soc_min_fraction
                ),
            ));
        }
        b.initial_soc_fraction = st.initial_soc_fraction.unwrap_or(b.soc_min_fraction);
        if !(b.soc_min_fraction..=b.soc_max_fraction).contains(&b.initial_soc_fraction) {
            return Err(self.src.error(
                span_of(self.doc, "storage.initial_soc_fraction"),
                ScenarioErrorKind::BadValue {
                    key: "storage.initial_soc_fraction".into(),
                    found: b.initial_soc_fraction.to_string(),
                    expected: format!(
                        "a state of charge within the window {}..={} (`soc_min_fraction`..=`soc_max_fraction`)",
                        b.soc_min_fraction, b.soc_max_fraction
                    ),
                },
            ));
        }
        match st.max_cycles_per_day {
            Some(raw::CyclesPerDay::Cap(c)) => b.max_cycles_per_day = c,
            Some(raw::CyclesPerDay::Unlimited(_)) => b.max_cycles_per_day = f64::INFINITY,
            None => {}
        }
        // The model's own check, on a unit size (sizes are chosen per enterprise later).
        let probe = crate::storage::BatteryParams {
            capacity_kwh: 1.0,
            charge_power_kw: 1.0,
            discharge_power_kw: 1.0,
            ..b
        };
        crate::storage::Battery::new(probe).map_err(|e| {
            let field = match &e {
                crate::storage::StorageError::OutOfRange { field, .. } => *field,
                _ => "",
            };
            let key = match field {
                "charge_efficiency_fraction" | "discharge_efficiency_fraction"
                    if st.round_trip_efficiency_fraction.is_some() =>
                {
                    "storage.round_trip_efficiency_fraction".to_string()
                }
                "" => "storage".to_string(),
                f => format!("storage.{f}"),
            };
            self.rule(&key, e.to_string())
        })?;
        Ok(b)
    }

    /// The weather: the synthetic year's normals, or a file read now (its format recognised
    /// from its first lines, or the declared one checked against them), so that `check` refuses
    /// an unusable file as `run` would.
    pub(super) fn weather(
        &self,
        w: &raw::WeatherSection,
        site: &raw::SiteSection,
        utc_offset_hours: f64,
        step: StepLength,
    ) -> Result<WeatherPlan, ScenarioError> {
        use crate::weather::Format;
        if let Some(m) = crate::weather::quality::clock_vs_sun(site.longitude_deg, utc_offset_hours)
        {
            self.warn("scenario.utc_offset_hours", m);
        }
        let declared = match w.source {
            WeatherSource::Synthetic => {
                let max = crate::weather::synthetic::MAX_ABS_LATITUDE_DEG;
                if site.latitude_deg.abs() > max {
                    return Err(self.rule(
                        "site.latitude_deg",
                        format!(
                            "{}° is beyond the ±{max}° the synthetic weather serves (polar days and nights); give a weather file for the site",
                            site.latitude_deg
                        ),
                    ));
                }
                if w.file.is_some() {
                    return Err(self.rule(
                        "weather.file",
                        "a weather file is given but `weather.source` is \"synthetic\"; set the source to \"auto\" (format recognised from the file) or to the file's format",
                    ));
                }
                let (normals, read) = match w.normals.as_str() {
                    "yongzhou" => (
                        Normals::Yongzhou,
                        crate::weather::synthetic::MonthlyNormals::yongzhou(),
                    ),
                    file => {
                        let p = self.path("weather.normals", file, true)?;
                        // Parsed now so that `check` refuses a bad normals file as `run` would.
                        let read = std::fs::read_to_string(&p)
                            .map_err(|e| e.to_string())
                            .and_then(|text| {
                                crate::weather::synthetic::MonthlyNormals::from_toml_str(
                                    &text,
                                    &p.display().to_string(),
                                )
                                .map_err(|e| e.to_string())
                            })
                            .map_err(|m| self.rule("weather.normals", m))?;
                        (Normals::File(p), read)
                    }
                };
                // The synthetic year is drawn at [site] from the normals' climate: the same
                // distance rule as a weather file's station.
                let mut found = crate::weather::quality::Findings::default();
                crate::weather::quality::station_vs_site(
                    &mut found,
                    &format!(
                        "the synthetic year's monthly normals \"{}\"",
                        read.site.name
                    ),
                    (read.site.latitude_deg, read.site.longitude_deg),
                    "[site]",
                    (site.latitude_deg, site.longitude_deg),
                );
                // Named where the planner wrote the site or the normals (the line of either).
                let key = if span_of(self.doc, "weather.normals").is_some() {
                    "weather.normals"
                } else {
                    "site"
                };
                if let Some(first) = found.errors.first() {
                    return Err(self.rule(key, first));
                }
                for m in &found.warnings {
                    self.warn(key, m);
                }
                return Ok(WeatherPlan::Synthetic { normals });
            }
            WeatherSource::Auto => None,
            WeatherSource::Epw => Some(Format::Epw),
            WeatherSource::Tmy3 => Some(Format::Tmy3),
            WeatherSource::PvgisCsv => Some(Format::PvgisCsv),
            WeatherSource::PvgisJson => Some(Format::PvgisJson),
            WeatherSource::Csv => Some(Format::Csv),
        };
        let f = w.file.as_deref().ok_or_else(|| {
            self.rule(
                "weather.source",
                format!(
                    "source \"{}\" needs `weather.file`; use source = \"synthetic\" for the built-in typical year",
                    w.source
                ),
            )
        })?;
        let path = self.path("weather.file", f, true)?;
        let csv_spec = crate::weather::csv::CsvSpec {
            site: crate::weather::Site {
                name: site.name.clone(),
                latitude_deg: site.latitude_deg,
                longitude_deg: site.longitude_deg,
                elevation_m: site.elevation_m,
                utc_offset_hours,
            },
            columns: crate::weather::csv::CsvColumns {
                timestamp: w.csv_timestamp_column.clone(),
                ghi: w.csv_ghi_column.clone(),
                dni: w.csv_dni_column.clone(),
                dhi: w.csv_dhi_column.clone(),
                temp_air: w.csv_temperature_column.clone(),
                wind_speed: w.csv_wind_column.clone(),
            },
            irradiance_unit: Default::default(),
            temperature_unit: Default::default(),
            wind_unit: Default::default(),
            time_label: match w.csv_stamp {
                MeterStamp::Start => crate::weather::csv::TimeLabel::IntervalStart,
                MeterStamp::End => crate::weather::csv::TimeLabel::IntervalEnd,
            },
            step_minutes: w.csv_step_minutes,
        };
        let (data, format) = super::inputs::weather(&path, declared, &csv_spec, utc_offset_hours)
            .map_err(|e| {
            let key = match e {
                crate::weather::WeatherError::FormatMismatch { .. } => "weather.source",
                _ => "weather.file",
            };
            self.rule(key, e.to_string())
        })?;
        let year = &data.year;
        let found = crate::weather::quality::check(
            year,
            "[site]",
            site.latitude_deg,
            site.longitude_deg,
            utc_offset_hours,
        );
        if let Some(first) = found.errors.first() {
            let more = match found.errors.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            return Err(self.rule("weather.file", format!("{first}{more}")));
        }
        for w in &found.warnings {
            self.warn("weather.file", w);
        }
        // Hourly weather serves a 15-min run (each hour repeated); finer weather than the run's
        // step does not fit.
        if year.step_minutes < step.minutes() {
            return Err(self.rule(
                "weather.file",
                format!(
                    "{}: {}-minute weather steps, but the scenario runs at {} min; set `scenario.step_minutes = {}` or give hourly weather",
                    path.display(),
                    year.step_minutes,
                    step.minutes(),
                    year.step_minutes
                ),
            ));
        }
        Ok(WeatherPlan::File { format, path, data })
    }

    /// The synthetic load `enterprise[i]` gets in a run (same seed, grown targets) [kW]: the
    /// load model's own checks (e.g. whether the archetype reaches the load factor of
    /// `annual_kwh` and `peak_kw` together) run here, so that `check` refuses what the run would.
    #[allow(
        clippy::too_many_arguments,
        reason = "predates the six-parameter limit of clippy.toml"
    )]
    pub(super) fn synthetic_p_kw(
        &self,
        raw: &RawScenario,
        i: usize,
        archetype: &str,
        kwh: Option<f64>,
        peak: Option<f64>,
        cal: &Calendar,
    ) -> Result<Vec<f64>, ScenarioError> {
        let key = format!(
            "enterprise[{i}].{}",
            if peak.is_some() {
                "peak_kw"
            } else {
                "annual_kwh"
            }
        );
        let lib = crate::load::ArchetypeLibrary::embedded();
        let arch = lib
            .get(archetype)
            .map_err(|err| self.rule(&format!("enterprise[{i}].archetype"), err.to_string()))?;
        let g = raw.scenario.load_growth_fraction;
        let grow = |x: f64| if g.abs() > 0.0 { x * (1.0 + g) } else { x };
        let target = crate::load::LoadTarget {
            annual_kwh: kwh.map(grow),
            peak_kw: peak.map(grow),
        };
        let seed = crate::seed::derive(
            raw.scenario.seed,
            &[crate::seed::streams::LOAD, 0, i as u64],
        );
        crate::load::synthesize(cal, arch, &target, seed)
            .map_err(|err| self.rule(&key, err.to_string()))
    }

    /// The meter source of `enterprise[i]`: its format keys turned into a reading spec, and the
    /// file read now, so that a bad cell, a missing column or too large gaps are refused by
    /// `check` as by `run`, naming the meter file's line and column.
    pub(super) fn meter(
        &self,
        e: &raw::EnterpriseEntry,
        i: usize,
        file: &str,
        cal: &Calendar,
    ) -> Result<LoadSource, ScenarioError> {
        let key = |k: &str| format!("enterprise[{i}].{k}");
        let path = self.path(&key("meter_file"), file, true)?;
        let unit = e.meter_unit.ok_or_else(|| {
            self.rule(
                &key("meter_file"),
                "needs `meter_unit` (\"kw\" or \"kwh\"): the unit of meter data is never guessed",
            )
        })?;
        let column = |c: &raw::ColumnRef| match c {
            raw::ColumnRef::Position(p) => crate::load::Column::Position(*p as usize),
            raw::ColumnRef::Name(n) => crate::load::Column::Name(n.clone()),
        };
        let step_minutes = e.meter_step_minutes.unwrap_or(match e.meter_layout {
            MeterLayout::Daily96 => 15,
            MeterLayout::Daily24 => 60,
            MeterLayout::Interval => cal.step().minutes(),
        });
        let interval = StepLength::from_minutes(step_minutes)
            .ok_or_else(|| self.rule(&key("meter_step_minutes"), "must be 60 or 15"))?;
        let layout = match e.meter_layout {
            MeterLayout::Interval => crate::load::MeterLayout::Interval {
                timestamp_column: column(&e.meter_timestamp_column),
                value_column: column(&e.meter_value_column),
                interval,
                stamp: match e.meter_stamp {
                    MeterStamp::Start => crate::load::Stamp::IntervalStart,
                    MeterStamp::End => crate::load::Stamp::IntervalEnd,
                },
            },
            MeterLayout::Daily96 | MeterLayout::Daily24 => {
                let points = if e.meter_layout == MeterLayout::Daily96 {
                    96
                } else {
                    24
                };
                if interval.steps_per_day() != points {
                    return Err(self.rule(
                        &key("meter_step_minutes"),
                        format!(
                            "{step_minutes} min does not match the {points} points a day of `meter_layout` = \"{}\"",
                            e.meter_layout
                        ),
                    ));
                }
                crate::load::MeterLayout::DailyPoints {
                    date_column: column(&e.meter_date_column),
                    points,
                }
            }
        };
        let mut spec = crate::load::MeterSpec::new(
            layout,
            match unit {
                MeterUnit::Kw => crate::load::MeterUnit::Kw,
                MeterUnit::Kwh => crate::load::MeterUnit::KwhPerInterval,
            },
        );
        let mut delim = e.meter_delimiter.chars();
        spec.delimiter = match (delim.next(), delim.next()) {
            (Some(c), None) if c.is_ascii() && !matches!(c, '"' | '\n' | '\r') => c,
            _ => {
                return Err(self.src.error(
                    span_of(self.doc, &key("meter_delimiter")),
                    ScenarioErrorKind::BadValue {
                        key: key("meter_delimiter"),
                        found: format!("{:?}", e.meter_delimiter),
                        expected: "one ASCII character other than a quote or a line break, e.g. \",\", \";\", \"\\t\"".into(),
                    },
                ));
            }
        };
        spec.encoding = match e.meter_encoding {
            MeterEncoding::Utf8 => crate::load::Encoding::Utf8,
            MeterEncoding::Gbk | MeterEncoding::Gb18030 => crate::load::Encoding::Gb18030,
        };
        spec.sheet = e.meter_sheet.clone();
        spec.max_missing_fraction = e.meter_max_missing_fraction;
        spec.reactive = match (&e.meter_reactive_column, &e.meter_leading_reactive_column) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(self.rule(
                    &key("meter_leading_reactive_column"),
                    "needs `meter_reactive_column`, the lagging reactive column",
                ));
            }
            (Some(lag), lead) => {
                if e.meter_layout != MeterLayout::Interval {
                    return Err(self.rule(
                        &key("meter_reactive_column"),
                        "reactive columns are read from an `interval` meter file only",
                    ));
                }
                let unit = e.meter_reactive_unit.ok_or_else(|| {
                    self.rule(
                        &key("meter_reactive_column"),
                        "needs `meter_reactive_unit` (\"kvar\" or \"kvarh\"): the unit of meter data is never guessed",
                    )
                })?;
                Some(crate::load::ReactiveSpec {
                    columns: std::iter::once(lag).chain(lead).map(column).collect(),
                    unit: match unit {
                        ReactiveUnit::Kvar => crate::load::MeterUnit::Kw,
                        ReactiveUnit::Kvarh => crate::load::MeterUnit::KwhPerInterval,
                    },
                })
            }
        };
        let mut data = super::inputs::meter(&path, &spec, cal)
            .map_err(|err| self.rule(&key("meter_file"), err.to_string()))?;
        if let Some(f) = &e.meter_reactive_file {
            data = self.reactive_file(e, i, f, &spec, data, cal)?;
        }
        // A transformer carries up to about 130% of its rating for short periods: a measured
        // peak beyond that is a unit error (W as kW, kWh per quarter hour read as kW) or
        // another site's file, not a load to simulate.
        let peak = data.series.p_kw.iter().copied().fold(0.0, f64::max);
        let limit = PEAK_OVER_TRANSFORMER * e.transformer_kva * e.power_factor;
        if peak > limit {
            return Err(self.rule(
                &key("meter_file"),
                format!(
                    "{}: the measured peak {peak:.0} kW is above {PEAK_OVER_TRANSFORMER} x the transformer's {} kVA x power factor {} = {limit:.0} kW; check `meter_unit` (W or kWh read as kW?), the value column, or `transformer_kva`",
                    path.display(),
                    e.transformer_kva,
                    e.power_factor
                ),
            ));
        }
        Ok(LoadSource::Meter { path, spec, data })
    }

    /// `meter_reactive_file`: a second export of the same layout and columns holding the
    /// reactive values (as 96-point portals export 有功 and 无功 curves apart); its series
    /// becomes the enterprise's reactive series.
    #[allow(
        clippy::too_many_arguments,
        reason = "predates the six-parameter limit of clippy.toml"
    )]
    pub(super) fn reactive_file(
        &self,
        e: &raw::EnterpriseEntry,
        i: usize,
        file: &str,
        spec: &crate::load::MeterSpec,
        active: MeterData,
        cal: &Calendar,
    ) -> Result<MeterData, ScenarioError> {
        let key = |k: &str| format!("enterprise[{i}].{k}");
        if spec.reactive.is_some() {
            return Err(self.rule(
                &key("meter_reactive_file"),
                "give either reactive columns of `meter_file` or `meter_reactive_file`, not both",
            ));
        }
        let unit = e.meter_reactive_unit.ok_or_else(|| {
            self.rule(
                &key("meter_reactive_file"),
                "needs `meter_reactive_unit` (\"kvar\" or \"kvarh\"): the unit of meter data is never guessed",
            )
        })?;
        let path = self.path(&key("meter_reactive_file"), file, true)?;
        let mut q_spec = spec.clone();
        q_spec.unit = match unit {
            ReactiveUnit::Kvar => crate::load::MeterUnit::Kw,
            ReactiveUnit::Kvarh => crate::load::MeterUnit::KwhPerInterval,
        };
        let q = super::inputs::meter(&path, &q_spec, cal)
            .map_err(|err| self.rule(&key("meter_reactive_file"), err.to_string()))?;
        let mut series = (*active.series).clone();
        series.report.reactive_missing_intervals = Some(q.series.report.missing_intervals);
        series.q_kvar = Some(q.series.p_kw.clone());
        Ok(MeterData::new(series))
    }
}
