#!/usr/bin/env python3
"""Reference cash-flow metrics from NREL PySAM's Cashloan model, for parkenergy's finance tests.

Writes tests/data/finance/pysam_cashloan.json: the inputs (in parkenergy's terms) and PySAM's
NPV, payback, discounted payback and nominal LCOE of a self-owned rooftop PV project with no debt,
no taxes, no insurance or property tax and no inflation, so that the two models see the same
cash flows. Run: pip install nrel-pysam && python3 tools/make_finance_golden.py
"""
import json
import pathlib

import PySAM
import PySAM.Cashloan as cashloan
from PySAM.PySSC import PySSC

LIFE = 25
DC_KW = 1000.0
CAPEX = 2.8e6            # yuan (2.8 yuan/W)
OM_PER_KW = 35.0         # yuan/kW-yr (0.035 yuan/W/yr)
OM_ESCAL = 2.0           # %/yr
RATE = 6.0               # %/yr
DEGR = 0.5               # %/yr, from year 2 on
YEAR1_KWH = 1_000_000.0  # kWh
YEAR1_VALUE = 580_000.0  # yuan: avoided grid cost + export revenue in year 1
BUY_ESCAL = 1.0          # %/yr escalation of the value of energy

m = cashloan.default("PVWattsCommercial")
fp = m.FinancialParameters
fp.analysis_period = LIFE
fp.debt_fraction = 0.0
fp.federal_tax_rate = [0.0]
fp.state_tax_rate = [0.0]
fp.inflation_rate = 0.0
fp.insurance_rate = 0.0
fp.property_tax_rate = 0.0
fp.real_discount_rate = RATE
fp.salvage_percentage = 0.0
fp.system_capacity = DC_KW
sc = m.SystemCosts
sc.total_installed_cost = CAPEX
sc.om_capacity = [OM_PER_KW]
sc.om_capacity_escal = OM_ESCAL
sc.om_fixed = [0.0]
sc.om_fixed_escal = 0.0
sc.om_production = [0.0]
sc.om_production_escal = 0.0
for grp in (m.TaxCreditIncentives, m.PaymentIncentives):
    for k, v in grp.export().items():
        if k.endswith("_amount") or k.endswith("_percent"):
            setattr(grp, k, [0.0] if isinstance(v, (list, tuple)) else 0.0)
m.TaxCreditIncentives.ptc_fed_amount = [0.0]
m.TaxCreditIncentives.ptc_sta_amount = [0.0]
factors = [(1 - DEGR / 100) ** (t - 1) for t in range(1, LIFE + 1)]
values = [0.0] + [YEAR1_VALUE * f * (1 + BUY_ESCAL / 100) ** (t - 1) for t, f in enumerate(factors, 1)]
m.SystemOutput.annual_energy_value = values
m.SystemOutput.degradation = [DEGR]
m.SystemOutput.gen = [YEAR1_KWH / 8760.0] * 8760
m.Lifetime.system_use_lifetime_output = 0
m.ElectricityRates.rate_escalation = [0.0]
# The bill itself is not modelled here (annual_energy_value carries the savings); the monthly
# charge tables only have to exist.
zeros_ym = [[0.0] * 12 for _ in range(LIFE + 1)]
for k in ("charge_w_sys_dc_tou_ym", "charge_w_sys_ec_ym", "charge_w_sys_fixed_ym",
          "net_billing_credits_ym", "nm_dollars_applied_ym", "true_up_credits_ym"):
    setattr(m.ChargesByMonth, k, zeros_ym)
m.ChargesByMonth.utility_bill_w_sys = [0.0] * (LIFE + 1)
# Not exposed by the PySAM wrapper; set through the SSC data table.
_ssc = PySSC()
_ssc.data_set_array(m.get_data_ptr(), b"utility_bill_wo_sys", [0.0] * (LIFE + 1))
m.BatterySystem.en_batt = 0
m.execute()
o = m.Outputs
out = {
    "provenance": f"NREL PySAM {PySAM.__version__} Cashloan, made by tools/make_finance_golden.py",
    "inputs": {
        "life_years": LIFE,
        "dc_kw": DC_KW,
        "capex_yuan": CAPEX,
        "om_yuan_per_year": OM_PER_KW * DC_KW,
        "om_escalation_fraction": OM_ESCAL / 100,
        "discount_rate_fraction": RATE / 100,
        "degradation_annual_fraction": DEGR / 100,
        "year1_kwh": YEAR1_KWH,
        "year1_value_yuan": YEAR1_VALUE,
        "buy_escalation_fraction": BUY_ESCAL / 100,
    },
    "pysam": {
        "npv_yuan": o.npv,
        "payback_years": o.payback,
        "discounted_payback_years": o.discounted_payback,
        "lcoe_nominal_yuan_per_kwh": o.lcoe_nom / 100.0,
        "cf_after_tax_yuan": list(o.cf_after_tax_cash_flow),
        "cf_energy_net_kwh": list(o.cf_energy_net),
    },
}
path = pathlib.Path(__file__).resolve().parent.parent / "tests/data/finance/pysam_cashloan.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(out["pysam"] | {"cf_after_tax_yuan": out["pysam"]["cf_after_tax_yuan"][:3]}, indent=1))
