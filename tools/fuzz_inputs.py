#!/usr/bin/env python3
"""Mutation testing of what users bring: scenario keys, meter exports, weather files, tariff
files and enterprise groups, run through the release binary's `check` and `run` (or `pv`).

Each case mutates one input (a key set to 0, -1, nan, inf, 1e12 ...; a meter row deleted,
duplicated, swapped, truncated, a cell made empty, NaN or text; a weather line cut short ...)
and records what the program did. A case is flagged when
- a command crashes (exit other than 0 or 2, or a panic message),
- `check` accepts what `run` refuses (`check` must refuse everything `run` would),
- `check` refuses what `run` accepts,
- an accepted run writes a non-finite number to a CSV file.
Values a run accepts are listed in the summary so that a reader can judge them (an accepted
`utc_offset_hours = 0` for a Hunan site, say).

    cargo build --release
    python3 tools/fuzz_inputs.py keys            # every numeric scenario key, ~7 min
    python3 tools/fuzz_inputs.py meter --count 400 --seed 2
    python3 tools/fuzz_inputs.py weather --count 500
    python3 tools/fuzz_inputs.py tariff
    python3 tools/fuzz_inputs.py group

One JSON line per case on stdout, a summary on stderr; exit 1 when a case is flagged. Flagged
cases keep their folder under --work (default: a temporary folder) for a closer look.
"""

import argparse
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
METER_96 = os.path.join(ROOT, "scenarios/data/example-meter-2025-96pt.csv")
FLOATS = ["-1.0", "0.0", "1e12", "-1e12", "nan", "inf", "-inf", "1e-300", "1.5"]
INTS = ["0", "1", "100000", "4294967295"]


def run_case(binary, folder, scenario, flags_extra=()):
    """`check` and `run` of `scenario`; returns (check rc, run rc, flags, message)."""
    c = subprocess.run([binary, "check", scenario], capture_output=True, text=True, timeout=600)
    r = subprocess.run(
        [binary, "run", scenario, "--quiet", "--threads", "1", "--out", os.path.join(folder, "o")],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    flags = list(flags_extra)
    if c.returncode not in (0, 2) or "panicked" in c.stderr:
        flags.append("CHECK_CRASH")
    if r.returncode not in (0, 2) or "panicked" in r.stderr:
        flags.append("RUN_CRASH")
    if c.returncode == 0 and r.returncode == 2:
        flags.append("CHECK_MISSES")
    if c.returncode == 2 and r.returncode == 0:
        flags.append("CHECK_STRICTER")
    if r.returncode == 0:
        for f in glob.glob(os.path.join(folder, "o", "**", "*.csv"), recursive=True):
            with open(f, errors="ignore") as fh:
                if re.search(r"\bNaN\b|\binf\b", fh.read(), re.I):
                    flags.append("NONFINITE_OUT:" + os.path.basename(f))
                    break
    out = r if r.returncode else c
    lines = out.stderr.strip().splitlines()
    warnings = [l for l in c.stderr.splitlines() if l.startswith("warning")]
    return c.returncode, r.returncode, flags, (lines[0] if lines else "")[:300], warnings


def numeric_fields():
    """(section, key, int or float) of every numeric key of `src/scenario/raw.rs`."""
    section_of = {
        "ScenarioSection": "scenario", "SiteSection": "site", "WeatherSection": "weather",
        "TariffSection": "tariff", "MarketSection": "market", "PvSection": "pv",
        "StorageSection": "storage", "FinanceSection": "finance", "EnterpriseEntry": "enterprise",
    }
    fields, cur = [], None
    with open(os.path.join(ROOT, "src/scenario/raw.rs")) as fh:
        for line in fh:
            m = re.match(r"pub struct (\w+)", line)
            if m:
                cur = section_of.get(m.group(1))
                continue
            m = re.match(r"\s+pub (\w+): (.*),", line)
            if m and cur and "Vec" not in m.group(2):
                ty = m.group(2)
                if re.search(r"\b(f64|u32|i32|u64|CyclesPerDay)\b", ty):
                    kind = "int" if re.search(r"\b(u32|i32|u64)\b", ty) else "float"
                    fields.append((cur, m.group(1), kind))
    return fields


def set_key(lines, header, key, value):
    """`lines` with `key = value` in the table `header` (added when absent)."""
    lines = list(lines)
    if header in lines:
        i = lines.index(header)
        j = i + 1
        while j < len(lines) and not lines[j].startswith("["):
            if re.match(rf"\s*{key}\s*=", lines[j]):
                del lines[j]
                continue
            j += 1
        lines.insert(i + 1, f"{key} = {value}")
    else:
        lines += ["", header, f"{key} = {value}"]
    return lines


def single_enterprise_case(work, text):
    d = tempfile.mkdtemp(dir=work)
    os.makedirs(os.path.join(d, "data"))
    shutil.copy(METER_96, os.path.join(d, "data"))
    with open(os.path.join(d, "s.toml"), "w") as fh:
        fh.write(text)
    return d


def cases_keys(args, rng):
    base = open(os.path.join(ROOT, "scenarios/single-enterprise.toml")).read().splitlines()
    for sec, key, kind in numeric_fields():
        header = "[[enterprise]]" if sec == "enterprise" else f"[{sec}]"
        for v in INTS if kind == "int" else FLOATS:
            d = single_enterprise_case(args.work, "\n".join(set_key(base, header, key, v)) + "\n")
            yield {"key": f"{sec}.{key}", "value": v}, d, os.path.join(d, "s.toml")


METER_EXAMPLES = [
    ("interval_kw_zh.csv", 60, 'meter_unit = "kw"\nmeter_timestamp_column = "时间"\nmeter_value_column = "有功功率(kW)"\nmeter_reactive_column = "无功功率(kvar)"\nmeter_reactive_unit = "kvar"'),
    ("end_of_interval_kwh.csv", 15, 'meter_unit = "kwh"\nmeter_step_minutes = 15\nmeter_stamp = "end"\nmeter_timestamp_column = "数据时间"\nmeter_value_column = "正向有功电量(kWh)"\nmeter_reactive_column = "正向无功电量(kvarh)"\nmeter_leading_reactive_column = "反向无功电量(kvarh)"\nmeter_reactive_unit = "kvarh"'),
    ("daily_96_kw.csv", 15, 'meter_unit = "kw"\nmeter_layout = "daily_96"\nmeter_date_column = "日期"'),
]
CELLS = ["", "abc", "-5", "1e30", "nan", "NaN", "inf", "-inf", "１２３", " 12 ", "1,234", "0x10",
         "1e-320", "-0", "9" * 400, '"12"', "12.5.3", "NULL", "--"]
STAMPS = ["2025/01/01 00:00", "20250101 0000", "2025-1-1 0:00", "2025-02-30 00:00",
          "2024-12-31 23:00", "2026-01-01 00:00", "2025-01-01T00:00:00+08:00", "2025-01-01 24:00",
          "2025-03-01 00:00:60", "", "2025-01-01 00:07"]


def mutate_rows(rng, text, cells, stamps):
    """One random mutation of a CSV text: (new text, what was done)."""
    lines = text.split("\n")
    n = len(lines)
    if n < 4:
        return text, "noop"
    k = rng.randrange(14)
    i = rng.randrange(1, n - 1)
    if k == 0:
        del lines[i]
        what = f"delete row {i}"
    elif k == 1:
        lines.insert(i, lines[i])
        what = f"duplicate row {i}"
    elif k == 2:
        j = rng.randrange(1, n - 1)
        lines[i], lines[j] = lines[j], lines[i]
        what = f"swap rows {i} {j}"
    elif k == 3:
        c = lines[i].split(",")
        col = rng.randrange(len(c))
        v = rng.choice(cells)
        c[col] = v
        lines[i] = ",".join(c)
        what = f"row {i} column {col} = {v[:20]!r}"
    elif k == 4 and stamps:
        c = lines[i].split(",")
        v = rng.choice(stamps)
        c[0] = v
        lines[i] = ",".join(c)
        what = f"row {i} stamp = {v!r}"
    elif k == 5:
        t = "\n".join(lines)
        cut = rng.randrange(len(t))
        return t[:cut], f"truncate at {cut}"
    elif k == 6:
        return "\ufeff" + text, "byte-order mark"
    elif k == 7:
        return text.replace("\n", "\r\n"), "CRLF"
    elif k == 8:
        del lines[0]
        what = "no header"
    elif k == 9:
        lines[i] += ",,"
        what = f"row {i} trailing columns"
    elif k == 10:
        lines[i] = ",".join(lines[i].split(",")[:-1])
        what = f"row {i} short"
    elif k == 11:
        return "", "empty"
    elif k == 12:
        return lines[0] + "\n", "header only"
    else:
        m = rng.randrange(1, max(2, n // 3))
        del lines[i:i + m]
        what = f"delete {m} rows at {i}"
    return "\n".join(lines), what


def cases_meter(args, rng):
    for t in range(args.count):
        name, step, keys = METER_EXAMPLES[t % 3]
        text = open(os.path.join(ROOT, "tests/data/meter", name), encoding="utf-8").read()
        done = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            text, what = mutate_rows(rng, text, CELLS, STAMPS)
            done.append(what)
        d = tempfile.mkdtemp(dir=args.work)
        meter = os.path.join(d, "m.csv")
        with open(meter, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        scenario = (
            f'[scenario]\nname = "meter"\nstep_minutes = {step}\n'
            '[strategies]\nlist = ["baseline", "tariff", "pv", "storage"]\n'
            '[claims]\ncost_reduction_strategy = "tariff"\npv_saving_strategy = "pv"\n'
            f"[[enterprise]]\nname = \"plant\"\ntransformer_kva = 1250.0\nroof_area_m2 = 5000.0\n"
            f"meter_file = '{meter}'\n{keys}\n"
        )
        with open(os.path.join(d, "s.toml"), "w") as fh:
            fh.write(scenario)
        yield {"file": name, "mutations": done}, d, os.path.join(d, "s.toml")


def cases_tariff(args, rng):
    lines = open(os.path.join(ROOT, "data/tariffs/hunan-2025.toml")).read().split("\n")
    base = open(os.path.join(ROOT, "scenarios/single-enterprise.toml")).read().replace(
        'version = "hunan-2025"', 'file = "t.toml"')
    for i, line in enumerate(lines):
        if line.strip().startswith("#"):
            continue
        hours = re.match(r'^(\s*[a-z]{3}\s*=\s*")([VFPC]{24})(".*)$', line)
        num = re.match(r"^(\s*[a-z_0-9]+\s*=\s*)(\[[^\]]*\]|[-0-9.e]+)(.*)$", line)
        m = hours or num
        if not m:
            continue
        if hours:
            values = ["VVVV", "V" * 24, "X" * 24, "C" * 24, "F" * 23 + "P"]
        elif m.group(2).startswith("["):
            values = ["[]", "[1.0]", "[" + ",".join(["-0.1"] * 12) + "]",
                      "[" + ",".join(["nan"] * 12) + "]", "[" + ",".join(["1e5"] * 12) + "]"]
        else:
            values = ["-1.0", "0.0", "nan", "inf", "1e6", "1e-300"]
        for v in values:
            mutated = list(lines)
            mutated[i] = m.group(1) + v + m.group(3)
            d = single_enterprise_case(args.work, base)
            with open(os.path.join(d, "t.toml"), "w") as fh:
                fh.write("\n".join(mutated))
            yield {"line": i + 1, "value": v}, d, os.path.join(d, "s.toml")


def cases_group(args, rng):
    base = open(os.path.join(ROOT, "tests/data/small_park/scenario.toml")).read()
    base = base.replace('"../../../scenarios/data/', '"' + os.path.join(ROOT, "scenarios/data") + "/")
    base = base.split("\n")
    numeric = [("annual_kwh_median", FLOATS), ("annual_kwh_sigma", FLOATS),
               ("transformer_loading_fraction", FLOATS), ("roof_m2_per_mwh", FLOATS),
               ("roof_sigma", FLOATS + ["3.0"]), ("power_factor_min", FLOATS + ["0.5"]),
               ("power_factor_max", FLOATS + ["0.5"]), ("count", ["0", "1", "1000"])]
    for key, values in numeric:
        for v in values:
            d = tempfile.mkdtemp(dir=args.work)
            with open(os.path.join(d, "s.toml"), "w") as fh:
                fh.write("\n".join(set_key(base, "[[enterprise_group]]", key, v)) + "\n")
            yield {"key": f"enterprise_group.{key}", "value": v}, d, os.path.join(d, "s.toml")


def weather(args, rng):
    """`parkenergy pv --weather` on mutated TMY3 files: crashes and silent changes of yield."""
    files = ["723170TYA.CSV", "703165TY.csv"]
    reference = {}
    cells = ["", "abc", "-5", "1e30", "nan", "inf", "-9999", "9999", "0", "9" * 20, "-0", '"1"']
    for f in files:
        r = subprocess.run([args.bin, "pv", "--json", "--weather", os.path.join(ROOT, "tests/data/weather", f)],
                           capture_output=True, text=True, check=True)
        reference[f] = json.loads(r.stdout)["specific_yield_kwh_per_kwp"]
    for t in range(args.count):
        f = files[t % 2]
        text = open(os.path.join(ROOT, "tests/data/weather", f), encoding="latin-1").read()
        done = []
        for _ in range(rng.choice([1, 1, 2])):
            text, what = mutate_rows(rng, text, cells, [])
            done.append(what)
        d = tempfile.mkdtemp(dir=args.work)
        p = os.path.join(d, f)
        with open(p, "wb") as fh:
            fh.write(text.encode("utf-8") if text.startswith("\ufeff") else text.encode("latin-1"))
        r = subprocess.run([args.bin, "pv", "--weather", p, "--json"], capture_output=True, text=True, timeout=120)
        flags = []
        if r.returncode not in (0, 2) or "panicked" in r.stderr:
            flags.append("CRASH")
        change = None
        if r.returncode == 0:
            y = json.loads(r.stdout)["specific_yield_kwh_per_kwp"]
            change = y / reference[f] - 1.0
            # A yield moved by more than 0.2 % without a word is worth a look.
            if abs(change) > 0.002 and "warning" not in r.stderr:
                flags.append("SILENT_CHANGE")
        yield {"file": f, "mutations": done, "rc": r.returncode, "yield_change": change,
               "flags": flags, "message": (r.stderr.strip().splitlines() or [""])[0][:300]}, d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["keys", "meter", "weather", "tariff", "group"])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/parkenergy"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300, help="cases of meter and weather")
    ap.add_argument("--work", default=None, help="folder for the cases (default: a temporary one)")
    args = ap.parse_args()
    args.work = args.work or tempfile.mkdtemp(prefix="fuzz-")
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(args.seed)
    flagged, accepted, total = 0, [], 0
    if args.kind == "weather":
        for rec, d in weather(args, rng):
            total += 1
            print(json.dumps(rec, ensure_ascii=False), flush=True)
            if rec["rc"] == 0:
                accepted.append({"file": rec["file"], "mutations": rec["mutations"],
                                 "yield_change": rec["yield_change"]})
            if rec["flags"]:
                flagged += 1
            else:
                shutil.rmtree(d)
    else:
        gen = {"keys": cases_keys, "meter": cases_meter, "tariff": cases_tariff, "group": cases_group}[args.kind]
        for case, d, scenario in gen(args, rng):
            total += 1
            c, r, flags, msg, warnings = run_case(args.bin, d, scenario)
            rec = dict(case, check=c, run=r, flags=flags, warnings=warnings, message=msg)
            print(json.dumps(rec, ensure_ascii=False), flush=True)
            if r == 0:
                accepted.append(case)
            if flags:
                flagged += 1
                rec["folder"] = d
            else:
                shutil.rmtree(d)
    print(f"{total} cases, {flagged} flagged, {len(accepted)} accepted by run", file=sys.stderr)
    for case in accepted:
        print("  accepted:", json.dumps(case, ensure_ascii=False), file=sys.stderr)
    sys.exit(1 if flagged else 0)


if __name__ == "__main__":
    main()
