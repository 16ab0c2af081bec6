"""Generate the goldens of the PV model presets in tests/data/pv/presets/ from NREL PySAM (PVWatts v8)
and pvlib-python (a ModelChain), on public-domain TMY3 weather committed in tests/data/weather/.

Usage (from the repository root):
    pip install pvlib nrel-pysam
    python3 tools/make_pv_preset_goldens.py

Writes:
  tests/data/weather/723170TYA.CSV, 703165TY.csv   the TMY3 files pvlib ships (NREL, public domain),
                                                   trimmed to the columns parkenergy reads
  tests/data/pv/presets/annual.csv                 AC energy [kWh/kWp/yr] per climate, orientation, reference
  tests/data/pv/presets/monthly.csv                the same per month
  tests/data/pv/presets/hourly_days.csv            hourly AC [W/kWp] on 4 days (the 15th of Mar, Jun, Sep, Dec)
  tests/data/pv/presets/pvgis_offset_monthly.csv   pvlib_open_rack on the Greensboro weather written as a PVGIS
                                                   TMY CSV (UTC rows, "Irradiance Time Offset (h): 0.1761"):
                                                   the sun at each UTC hour's start plus the offset ("offset"),
                                                   and at mid-hour ("mid") to show what ignoring it costs

References (`reference` column):
  pvwatts_v8_open_rack  PySAM Pvwattsv8, array_type 0 (fixed open rack) with gcr 0.01 (rows 2.9 m x 100 apart,
                        so that PVWatts' row self-shading, which a roof array does not have, is negligible:
                        0.02 % of POA at 20 deg tilt)
  pvwatts_v8_roof       PySAM Pvwattsv8, array_type 1 (fixed roof mount, installed NOCT 49 C)
  pvlib_open_rack       pvlib ModelChain: spa at mid-hour, Perez, SAPM open_rack_glass_polymer, physical IAM,
                        no spectral loss, pvwatts DC (gamma -0.0037), pvwatts losses (14.08 %), pvwatts inverter
  pvlib_roof            the same with SAPM close_mount_glass_glass
All: 1 kWdc, DC/AC 1.2, inverter 96 %, losses 14.0757 %, albedo 0.2 (weather-file albedo off), module type
standard, snow and soiling off. Weather placed on 2025 (non-leap), as weather::TYPICAL_YEAR.
"""
import os

import numpy as np
import pandas as pd
import pvlib
from pvlib.location import Location
from pvlib.modelchain import ModelChain
from pvlib.pvsystem import PVSystem
from pvlib.temperature import TEMPERATURE_MODEL_PARAMETERS

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "data", "pv", "presets")
WEATHER = os.path.join(ROOT, "tests", "data", "weather")
YEAR = 2025
ORIENTATIONS = [(15, 180), (35, 180), (10, 90), (25, 240), (90, 180), (90, 270)]
CLIMATES = {"greensboro": "723170TYA.CSV", "sand_point": "703165TY.csv"}
LOSSES = 0.140757
DC_AC, ETA, GAMMA, ALBEDO = 1.2, 0.96, -0.0037, 0.2
KEEP = ["Date (MM/DD/YYYY)", "Time (HH:MM)", "GHI (W/m^2)", "DNI (W/m^2)", "DHI (W/m^2)", "Dry-bulb (C)",
        "Pressure (mbar)", "Wspd (m/s)"]
DAYS = [(3, 15), (6, 15), (9, 15), (12, 15)]


def trimmed_copy(src, dst):
    """The TMY3 file with its station line and only the columns parkenergy reads (values as written)."""
    with open(src, newline="") as f:
        lines = f.read().splitlines()
    names = lines[1].split(",")
    idx = [names.index(k) for k in KEEP]
    out = [lines[0], ",".join(KEEP)]
    for l in lines[2:]:
        if l.strip():
            v = l.split(",")
            out.append(",".join(v[i] for i in idx))
    with open(dst, "w", newline="\n") as f:
        f.write("\n".join(out) + "\n")


def pvwatts_v8(path, tilt, az, array_type):
    import PySAM.Pvwattsv8 as pv
    m = pv.default("PVWattsNone")
    m.SolarResource.solar_resource_file = path
    m.SolarResource.use_wf_albedo = 0
    m.SolarResource.albedo = [ALBEDO]
    sd = m.SystemDesign
    sd.system_capacity = 1.0
    sd.tilt, sd.azimuth = float(tilt), float(az)
    sd.array_type, sd.module_type = array_type, 0
    sd.gcr = 0.01 if array_type == 0 else 0.4
    sd.losses, sd.dc_ac_ratio, sd.inv_eff = LOSSES * 100, DC_AC, ETA * 100
    sd.en_snowloss, sd.bifaciality = 0, 0
    sd.soiling = [0.0] * 12
    m.execute()
    return np.asarray(m.Outputs.ac) / 1000.0


def pvlib_modelchain(path, tilt, az, mount):
    data, meta = pvlib.iotools.read_tmy3(path, coerce_year=YEAR, map_variables=True)
    # TMY3 labels the end of each hour: the model runs at the middle of the hour
    data.index = data.index - pd.Timedelta(minutes=30)
    loc = Location(meta["latitude"], meta["longitude"], tz=f"Etc/GMT{-int(meta['TZ']):+d}",
                   altitude=meta["altitude"])
    system = PVSystem(surface_tilt=tilt, surface_azimuth=az, albedo=ALBEDO,
                      module_parameters={"pdc0": 1000.0, "gamma_pdc": GAMMA},
                      inverter_parameters={"pdc0": 1000.0 / DC_AC / ETA, "eta_inv_nom": ETA},
                      temperature_model_parameters=TEMPERATURE_MODEL_PARAMETERS["sapm"][mount],
                      losses_parameters={})
    mc = ModelChain(system, loc, aoi_model="physical", spectral_model="no_loss", temperature_model="sapm",
                    transposition_model="perez", dc_model="pvwatts", ac_model="pvwatts", losses_model="pvwatts")
    mc.run_model(data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]])
    return np.nan_to_num(np.asarray(mc.results.ac, dtype=float)) / 1000.0


PVGIS_OFFSET_H = 0.1761
PVGIS_ORIENTATIONS = [(20, 90), (20, 270), (90, 90), (90, 270), (20, 180)]


def pvgis_offset_golden(path):
    """pvlib_open_rack on the TMY3 data rolled to UTC hours (as a PVGIS file holds them), with the sun at
    the label plus PVGIS's irradiance time offset, and at mid-hour."""
    data, meta = pvlib.iotools.read_tmy3(path, coerce_year=YEAR, map_variables=True)
    tz = int(meta["TZ"])
    cols = data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].to_numpy()
    # TMY3 row j covers local hour j, i.e. UTC hour j - tz: UTC row u holds TMY3 row u + tz
    rolled = np.roll(cols, -tz, axis=0)
    rows = []
    for label, minutes in [("offset", PVGIS_OFFSET_H * 60), ("mid", 30.0)]:
        times = pd.date_range(f"{YEAR}-01-01 00:00", periods=8760, freq="h", tz="UTC") + pd.Timedelta(minutes=minutes)
        w = pd.DataFrame(rolled, index=times, columns=["ghi", "dni", "dhi", "temp_air", "wind_speed"])
        loc = Location(meta["latitude"], meta["longitude"], tz="UTC", altitude=meta["altitude"])
        for tilt, az in PVGIS_ORIENTATIONS:
            system = PVSystem(surface_tilt=tilt, surface_azimuth=az, albedo=ALBEDO,
                              module_parameters={"pdc0": 1000.0, "gamma_pdc": GAMMA},
                              inverter_parameters={"pdc0": 1000.0 / DC_AC / ETA, "eta_inv_nom": ETA},
                              temperature_model_parameters=TEMPERATURE_MODEL_PARAMETERS["sapm"][
                                  "open_rack_glass_polymer"],
                              losses_parameters={})
            mc = ModelChain(system, loc, aoi_model="physical", spectral_model="no_loss", temperature_model="sapm",
                            transposition_model="perez", dc_model="pvwatts", ac_model="pvwatts",
                            losses_model="pvwatts")
            mc.run_model(w)
            ac = np.nan_to_num(np.asarray(mc.results.ac, dtype=float)) / 1000.0
            month = pd.date_range(f"{YEAR}-01-01", periods=8760, freq="h").month
            for mo in range(1, 13):
                rows.append(("greensboro", tilt, az, label, mo, round(ac[month == mo].sum(), 4)))
            print("pvgis", label, tilt, az, round(ac.sum(), 2))
    pd.DataFrame(rows, columns=["climate", "tilt_deg", "azimuth_deg", "sun", "month_utc", "ac_kwh_per_kwp"]).to_csv(
        os.path.join(OUT, "pvgis_offset_monthly.csv"), index=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    pvdata = os.path.join(os.path.dirname(pvlib.__file__), "data")
    months = pd.date_range(f"{YEAR}-01-01 00:00", periods=8760, freq="h")
    annual, monthly, hourly = [], [], {}
    day_sel = np.zeros(8760, bool)
    for m, d in DAYS:
        day_sel |= (months.month == m) & (months.day == d)
    for name, fname in CLIMATES.items():
        src = os.path.join(pvdata, fname)
        trimmed_copy(src, os.path.join(WEATHER, fname))
        for tilt, az in ORIENTATIONS:
            refs = {
                "pvwatts_v8_open_rack": pvwatts_v8(src, tilt, az, 0),
                "pvwatts_v8_roof": pvwatts_v8(src, tilt, az, 1),
                "pvlib_open_rack": pvlib_modelchain(src, tilt, az, "open_rack_glass_polymer"),
                "pvlib_roof": pvlib_modelchain(src, tilt, az, "close_mount_glass_glass"),
            }
            for ref, ac in refs.items():
                annual.append((name, tilt, az, ref, round(ac.sum(), 4)))
                for mo in range(1, 13):
                    monthly.append((name, tilt, az, ref, mo, round(ac[months.month == mo].sum(), 4)))
                hourly[f"{name}_{tilt}_{az}_{ref}"] = np.round(ac[day_sel] * 1000).astype(int)
            print(name, tilt, az, {k: round(v.sum(), 1) for k, v in refs.items()})
    pd.DataFrame(annual, columns=["climate", "tilt_deg", "azimuth_deg", "reference", "ac_kwh_per_kwp"]).to_csv(
        os.path.join(OUT, "annual.csv"), index=False)
    pd.DataFrame(monthly, columns=["climate", "tilt_deg", "azimuth_deg", "reference", "month",
                                   "ac_kwh_per_kwp"]).to_csv(os.path.join(OUT, "monthly.csv"), index=False)
    h = pd.DataFrame(hourly)
    h.insert(0, "step", np.flatnonzero(day_sel))
    h.to_csv(os.path.join(OUT, "hourly_days.csv"), index=False)
    pvgis_offset_golden(os.path.join(pvdata, CLIMATES["greensboro"]))


if __name__ == "__main__":
    main()
