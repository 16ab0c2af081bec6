#!/usr/bin/env python3
"""Write the real-shaped meter exports of tests/data/meter/ (documented in docs/load.md): an
invented two-shift plant of ~800 kW peak in 2025, exported three ways as utility portals do, plus
a GBK copy and two defective files. Not any real company's data. Deterministic (seeded).

    python3 tools/make_meter_examples.py

Prints the monthly kWh, kvarh and power factor of interval_kw_zh.csv, which the tests check.
Writes interval_kw_zh.csv, interval_kw_zh_gbk.csv, end_of_interval_kwh.csv, daily_96_kw.csv,
daily_96_kvar.csv and bad/{gaps_2pct,bad_cell}.csv.
"""
import datetime as dt
import math
import pathlib
import random

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "meter"
OUT.mkdir(parents=True, exist_ok=True)
YEAR = 2025
# Monthly mean power factor of the load before compensation: worse in the humid summer months
# (fans, compressors), so that the adjustment differs month to month.
PF = [0.90, 0.91, 0.89, 0.88, 0.86, 0.84, 0.82, 0.82, 0.85, 0.87, 0.89, 0.90]


def kw_at(rng: random.Random, t: dt.datetime) -> float:
    """Mean kW of the interval starting at t."""
    h = t.hour + t.minute / 60
    work = t.weekday() < 5
    shift = 1.0 if (work and 8 <= h < 22) else (0.45 if work else 0.25)
    season = 1.0 + 0.15 * math.exp(-(((t.timetuple().tm_yday) - 205) / 35) ** 2)
    return round((180 + 560 * shift) * season * rng.uniform(0.93, 1.07), 1)


def series(step_min: int, seed: int):
    rng = random.Random(seed)
    t = dt.datetime(YEAR, 1, 1)
    out = []
    while t.year == YEAR:
        p = kw_at(rng, t)
        pf = PF[t.month - 1] * rng.uniform(0.99, 1.01)
        q = round(p * math.tan(math.acos(min(pf, 0.999))), 1)
        out.append((t, p, q))
        t += dt.timedelta(minutes=step_min)
    return out


def stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M")


# 1. Interval kW with Chinese headers and a lagging kvar column, hourly, interval start.
hourly = series(60, 1)
lines = ["时间,有功功率(kW),无功功率(kvar)"]
lines += [f"{stamp(t)},{p},{q}" for t, p, q in hourly]
text = "\n".join(lines) + "\n"
(OUT / "interval_kw_zh.csv").write_text(text, encoding="utf-8")
# The same export as Chinese Excel saves it: GBK.
(OUT / "interval_kw_zh_gbk.csv").write_bytes(text.encode("gbk"))

# 2. End-of-interval kWh, 15 min, lagging and leading kvarh, eight quarter hours missing.
quarter = series(15, 2)
missing = set(range(5000, 5004)) | set(range(20000, 20004))
lines = ["数据时间,正向有功电量(kWh),正向无功电量(kvarh),反向无功电量(kvarh)"]
for i, (t, p, q) in enumerate(quarter):
    if i in missing:
        continue
    end = t + dt.timedelta(minutes=15)
    lead = round(0.02 * q, 2) if t.hour < 6 else 0.0  # capacitors over-compensate at night
    lines.append(f"{stamp(end)},{p / 4:.3f},{q / 4:.3f},{lead:.2f}")
(OUT / "end_of_interval_kwh.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

# 3. 96-point daily rows (96点负荷曲线), kW, an account-number column before the date.
rows = ["户号,日期," + ",".join(str(k) for k in range(1, 97))]
for d in range(0, len(quarter), 96):
    day = quarter[d][0].strftime("%Y/%m/%d")
    rows.append("4300012345," + day + "," + ",".join(str(p) for _, p, _ in quarter[d:d + 96]))
(OUT / "daily_96_kw.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
# ... and its reactive curves (无功), exported apart in the same layout, kvar.
rows = ["户号,日期," + ",".join(str(k) for k in range(1, 97))]
for d in range(0, len(quarter), 96):
    day = quarter[d][0].strftime("%Y/%m/%d")
    rows.append("4300012345," + day + "," + ",".join(str(q) for _, _, q in quarter[d:d + 96]))
(OUT / "daily_96_kvar.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

# Defects: 2% of the hours missing (refused at the 1% default), and a cell reading `abc`.
bad = OUT / "bad"
bad.mkdir(exist_ok=True)
gone = set(range(1000, 1100)) | set(range(6000, 6076))  # 176 h = 2.0% of 8760
lines = ["timestamp,value"] + [f"{stamp(t)},{p}" for i, (t, p, _) in enumerate(hourly) if i not in gone]
(bad / "gaps_2pct.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
lines = ["时间,有功功率(kW)"] + [f"{stamp(t)},{p}" for t, p, _ in hourly[:10]]
lines[5] = lines[5].split(",")[0] + ",abc"
(bad / "bad_cell.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

for m in range(1, 13):
    kwh = sum(p for t, p, _ in hourly if t.month == m)
    kvarh = sum(q for t, _, q in hourly if t.month == m)
    print(f"{m:2d} {kwh:.1f} {kvarh:.1f} {kwh / math.hypot(kwh, kvarh):.6f}")
