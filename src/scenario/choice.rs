//! The choices a scenario offers, as enums: every `Choice` key of [`super::schema::KEYS`] that
//! names a behaviour is read into one of these when the scenario is loaded, so that nothing
//! downstream compares scenario strings or falls back silently on an unknown one.
//!
//! Each enum is declared once, with its spellings; the key table takes its list of valid values
//! from the same declaration (`NAMES`), so the checks ("did you mean"), `docs/scenario.md` and
//! serde accept exactly the same words.

/// Declare a choice enum with the word each variant is written as in a scenario file.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Deserialize, serde::Serialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $word)] $variant ),+
        }

        impl $name {
            /// Every valid spelling, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($word),+];
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word that selects this variant in a scenario file.
            pub fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $word ),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

choice! {
    /// `weather.source`: a generated typical year, or the format of `weather.file`.
    WeatherSource {
        /// A typical year generated from monthly normals.
        Synthetic = "synthetic",
        /// `weather.file`, its format recognised from its first lines.
        Auto = "auto",
        /// EnergyPlus weather file.
        Epw = "epw",
        /// NREL TMY3 CSV.
        Tmy3 = "tmy3",
        /// PVGIS typical year, CSV output.
        PvgisCsv = "pvgis_csv",
        /// PVGIS typical year, JSON output.
        PvgisJson = "pvgis_json",
        /// Plain CSV with the columns of the `weather.csv_*` keys.
        Csv = "csv",
    }
}

choice! {
    /// `tariff.choice_period`: how often an enterprise may change its billing option.
    ChoicePeriod {
        /// Every month.
        Monthly = "monthly",
        /// Every quarter.
        Quarterly = "quarterly",
        /// Once a year.
        Yearly = "yearly",
    }
}

choice! {
    /// `tariff.baseline_basic_charge`: the basic charge of two-part enterprises in the baseline.
    BaselineBasicCharge {
        /// By transformer capacity (按容量).
        Capacity = "capacity",
        /// By actual maximum demand (按实际最大需量).
        ActualDemand = "actual_demand",
    }
}

choice! {
    /// `market.mode`: the purchase mode under the market measure.
    MarketMode {
        /// The cheapest of the others, per enterprise.
        Cheapest = "cheapest",
        /// Grid agency purchase (电网代理购电).
        Agency = "agency",
        /// Fixed-price retail package.
        RetailFixed = "retail_fixed",
        /// Discount off the agency price.
        RetailDiscount = "retail_discount",
        /// Share of the price difference.
        RetailShare = "retail_share",
        /// Direct medium/long-term contract.
        DirectContract = "direct_contract",
    }
}

choice! {
    /// `market.forecast`: what a contract volume is sized on.
    Forecast {
        /// Last year's load.
        LastYear = "last_year",
        /// The model's load with a forecast error.
        Model = "model",
    }
}

choice! {
    /// `pv.transposition_model`: the sky-diffuse transposition model.
    TranspositionModel {
        /// Perez 1990.
        Perez = "perez",
        /// Hay and Davies 1980.
        HayDavies = "hay_davies",
        /// Isotropic sky.
        Isotropic = "isotropic",
    }
}

choice! {
    /// `pv.temperature_model`: the cell temperature model.
    TemperatureModel {
        /// Fuentes with PVWatts roof-mount parameters.
        Fuentes = "fuentes",
        /// Sandia (SAPM), close-roof glass/glass.
        Sapm = "sapm",
        /// Faiman.
        Faiman = "faiman",
    }
}

choice! {
    /// `pv.model`: which published configuration the PV chain reproduces.
    PvModel {
        /// PVWatts DC and inverter, Fuentes cell temperature, PVWatts v8's glass cover and
        /// spectral modifier (the default for rooftops, `docs/pv.md`).
        PvwattsFuentes = "pvwatts_fuentes",
        /// PVWatts v8 as NREL SAM implements it (single-diode module, NOCT cell temperature,
        /// anti-reflective cover, Sandia inverter).
        PvwattsV8 = "pvwatts_v8",
        /// A pvlib ModelChain: SAPM cell temperature, physical IAM on the beam, PVWatts DC,
        /// losses and inverter, no spectral loss.
        Pvlib = "pvlib",
    }
}

choice! {
    /// `pv.mounting`: how the modules are mounted (sets the cell-temperature parameters).
    PvMounting {
        /// Racks with free air behind the modules.
        OpenRack = "open_rack",
        /// On a roof with a small air gap (PVWatts "fixed roof mount").
        Roof = "roof",
        /// Flush on the roof, no air gap (SAPM close mount; `pv.model = "pvlib"` only).
        CloseRoof = "close_roof",
    }
}

choice! {
    /// `pv.grid_connection`: where PV energy goes.
    GridConnection {
        /// Self-consumption, surplus exported (自发自用、余电上网).
        SurplusExport = "surplus_export",
        /// All output exported (全额上网).
        FullExport = "full_export",
    }
}

choice! {
    /// `pv.ownership`: who owns the array.
    PvOwnership {
        /// The enterprise.
        SelfOwned = "self",
        /// An investor under an energy-management contract (合同能源管理).
        Emc = "emc",
    }
}

choice! {
    /// `storage.dispatch`: how the battery is operated.
    DispatchMode {
        /// Charge in valley, discharge in peak (两充两放).
        Rule = "rule",
        /// Perfect-foresight minimum cost, demand charges included.
        Optimal = "optimal",
    }
}

choice! {
    /// `storage.sizing`: how each enterprise's battery is sized.
    SizingMode {
        /// The best NPV of the sizing grid.
        Optimize = "optimize",
        /// `duration_hours` and `power_fraction_of_peak`.
        Fixed = "fixed",
    }
}

choice! {
    /// `storage.ownership`: who owns the battery.
    StorageOwnership {
        /// The enterprise.
        SelfOwned = "self",
        /// An investor sharing the savings (收益分成).
        SharedSavings = "shared_savings",
    }
}

choice! {
    /// `enterprise[].meter_layout`: the layout of a meter file.
    MeterLayout {
        /// One row per interval: timestamp and value columns.
        Interval = "interval",
        /// One row per day with 96 points (96点负荷曲线).
        Daily96 = "daily_96",
        /// One row per day with 24 points.
        Daily24 = "daily_24",
    }
}

choice! {
    /// `enterprise[].meter_unit`: the unit of the meter's active values.
    MeterUnit {
        /// Mean kW over the interval.
        Kw = "kw",
        /// kWh per interval.
        Kwh = "kwh",
    }
}

choice! {
    /// `enterprise[].meter_reactive_unit`: the unit of the meter's reactive values.
    ReactiveUnit {
        /// Mean kvar over the interval.
        Kvar = "kvar",
        /// kvarh per interval.
        Kvarh = "kvarh",
    }
}

choice! {
    /// `enterprise[].meter_stamp`: which instant of an interval a timestamp names.
    MeterStamp {
        /// The start of the interval.
        Start = "start",
        /// The end of the interval (common in utility exports).
        End = "end",
    }
}

choice! {
    /// `enterprise[].meter_encoding`: the text encoding of a meter CSV file.
    MeterEncoding {
        /// UTF-8 (a byte-order mark is accepted).
        Utf8 = "utf-8",
        /// GBK / GB18030 (Chinese Excel exports).
        Gbk = "gbk",
        /// GB18030, read as GBK's superset.
        Gb18030 = "gb18030",
    }
}

choice! {
    /// The word that lifts a limit (`storage.max_cycles_per_day = "none"`).
    NoLimit {
        /// No limit.
        None = "none",
    }
}

choice! {
    /// `sweep.method`: how samples are drawn.
    SweepMethod {
        /// Every combination of the parameters' values.
        Grid = "grid",
        /// Independent random draws.
        MonteCarlo = "monte_carlo",
        /// Stratified random draws.
        LatinHypercube = "latin_hypercube",
        /// Each parameter low and high, the others at their base values.
        OneAtATime = "one_at_a_time",
        /// Saltelli's design for Sobol variance-based indices: two independent random matrices
        /// and, per parameter, the first with that parameter's column from the second.
        Sobol = "sobol",
    }
}

choice! {
    /// `sweep.parameter[].distribution`: the distribution of a random sweep's parameter.
    Distribution {
        /// Uniform on `min..max`.
        Uniform = "uniform",
        /// Normal with `mean` and `sd`.
        Normal = "normal",
        /// Triangular on `min`, `mode`, `max`.
        Triangular = "triangular",
        /// Lognormal with `median` and `sigma`.
        Lognormal = "lognormal",
        /// One of `values`, equally likely.
        Discrete = "discrete",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T>(names: &[&str], all: &[T])
    where
        T: for<'de> serde::Deserialize<'de> + PartialEq + std::fmt::Debug + std::fmt::Display,
    {
        assert_eq!(names.len(), all.len());
        for (n, v) in names.iter().zip(all) {
            let parsed: T = toml::Value::String((*n).into()).try_into().unwrap();
            assert_eq!(&parsed, v);
            assert_eq!(v.to_string(), *n);
        }
        let bad: Result<T, _> = toml::Value::String("nonsense".into()).try_into();
        assert!(bad.is_err());
    }

    #[test]
    fn every_word_reads_back_into_its_variant() {
        round_trip(WeatherSource::NAMES, WeatherSource::ALL);
        round_trip(ChoicePeriod::NAMES, ChoicePeriod::ALL);
        round_trip(BaselineBasicCharge::NAMES, BaselineBasicCharge::ALL);
        round_trip(MarketMode::NAMES, MarketMode::ALL);
        round_trip(Forecast::NAMES, Forecast::ALL);
        round_trip(TranspositionModel::NAMES, TranspositionModel::ALL);
        round_trip(TemperatureModel::NAMES, TemperatureModel::ALL);
        round_trip(PvModel::NAMES, PvModel::ALL);
        round_trip(PvMounting::NAMES, PvMounting::ALL);
        round_trip(GridConnection::NAMES, GridConnection::ALL);
        round_trip(PvOwnership::NAMES, PvOwnership::ALL);
        round_trip(DispatchMode::NAMES, DispatchMode::ALL);
        round_trip(SizingMode::NAMES, SizingMode::ALL);
        round_trip(StorageOwnership::NAMES, StorageOwnership::ALL);
        round_trip(MeterLayout::NAMES, MeterLayout::ALL);
        round_trip(MeterUnit::NAMES, MeterUnit::ALL);
        round_trip(ReactiveUnit::NAMES, ReactiveUnit::ALL);
        round_trip(MeterStamp::NAMES, MeterStamp::ALL);
        round_trip(MeterEncoding::NAMES, MeterEncoding::ALL);
        round_trip(SweepMethod::NAMES, SweepMethod::ALL);
        round_trip(Distribution::NAMES, Distribution::ALL);
        round_trip(NoLimit::NAMES, NoLimit::ALL);
    }
}

choice! {
    /// `claims.cost_reduction_kind`, `claims.pv_saving_kind`: how a claim is stated.
    ClaimKind {
        /// "About X": holds within the claim's tolerance of X.
        About = "about",
        /// "Over X", "at least X".
        AtLeast = "at_least",
        /// "Under X", "at most X".
        AtMost = "at_most",
    }
}
