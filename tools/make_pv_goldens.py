"""Generate the PV validation goldens in tests/data/pv/ from pvlib-python and NREL PySAM (PVWatts v8).

Usage (from the repository root):
    pip install pvlib nrel-pysam
    python3 tools/make_pv_goldens.py [--shared ../shared/reference]

Writes (see tests/data/pv/README.md):
  spa_reference.csv          pvlib spa_python positions for 6 places x 60 times in 2000-2050
  greensboro_tmy3.csv        compact copy of pvlib's TMY3 file 723170TYA.CSV (public domain, NREL)
  annual.csv, monthly.csv    AC energy per kWp from the pvlib chain and from PVWatts v8
  hourly_<climate>.csv       hourly AC per kWp [W/kWp, integers] for the 4 orientations, both tools
and prints the time pvlib takes for one orientation-year (spa_python + Perez + Fuentes + PVWatts).

The pvlib chain mirrors src/solar/chain.rs with pvlib functions: spa_python at mid-interval, Perez
(allsitescomposite1990, Kasten-Young relative air mass, Spencer extraterrestrial irradiance),
ground reflection with albedo 0.2, Fuentes cell temperature (installed NOCT 49 C), the PVWatts v8
glass-cover modifiers (pvlib iam.physical n=1.526 K=4 L=0.002 on beam and on the Brandemuehl-
Beckman equivalent angles for sky and ground diffuse), the De Soto air-mass modifier, pvwatts_dc
with gamma -0.0037, losses 14.0757 %, pvwatts inverter (96 %, DC/AC 1.2).

PVWatts v8 is run with array_type=1 (fixed roof mount: no row self-shading, INOCT 49 C), module
type 0 (standard), albedo 0.2 (weather-file albedo off), snow and soiling off, 1 kWdc.
"""
import argparse
import os
import sys
import time

import numpy as np
import pandas as pd
import pvlib
from pvlib import atmosphere, irradiance, solarposition, temperature, pvsystem, inverter, iam

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "data", "pv")
YEAR = 2025  # weather placed on this (non-leap) year, as weather::TYPICAL_YEAR
ORIENTATIONS = [(15, 180), (30, 180), (10, 90), (25, 240)]
LOSSES = 0.140757
DC_AC = 1.2
ETA = 0.96
GAMMA = -0.0037
ALBEDO = 0.2
NOCT_ROOF = 49.0  # PVWatts installed NOCT for array_type=1 (fixed roof mount)
DESOTO_AM = [0.918093, 0.086257, -0.024459, 0.002816, -0.000126]


def spa_reference():
    rng = np.random.default_rng(20250101)
    places = [
        ("yongzhou", 26.4, 111.6, 100.0),
        ("changsha", 28.1095, 112.788, 8.0),
        ("golden_co", 39.742476, -105.1786, 1830.14),
        ("sydney", -33.86, 151.21, 50.0),
        ("tromso", 69.65, 18.96, 10.0),
        ("quito", -0.18, -78.47, 2850.0),
    ]
    t0 = pd.Timestamp("2000-01-01", tz="UTC").value // 10**9
    t1 = pd.Timestamp("2050-12-31", tz="UTC").value // 10**9
    rows = []
    for name, lat, lon, elev in places:
        secs = np.sort(rng.integers(t0, t1, 60))
        times = pd.DatetimeIndex(pd.to_datetime(secs, unit="s", utc=True))
        dt = pvlib.spa.calculate_deltat(times.year.values, times.month.values)
        p = atmosphere.alt2pres(elev)
        sp = solarposition.spa_python(times, lat, lon, altitude=elev, pressure=p, temperature=12.0, delta_t=dt)
        for i in range(len(times)):
            rows.append((name, int(secs[i]), lat, lon, elev, round(p / 100.0, 6), 12.0, round(float(dt[i]), 6),
                         round(sp.apparent_zenith.iloc[i], 7), round(sp.zenith.iloc[i], 7), round(sp.azimuth.iloc[i], 7)))
    df = pd.DataFrame(rows, columns=["place", "unix_s", "latitude_deg", "longitude_deg", "elevation_m", "pressure_hpa",
                                     "temperature_c", "delta_t_s", "apparent_zenith_deg", "zenith_deg", "azimuth_deg"])
    df.to_csv(os.path.join(OUT, "spa_reference.csv"), index=False)


def load_climates(shared):
    climates = {}
    epw = os.path.join(shared, "weather", "CHN_HN_Changsha.576870_TMYx.2007-2021.epw")
    if os.path.exists(epw):
        data, meta = pvlib.iotools.read_epw(epw, coerce_year=YEAR)
        climates["changsha"] = dict(path=epw, lat=meta["latitude"], lon=meta["longitude"], elev=meta["altitude"],
                                    tz=meta["TZ"], ghi=data.ghi.values, dni=data.dni.values, dhi=data.dhi.values,
                                    temp=data.temp_air.values, wind=data.wind_speed.values)
    else:
        print(f"warning: {epw} not found, skipping the Changsha climate", file=sys.stderr)
    tmy3 = os.path.join(os.path.dirname(pvlib.__file__), "data", "723170TYA.CSV")
    data, meta = pvlib.iotools.read_tmy3(tmy3, coerce_year=YEAR, map_variables=True)
    climates["greensboro"] = dict(path=tmy3, lat=meta["latitude"], lon=meta["longitude"], elev=meta["altitude"],
                                  tz=meta["TZ"], ghi=data.ghi.values, dni=data.dni.values, dhi=data.dhi.values,
                                  temp=data.temp_air.values, wind=data.wind_speed.values)
    # compact copy of the TMY3 weather for the Rust tests (interval start, local standard time)
    start = pd.date_range(f"{YEAR}-01-01 00:00", periods=8760, freq="h")
    c = climates["greensboro"]
    pd.DataFrame({"timestamp": start.strftime("%Y-%m-%d %H:%M"), "ghi": c["ghi"], "dni": c["dni"], "dhi": c["dhi"],
                  "temp_air": c["temp"], "wind_speed": c["wind"]}).to_csv(
        os.path.join(OUT, "greensboro_tmy3.csv"), index=False)
    return climates


def pvlib_chain(c, tilt, az, decomposition=None, temp_model="fuentes"):
    tz = f"Etc/GMT{-int(c['tz']):+d}"
    times = pd.date_range(f"{YEAR}-01-01 00:30", periods=8760, freq="h", tz=tz)
    pressure = atmosphere.alt2pres(c["elev"])
    sp = solarposition.spa_python(times, c["lat"], c["lon"], altitude=c["elev"], pressure=pressure, temperature=12.0,
                                  delta_t=pvlib.spa.calculate_deltat(YEAR, 7))
    zen = sp.apparent_zenith.values
    saz = sp.azimuth.values
    ghi = c["ghi"]
    if decomposition == "dirint":
        dni = irradiance.dirint(pd.Series(ghi, times), sp.apparent_zenith, times, pressure=pressure).fillna(0).values
        dhi = np.maximum(ghi - dni * np.maximum(np.cos(np.radians(zen)), 0), 0)
    else:
        dni, dhi = c["dni"], c["dhi"]
    dni_extra = irradiance.get_extra_radiation(times).values
    am = atmosphere.get_relative_airmass(zen)
    tot = irradiance.get_total_irradiance(tilt, az, zen, saz, dni, ghi, dhi, dni_extra=dni_extra, airmass=am,
                                          albedo=ALBEDO, model="perez")
    poa = np.nan_to_num(np.asarray(tot["poa_global"], dtype=float))
    beam = np.nan_to_num(np.asarray(tot["poa_direct"], dtype=float))
    sky = np.nan_to_num(np.asarray(tot["poa_sky_diffuse"], dtype=float))
    gnd = np.nan_to_num(np.asarray(tot["poa_ground_diffuse"], dtype=float))
    if temp_model == "sapm":  # vectorised alternative, for a fairer timing of numpy pvlib
        p = temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["close_mount_glass_glass"]
        tcell = temperature.sapm_cell(poa, c["temp"], c["wind"], p["a"], p["b"], p["deltaT"])
    else:
        tcell = temperature.fuentes(pd.Series(poa, times), pd.Series(c["temp"], times), pd.Series(c["wind"], times),
                                    NOCT_ROOF).values
    aoi = irradiance.aoi(tilt, az, zen, saz)
    th_sky = 59.7 - 0.1388 * tilt + 0.001497 * tilt ** 2
    th_gnd = 90.0 - 0.5788 * tilt + 0.002693 * tilt ** 2
    k = dict(n=1.526, K=4.0, L=0.002)
    kb = np.minimum(iam.physical(np.clip(aoi, 1, 89), **k), 1)
    ks = min(float(iam.physical(th_sky, **k)), 1.0)
    kg = min(float(iam.physical(th_gnd, **k)), 1.0)
    window = (aoi > 0.5) & (aoi < 89.5) & (poa > 0)
    eff = np.where(window, np.clip(beam * kb + sky * ks + gnd * kg, 0, poa), poa)
    am_abs = atmosphere.get_relative_airmass(zen) * np.exp(-0.0001184 * c["elev"])
    f_am = np.maximum(np.polyval(DESOTO_AM[::-1], np.nan_to_num(am_abs, nan=1.0)), 0)
    eff = np.where((poa > 0) & (zen < 90), eff * f_am, eff)
    dc = np.maximum(pvsystem.pvwatts_dc(eff, tcell, 1.0, GAMMA) * (1 - LOSSES), 0)
    ac = np.asarray(inverter.pvwatts(dc, (1 / DC_AC) / ETA, ETA), dtype=float)
    return np.nan_to_num(ac), poa


def pvwatts_v8(c, tilt, az):
    import PySAM.Pvwattsv8 as pv
    m = pv.default("PVWattsNone")
    m.SolarResource.solar_resource_file = c["path"]
    m.SolarResource.use_wf_albedo = 0
    m.SolarResource.albedo = [ALBEDO]
    sd = m.SystemDesign
    sd.system_capacity = 1.0
    sd.tilt, sd.azimuth = float(tilt), float(az)
    sd.array_type, sd.module_type = 1, 0
    sd.losses, sd.dc_ac_ratio, sd.inv_eff = LOSSES * 100, DC_AC, ETA * 100
    sd.en_snowloss, sd.bifaciality = 0, 0
    sd.soiling = [0.0] * 12
    m.execute()
    return np.asarray(m.Outputs.ac) / 1000.0, np.asarray(m.Outputs.poa)


def time_pvlib(c, temp_model):
    best = []
    for _ in range(5):
        t = time.perf_counter()
        pvlib_chain(c, 15, 180, temp_model=temp_model)
        best.append(time.perf_counter() - t)
    return min(best), float(np.median(best))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "reference"))
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    spa_reference()
    climates = load_climates(args.shared)
    annual, monthly = [], []
    months = pd.date_range(f"{YEAR}-01-01 00:00", periods=8760, freq="h").month.values
    for name, c in climates.items():
        hourly = {}
        for tilt, az in ORIENTATIONS:
            ac_pl, poa_pl = pvlib_chain(c, tilt, az)
            ac_sam, poa_sam = pvwatts_v8(c, tilt, az)
            hourly[f"pvlib_{tilt}_{az}"] = np.round(ac_pl * 1000).astype(int)
            hourly[f"pvwatts8_{tilt}_{az}"] = np.round(ac_sam * 1000).astype(int)
            annual.append((name, "weather", tilt, az, round(ac_pl.sum(), 3), round(ac_sam.sum(), 3),
                           round(poa_pl.sum() / 1000, 3), round(poa_sam.sum() / 1000, 3)))
            for m in range(1, 13):
                sel = months == m
                monthly.append((name, tilt, az, m, round(ac_pl[sel].sum(), 3), round(ac_sam[sel].sum(), 3)))
            print(f"{name} {tilt}/{az}: pvlib {ac_pl.sum():.1f} kWh/kWp, PVWatts v8 {ac_sam.sum():.1f} kWh/kWp")
        pd.DataFrame(hourly).to_csv(os.path.join(OUT, f"hourly_{name}.csv"), index_label="step")
        ac_d, poa_d = pvlib_chain(c, 15, 180, decomposition="dirint")
        annual.append((name, "dirint", 15, 180, round(ac_d.sum(), 3), float("nan"), round(poa_d.sum() / 1000, 3),
                       float("nan")))
        print(f"{name} 15/180 from GHI only (DIRINT): pvlib {ac_d.sum():.1f} kWh/kWp")
    pd.DataFrame(annual, columns=["climate", "irradiance", "tilt_deg", "azimuth_deg", "pvlib_ac_kwh_per_kwp",
                                  "pvwatts8_ac_kwh_per_kwp", "pvlib_poa_kwh_per_m2", "pvwatts8_poa_kwh_per_m2"]
                 ).to_csv(os.path.join(OUT, "annual.csv"), index=False)
    pd.DataFrame(monthly, columns=["climate", "tilt_deg", "azimuth_deg", "month", "pvlib_ac_kwh_per_kwp",
                                   "pvwatts8_ac_kwh_per_kwp"]).to_csv(os.path.join(OUT, "monthly.csv"), index=False)
    for tm in ["fuentes", "sapm"]:
        best, med = time_pvlib(climates["greensboro"], tm)
        print(f"pvlib {pvlib.__version__} chain ({tm} cell temperature), one orientation-year (8760 h): "
              f"best {best * 1000:.1f} ms, median {med * 1000:.1f} ms")


if __name__ == "__main__":
    main()
