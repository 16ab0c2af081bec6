#!/usr/bin/env python3
"""Write the data files of the implausible-input corpus (tests/data/bad_scenarios/*.toml):
weather years and measured PV series for Yongzhou (26.42 N, 111.61 E, UTC+8) in 2025, each
with one fault. Deterministic; run from the repository root:

    python3 tools/make_bad_inputs.py

The base year is a clear-sky-like shape, GHI = 900 * mu^1.2 with mu the cosine of the solar
zenith at mid-hour (declination and equation of time after Spencer 1971), DHI a fifth of it:
well inside the BSRN physically possible limits, so that only the injected fault trips the
check.
"""
import math
import os

LAT, LON, TZ, YEAR = 26.42, 111.61, 8.0, 2025
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def mu(doy, hour_mid):
    g = 2 * math.pi * (doy - 1) / 365
    dec = (0.006918 - 0.399912 * math.cos(g) + 0.070257 * math.sin(g)
           - 0.006758 * math.cos(2 * g) + 0.000907 * math.sin(2 * g)
           - 0.002697 * math.cos(3 * g) + 0.00148 * math.sin(3 * g))
    eot_min = 229.18 * (0.000075 + 0.001868 * math.cos(g) - 0.032077 * math.sin(g)
                        - 0.014615 * math.cos(2 * g) - 0.040849 * math.sin(2 * g))
    solar_h = hour_mid + (4 * (LON - 15 * TZ) + eot_min) / 60
    ha = math.radians(15 * (solar_h - 12))
    phi = math.radians(LAT)
    c = math.sin(phi) * math.sin(dec) + math.cos(phi) * math.cos(dec) * math.cos(ha)
    return max(c, 0.0)


def base():
    rows = []
    doy = 0
    for m, n in enumerate(DAYS, 1):
        for d in range(1, n + 1):
            doy += 1
            for h in range(24):
                c = mu(doy, h + 0.5)
                ghi = round(900 * c ** 1.2)
                rows.append([m, d, h, ghi, round(0.6 * ghi), round(0.2 * ghi)])
    return rows


def write_csv(name, rows):
    with open(os.path.join("tests/data/weather/bad", name), "w") as f:
        f.write("timestamp,ghi,dni,dhi,temp_air,wind_speed\n")
        for m, d, h, g, b, df in rows:
            f.write(f"{YEAR}-{m:02d}-{d:02d} {h:02d}:00,{g},{b},{df},20,1\n")


def write_epw(name, rows, location):
    with open(os.path.join("tests/data/weather/bad", name), "w") as f:
        f.write(location + "\n")
        for h in ["DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
                  "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0", "COMMENTS 1,corpus", "COMMENTS 2,corpus",
                  "DATA PERIODS,1,1,Data,Wednesday,1/ 1,12/31"]:
            f.write(h + "\n")
        for m, d, h, g, b, df in rows:
            f.write(f"{YEAR},{m},{d},{h + 1},60,?,20.0,10,80,101300,0,0,300,{g},{b},{df},"
                    "0,0,0,0,180,2.0,5,5\n")


def index(m, d, h):
    return (sum(DAYS[: m - 1]) + d - 1) * 24 + h


def main():
    b = base()
    r = [x[:] for x in b]
    r[index(1, 2, 1)][3] = 1400  # GHI 1,400 W/m2 at 01:00
    write_csv("ghi_1400_at_night.csv", r)
    r = [x[:] for x in b]
    i = index(6, 15, 12)
    r[i][5] = r[i][3] + 200  # diffuse above global at noon
    write_csv("dhi_above_ghi.csv", r)
    r = [x[:] for x in b]
    i = index(12, 15, 12)
    r[i][3], r[i][5] = 1000, 900  # winter noon: DHI beyond its physical limit
    write_csv("dhi_above_limit.csv", r)
    r = [x[:] for x in b]
    i = index(12, 15, 12)
    r[i][3] = 1450  # winter noon: GHI above the possible for a sun 40 degrees high
    write_csv("ghi_above_possible_at_noon.csv", r)
    write_csv("year_without_sun.csv", [[m, d, h, round(g * 0.02), round(b_ * 0.02), round(df * 0.02)]
                                       for m, d, h, g, b_, df in b])
    # Irradiance in kW/m2 read as W/m2: 0.9 instead of 900 (rounded to one decimal).
    with open("tests/data/weather/bad/ghi_in_kw_per_m2.csv", "w") as f:
        f.write("timestamp,ghi,dni,dhi,temp_air,wind_speed\n")
        for m, d, h, g, b_, df in b:
            f.write(f"{YEAR}-{m:02d}-{d:02d} {h:02d}:00,{g / 1000:.3f},{b_ / 1000:.3f},{df / 1000:.3f},20,1\n")
    # A clock 8 hours off (UTC rows read as local time): full sun at night.
    n = len(b)
    write_csv("clock_8h_behind.csv", [b[i][:3] + b[(i + 8) % n][3:] for i in range(n)])
    write_epw("cape_town.epw", b, "LOCATION,Cape Town,WC,ZAF,corpus,688160,-33.97,18.60,2.0,42.0")
    # An EPW as PVGIS exports it: rows in UTC under a local TZ (+1, Central Europe) at Changsha.
    write_epw("pvgis_epw_utc_rows.epw", [b[i][:3] + b[(i + 8) % n][3:] for i in range(n)],
              "LOCATION,Changsha PVGIS export,HN,CHN,PVGIS,576870,28.22,112.92,1.0,68.0")
    # Measured PV: 250 kW day and night; and a real-looking profile 12 hours off.
    with open("tests/data/pv/bad/output_at_night.csv", "w") as f:
        f.write("timestamp,value\n")
        for m, d, h, *_ in b:
            f.write(f"{YEAR}-{m:02d}-{d:02d} {h:02d}:00,250\n")
    with open("tests/data/pv/bad/shifted_12h.csv", "w") as f:
        f.write("timestamp,value\n")
        for i, (m, d, h, *_rest) in enumerate(b):
            g = b[(i + 12) % n][3]
            f.write(f"{YEAR}-{m:02d}-{d:02d} {h:02d}:00,{round(g * 0.4)}\n")
    # A meter export in W declared as kW: a 450 kW plant reads 450,000 "kW".
    src = "tests/data/meter/interval_kw_zh.csv"
    with open(src, encoding="utf-8") as f, open("tests/data/meter/bad/values_in_w.csv", "w", encoding="utf-8") as g:
        f.readline()
        g.write("timestamp,value\n")
        for line in f:
            t, p, _q = line.rstrip("\n").split(",")
            g.write(f"{t},{float(p) * 1000:.0f}\n")
    # A semicolon-separated export read with the default comma: a 300 kW plant.
    with open("tests/data/meter/bad/semicolon.csv", "w") as f:
        f.write("timestamp;value\n")
        for m, d, h, *_ in b:
            f.write(f"{YEAR}-{m:02d}-{d:02d} {h:02d}:00;300\n")


if __name__ == "__main__":
    main()
