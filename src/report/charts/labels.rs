//! The label table of the charts: every title, axis name, legend entry and unit, in English and
//! Chinese (图表标签中英文对照表).
//!
//! Chart code never writes a visible word itself; it asks this table. A test checks that every
//! character of every label has a glyph in the font of [`crate::report::font`].
//! Templates hold `{0}`, `{1}` for values filled in by [`Label::fill`].

use std::borrow::Cow;

/// The language of a chart's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl Lang {
    /// Both languages, for loops in tests and reports.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];
}

macro_rules! labels {
    ($($(#[$doc:meta])* $name:ident => $en:literal, $zh:literal;)*) => {
        /// A word or phrase of the charts, known in both languages.
        #[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Label {
            $($(#[$doc])* $name,)*
        }

        impl Label {
            /// Every label, in table order.
            pub const ALL: &'static [Label] = &[$(Label::$name,)*];

            /// The text of the label in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Label::$name, Lang::En) => $en, (Label::$name, Lang::Zh) => $zh,)*
                }
            }
        }
    };
}

labels! {
    // Measures and strategies (措施与策略).
    /// Baseline: no measure.
    Baseline => "Baseline", "基准";
    /// Tariff category optimisation.
    Tariff => "Tariff category", "分类优化";
    /// Market trading.
    Market => "Market trading", "市场化交易";
    /// Rooftop PV.
    Pv => "Rooftop PV", "屋顶光伏";
    /// User-side storage.
    Storage => "Storage", "用户侧储能";
    /// All four measures.
    AllMeasures => "All measures", "全部措施";
    /// Interaction between measures (the part of the saving not explained by the single steps).
    Interaction => "Interaction", "交互效应";
    // Ownership cases (投资模式).
    /// Self-owned investment.
    SelfOwned => "Self-owned", "自投自用";
    /// Energy performance contract (合同能源管理).
    Emc => "EMC", "合同能源管理";
    /// Shared savings.
    SharedSavings => "Shared savings", "节能效益分享";
    // Units and number words.
    /// Money unit of axes in the language's usual scale.
    MoneyUnit => "million yuan", "万元";
    /// Money per year unit.
    MoneyPerYearUnit => "million yuan/yr", "万元/年";
    /// Years.
    Years => "years", "年";
    /// Percent.
    Percent => "%", "%";
    // Claims (宣称).
    /// The claimed reduction of the park bill, `{0}` the reduction (e.g. 15%), `{1}` the level.
    ClaimReduction => "Claim: −{0} → {1}", "宣称降低{0}：{1}";
    /// The all-measures saving under another tariff version, `{0}` the version, `{1}` the share.
    UnderTariff => "Under {0}: all measures save {1}", "按{0}电价：全部措施节省{1}";
    /// The claimed yearly PV saving, `{0}` the amount.
    ClaimPvSaving => "Claim: {0}", "宣称：{0}";
    /// The claimed value on a distribution, `{0}` the value.
    ClaimValue => "Claim {0}", "宣称值 {0}";
    /// Share of the samples meeting the claim, `{0}` the share.
    ShareMeetingClaim => "{0} of samples reach the claimed value", "{0}的样本达到宣称值";
    /// Where the claim holds.
    ClaimHolds => "Claim holds", "满足宣称";
    // Waterfall (节省瀑布图).
    /// Waterfall title.
    WaterfallTitle => "Park electricity bill: savings by measure", "园区电费：各措施节省";
    /// Yearly park bill axis.
    ParkBill => "Park bill", "园区年电费";
    /// A saving.
    Saving => "Saving", "节省";
    /// An increase.
    Increase => "Increase", "增加";
    // PV savings (光伏节省).
    /// PV savings title.
    PvSavingsTitle => "Savings of the enterprises from rooftop PV", "企业屋顶光伏节省电费";
    /// PV saving axis.
    PvSaving => "PV saving", "光伏节省";
    /// A case (strategy or ownership).
    Case => "Case", "方案";
    // Distribution (分布).
    /// Histogram title.
    HistogramTitle => "Saving per enterprise", "各企业节省比例";
    /// Saving axis in percent.
    SavingPercent => "Saving [%]", "节省比例 [%]";
    /// Number of enterprises.
    Enterprises => "Enterprises", "企业数";
    /// Number of sweep samples.
    Samples => "Samples", "样本数";
    /// CDF title.
    CdfTitle => "Park saving over the sweep samples", "园区节省比例（参数抽样）";
    /// Histogram title of a sweep (the CDF has its own).
    SampleHistogramTitle => "Park saving over the sweep samples: histogram", "园区节省比例（参数抽样）：样本数分布";
    /// Cumulative share axis.
    CumulativeShare => "Cumulative share of samples [%]", "累计样本占比 [%]";
    /// Share of the enterprises meeting the claim, `{0}` the share.
    ShareEnterprisesMeetingClaim => "{0} of enterprises reach the claimed value", "{0}的企业达到宣称值";
    /// Median, `{0}` the value.
    Median => "Median {0}", "中位数 {0}";
    /// Empirical distribution function.
    Cdf => "Cumulative distribution", "累积分布";
    // Monthly bill (月度电费).
    /// Monthly bill title.
    MonthlyTitle => "Monthly park bill by component", "园区月度电费构成";
    /// Monthly bill axis.
    MonthlyBill => "Monthly park bill", "园区月电费";
    /// Month axis.
    Month => "Month", "月份";
    /// Energy charge.
    Energy => "Energy charge", "电度电费";
    /// Basic (capacity or demand) charge.
    BasicCharge => "Basic charge", "基本电费";
    /// Power-factor adjustment.
    PowerFactor => "Power-factor adjustment", "功率因数调整电费";
    /// Government funds and surcharges.
    Funds => "Funds and surcharges", "政府性基金及附加";
    /// Market deviation settlement.
    MarketDeviation => "Market deviation", "偏差考核费用";
    /// Payments to the EMC investor for PV energy.
    EmcPayment => "EMC payments for PV", "合同能源管理光伏电费";
    /// Annualized reactive-compensation cost.
    Compensation => "Reactive compensation", "无功补偿成本";
    /// Storage shared-savings payments.
    StorageSharedSavings => "Storage shared savings", "储能收益分成";
    /// Export credit kept by the enterprises (negative).
    ExportCredit => "Export credit", "上网电费收入";
    /// The power-factor panel's title: its own scale, so that the small adjustment is visible.
    PowerFactorPanel => "Power-factor adjustment by month (own scale; below 0: a credit)", "功率因数调整电费（单独刻度；负值为奖励）";
    /// The yearly power-factor adjustment, `{0}` the baseline's, `{1}` all measures', `{2}` the unit.
    PowerFactorYear => "year: baseline {0}, all measures {1} {2}", "全年：基准 {0}，全部措施 {1} {2}";
    /// Which bar of a pair is which.
    PairNote => "left (light): baseline · right: all measures", "左（浅色）：基准 · 右：全部措施";
    /// Month name, `{0}` the month number.
    MonthN => "{0}", "{0}月";
    // Typical days (典型日).
    /// Typical days title, `{0}` the enterprise.
    TypicalDayTitle => "Typical days: {0}", "典型日运行曲线：{0}";
    /// Typical summer day.
    SummerDay => "Typical summer day", "夏季典型日";
    /// Typical winter day.
    WinterDay => "Typical winter day", "冬季典型日";
    /// Hour axis.
    Hour => "Hour", "小时";
    /// Power axis.
    PowerKw => "Power [kW]", "功率 [kW]";
    /// Load.
    Load => "Load", "负荷";
    /// PV output.
    PvOutput => "PV output", "光伏出力";
    /// Battery power, discharge positive.
    Battery => "Battery (+ discharge)", "储能（放电为正）";
    /// Grid import.
    GridImport => "Grid import", "电网购电";
    /// Valley period.
    Valley => "Valley", "低谷";
    /// Flat period.
    Flat => "Flat", "平段";
    /// Peak period.
    Peak => "Peak", "高峰";
    /// Critical peak period.
    Critical => "Critical peak", "尖峰";
    // Payback (投资回收期).
    /// Payback title.
    PaybackTitle => "Payback period vs size", "投资回收期与容量";
    /// Payback title of PV, one point per enterprise.
    PaybackPvTitle => "Payback of each enterprise's PV vs its size", "各企业光伏投资回收期与装机容量";
    /// Payback title of storage, one point per enterprise.
    PaybackStorageTitle => "Payback of each enterprise's storage vs its capacity", "各企业储能投资回收期与储能容量";
    /// Payback axis.
    PaybackYears => "Payback [years]", "投资回收期 [年]";
    /// PV size axis.
    PvSizeKw => "PV capacity [kW]", "光伏装机容量 [kW]";
    /// Storage size axis.
    StorageSizeKwh => "Storage capacity [kWh]", "储能容量 [kWh]";
    /// Simple payback.
    SimplePayback => "Simple payback", "静态回收期";
    /// Discounted payback.
    DiscountedPayback => "Discounted payback", "动态回收期";
    /// Project lifetime, `{0}` in years.
    Lifetime => "Lifetime {0} years", "寿命期 {0}年";
    /// Points without payback within the lifetime, `{0}` their number.
    NoPayback => "{0} sizes without payback", "{0}个容量无法回收投资";
    // Tornado (敏感性).
    /// Tornado title, `{0}` the output.
    TornadoTitle => "Sensitivity of {0}", "{0}敏感性分析";
    /// Parameter at its low value.
    LowValue => "Parameter low", "参数取低值";
    /// Parameter at its high value.
    HighValue => "Parameter high", "参数取高值";
    /// Base case, `{0}` the output value.
    BaseCase => "Base case {0}", "基准情景 {0}";
    /// Park saving as a quantity.
    ParkSaving => "park saving", "园区节省比例";
    // Global sensitivity (全局敏感性).
    /// Sensitivity title, `{0}` the number of samples.
    SensitivityTitle => "What drives the claims: partial rank correlation, {0} samples", "驱动因素：偏秩相关系数（{0}个样本）";
    /// PRCC axis.
    PrccAxis => "PRCC with 95% interval [−1 to 1]", "偏秩相关系数 (PRCC) 及95%区间 [−1至1]";
    /// The cost reduction claim's output.
    ParkCostReduction => "Park cost reduction", "园区用电成本降幅";
    /// The PV saving claim's output.
    PvSavingClaim => "PV saving of the enterprises", "企业光伏节省";
    // Heatmap (双参数图).
    /// Heatmap title, `{0}` the quantity.
    HeatmapTitle => "{0} over two parameters", "{0}双参数分析";
    // Profiles (典型负荷曲线).
    /// Profiles title.
    ProfilesTitle => "Typical load profiles by archetype", "各行业典型负荷曲线";
    /// Workday.
    Workday => "Workday", "工作日";
    /// Weekend.
    Weekend => "Weekend", "周末";
    /// Holiday.
    Holiday => "Holiday", "节假日";
    /// Load axis.
    LoadKw => "Load [kW]", "负荷 [kW]";
    /// Normalised load axis.
    LoadPerUnit => "Load [per unit of peak]", "负荷 [标幺值]";
}

impl Label {
    /// The label's text in `lang` with `{0}`, `{1}`… replaced by `args`.
    pub fn fill(self, lang: Lang, args: &[&str]) -> String {
        let mut s = self.text(lang).to_string();
        for (i, a) in args.iter().enumerate() {
            s = s.replace(&format!("{{{i}}}"), a);
        }
        s
    }
}

/// A text shown on a chart: a label from the table, or a name given by the caller.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub enum Text {
    /// A label of the table, shown in the chart's language.
    Label(Label),
    /// The same text in every language (a parameter key, an enterprise name).
    Plain(String),
    /// A name given in both languages.
    Both {
        /// English text.
        en: String,
        /// Chinese text.
        zh: String,
    },
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> Cow<'_, str> {
        match self {
            Text::Label(l) => Cow::Borrowed(l.text(lang)),
            Text::Plain(s) => Cow::Borrowed(s),
            Text::Both { en, zh } => Cow::Borrowed(if lang == Lang::En { en } else { zh }),
        }
    }
}

impl From<Label> for Text {
    fn from(l: Label) -> Self {
        Text::Label(l)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Plain(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_unique_and_non_empty_in_both_languages() {
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for l in Label::ALL {
                let t = l.text(lang);
                assert!(!t.trim().is_empty(), "{l:?} empty in {lang:?}");
                // Units and placeholders may repeat across languages but not within one.
                assert!(
                    seen.insert(t) || t == "{0}" || t == "%",
                    "{l:?} repeats `{t}`"
                );
            }
        }
    }

    #[test]
    fn chinese_labels_are_chinese() {
        let ascii_only = ["%", "{0}"];
        for l in Label::ALL {
            let zh = l.text(Lang::Zh);
            if !ascii_only.contains(&zh) {
                assert!(
                    zh.chars().any(|c| c > '\u{2E80}'),
                    "{l:?} has no Chinese: `{zh}`"
                );
            }
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(
            Label::ClaimReduction.fill(Lang::Zh, &["15%", "850万元"]),
            "宣称降低15%：850万元"
        );
        assert_eq!(Label::MonthN.fill(Lang::Zh, &["3"]), "3月");
        assert_eq!(Text::from("pv.capacity_kw").get(Lang::Zh), "pv.capacity_kw");
    }
}
