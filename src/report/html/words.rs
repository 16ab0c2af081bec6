//! The words of `report.html` in English and Chinese (报告用语), one table so that both
//! languages stay complete. Keys are the names the template uses (`t.claims`).

use crate::report::charts::Lang;
use std::collections::BTreeMap;

/// (key, English, 中文) for every word of the page.
pub const WORDS: &[(&str, &str, &str)] = &[
    ("title", "Energy-cost report", "企业用能成本优化报告"),
    ("enterprises_n", "enterprises", "家企业"),
    (
        "shown_largest_saving",
        "the ones with the largest saving under all measures; every enterprise is in enterprises.csv",
        "全部措施下节省最多者;全部企业见 enterprises.csv",
    ),
    ("contents", "Contents", "目录"),
    ("claims", "Claims checked", "目标核验"),
    ("claim", "Claim", "目标"),
    ("stated", "As stated", "表述"),
    ("simulated", "Simulated", "模拟值"),
    ("margin", "Margin", "差额"),
    ("holds", "Holds", "是否成立"),
    ("yes", "yes", "成立"),
    ("no", "no", "不成立"),
    ("judged_on", "Judged on", "核验口径"),
    (
        "framings",
        "Other readings (not judged)",
        "其他口径（不作判定）",
    ),
    ("assumptions", "Assumptions", "假设"),
    (
        "no_claims",
        "The scenario states no claims.",
        "本情景未设定目标。",
    ),
    (
        "tariff_versions",
        "Claims under other tariff versions",
        "其他电价版本下的目标核验",
    ),
    ("strategies", "Park bill per strategy", "各策略园区电费"),
    ("strategy", "Strategy", "策略"),
    ("bill", "Bill", "电费"),
    ("saving", "Saving", "节省"),
    ("saving_pct", "Saving [%]", "节省比例 [%]"),
    (
        "avg_price",
        "Average price [yuan/kWh]",
        "综合平均电价 [元/kWh]",
    ),
    ("investment", "Investment", "投资"),
    ("npv", "NPV", "净现值"),
    ("irr", "IRR [%]", "内部收益率 [%]"),
    ("payback", "Payback [yr]", "回收期 [年]"),
    ("investor_irr", "Investor IRR [%]", "投资方内部收益率 [%]"),
    ("waterfall", "Savings waterfall", "节省瀑布图"),
    (
        "account",
        "Savings account by measure and bill component",
        "分措施、分电费构成的节省账户",
    ),
    ("measure", "Measure", "措施"),
    ("framing", "Framing", "口径"),
    ("alone", "alone (vs baseline)", "单独（对比基准）"),
    ("step", "step of the stack", "叠加步骤"),
    ("reference", "Against", "对比"),
    ("losing", "Enterprises paying more", "电费上升企业数"),
    ("worst", "Worst", "损失最大"),
    ("monthly", "Park monthly bill", "园区月度电费"),
    ("month", "Month", "月份"),
    ("total", "Total", "合计"),
    ("enterprise_table", "Enterprises", "企业列表"),
    ("filter", "Filter", "筛选"),
    (
        "filter_hint",
        "name, archetype or group",
        "企业名称、行业或分组",
    ),
    (
        "sort_hint",
        "Click a column header to sort.",
        "点击表头排序。",
    ),
    ("enterprise", "Enterprise", "企业"),
    ("archetype", "Archetype", "行业类型"),
    ("baseline_bill", "Baseline bill", "基准电费"),
    ("full_saving", "Saving, all measures", "全部措施节省"),
    ("pv_kw", "PV [kW]", "光伏 [kW]"),
    ("pv_saving", "PV saving", "光伏节省"),
    ("pv_npv", "PV owner NPV", "光伏业主净现值"),
    ("pv_irr", "PV owner IRR [%]", "光伏业主内部收益率 [%]"),
    ("pv_payback", "PV payback [yr]", "光伏回收期 [年]"),
    ("storage_kwh", "Storage [kWh]", "储能 [kWh]"),
    ("storage_saving", "Storage saving", "储能节省"),
    ("storage_npv", "Storage NPV", "储能净现值"),
    ("storage_irr", "Storage IRR [%]", "储能内部收益率 [%]"),
    ("storage_payback", "Storage payback [yr]", "储能回收期 [年]"),
    (
        "own_self",
        "PV self-owned by the enterprise",
        "光伏由企业自投",
    ),
    (
        "own_emc",
        "PV owned by an EMC investor (合同能源管理): owner figures are the investor's",
        "光伏由合同能源管理（EMC）投资方持有：业主指标为投资方的",
    ),
    (
        "alt_emc",
        "Beside them, the same PV under the other ownership model, EMC (合同能源管理): the enterprise's saving net of its payments to the investor, and the investor's NPV, IRR and payback",
        "右侧为同一光伏在另一种持有方式（合同能源管理）下的指标：企业扣除付给投资方款项后的节省，以及投资方的净现值、内部收益率和回收期",
    ),
    (
        "alt_self",
        "Beside them, the same PV under the other ownership model, self-owned by the enterprise: its saving, NPV, IRR and payback",
        "右侧为同一光伏在另一种持有方式（企业自投）下的指标：企业的节省、净现值、内部收益率和回收期",
    ),
    ("short_emc", "EMC", "合同能源管理"),
    ("short_self", "self-owned", "自投"),
    ("pv_first", "Install PV first: ranking", "优先安装光伏排序"),
    (
        "pv_first_note",
        "Ranked by the NPV of the PV owner under the PV-only strategy; enterprises with no roof array or a negative NPV are left out. An enterprise that loses money under PV alone is marked: there the power-factor adjustment grows by more than the PV saves it.",
        "按仅光伏策略下光伏业主的净现值排序；无屋顶阵列或净现值为负的企业不列入。仅光伏时亏损的企业另有标注：其力调电费的增加超过光伏带来的节省。",
    ),
    ("rank", "Rank", "排名"),
    ("reason", "Reason", "理由"),
    (
        "reason_text",
        "owner NPV {npv}, payback {payback} yr, {self}% of the PV used on site, saves the enterprise {saving}",
        "业主净现值 {npv}，回收期 {payback} 年，光伏自用比例 {self}%，为企业节省 {saving}",
    ),
    (
        "pf_warning",
        " – but the enterprise loses {loss} under PV alone: its power-factor adjustment (力调电费) grows by {pf}, because PV lowers the metered power factor; reactive compensation (无功补偿) with the PV removes the loss",
        " —— 但仅光伏时企业亏损 {loss}：光伏降低了计量功率因数，力调电费增加 {pf}；随光伏配置无功补偿即可消除亏损",
    ),
    (
        "loss_warning",
        " – but the enterprise loses {loss} under PV alone",
        " —— 但仅光伏时企业亏损 {loss}",
    ),
    (
        "none_ranked",
        "No enterprise has a PV array with a positive NPV.",
        "没有净现值为正的光伏项目。",
    ),
    ("charts", "More charts", "其他图表"),
    ("details", "Enterprise details", "企业详情"),
    ("back", "back to the table", "返回企业列表"),
    ("peak_kw", "Peak [kW]", "最大负荷 [kW]"),
    ("annual_kwh", "Consumption [kWh/yr]", "年用电量 [kWh]"),
    ("monthly_bills", "Monthly bills", "月度电费"),
    ("baseline", "Baseline", "基准"),
    ("all_measures", "All measures", "全部措施"),
    (
        "cash_flows",
        "Cash flows of the enterprise, all measures",
        "企业现金流（全部措施）",
    ),
    ("investor_flows", "Investor", "投资方"),
    ("year", "Year", "年份"),
    ("net", "Net", "净现金流"),
    ("cumulative", "Cumulative", "累计"),
    (
        "no_money",
        "No investment in this strategy.",
        "该策略无投资。",
    ),
    (
        "typical_day",
        "Typical summer and winter day",
        "夏季、冬季典型日",
    ),
    ("yuan_per_year", "yuan/yr", "万元/年"),
    ("yuan", "yuan", "万元"),
    (
        "footer",
        "Written by parkenergy from the results of the run; every figure is in the CSV and JSON files beside this report and in report.xlsx.",
        "由 parkenergy 根据模拟结果生成；所有数据均可在同目录下的 CSV、JSON 文件和 report.xlsx 中查到。",
    ),
    ("sweep", "Sweep", "参数扫描"),
    (
        "probability",
        "Probability that the claim holds",
        "目标成立的概率",
    ),
    ("samples", "samples", "个样本"),
    ("percentiles", "Percentiles", "分位数"),
    ("distributions", "Distributions", "分布"),
    ("mean", "Mean", "均值"),
    ("sobol", "Sobol indices", "Sobol 敏感性指数"),
    (
        "sobol_note",
        "Share of each claim's variance a parameter explains alone (first order) and with its interactions (total), with bootstrap 95% intervals; Saltelli et al. 2010, Jansen 1999.",
        "各参数单独（一阶）及连同交互作用（总效应）解释的目标方差份额，括号内为自助法 95% 区间（Saltelli 等 2010；Jansen 1999）。",
    ),
    ("parameter", "Parameter", "参数"),
    ("first_order", "First order", "一阶指数"),
    ("total_index", "Total", "总效应指数"),
];

/// The words in `lang`, by key.
pub fn words(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    WORDS
        .iter()
        .map(|(k, en, zh)| (*k, if lang == Lang::Zh { *zh } else { *en }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages_and_a_unique_key() {
        let mut keys = std::collections::HashSet::new();
        for (k, en, zh) in WORDS {
            assert!(keys.insert(*k), "{k} twice");
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{k}");
        }
    }
}
