#!/usr/bin/env python3
"""Summarise the scenario bench's console logs (bench/scenario/run.sh).

    report.py OUT CONTENDER...

OUT is the results directory. Reads OUT/logs/CONTENDER-N.log, writes OUT/results.md, OUT/results.json
and, when gnuplot is there, OUT/plot-CONTENDER.png (the first run).
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

out, contenders = sys.argv[1], sys.argv[2:]
KEYS = ["innocents_killed", "offenders_killed", "workers_done",
        "total_kills", "kernel_kills", "user_kills", "t_resolved_ms",
        "t_workers_gone_ms", "max_stall_ms", "max_read_ms"]


def parse(path):
    run = {"log": os.path.relpath(path, out), "samples": [], "deaths": [],
           "agent_cpu_ms": None, "agent_hwm_kb": None}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip().replace("\r", "")
            m = re.search(r"(SCN-[A-Z]+) (.*)", line)
            if not m:
                continue
            kv = dict(re.findall(r"(\w+)=(\S+)", m.group(2)))
            tag = m.group(1)
            if tag == "SCN-RESULT":
                for k, v in kv.items():
                    run[k] = v if k == "innocents" else int(v)
                # -1: nobody was killed, or a worker never ended.
                for k in ("t_resolved_ms", "t_workers_gone_ms"):
                    if run.get(k, 0) < 0:
                        run[k] = None
            elif tag == "SCN-SAMPLE":
                run["samples"].append({k: int(v) for k, v in kv.items()})
            elif tag == "SCN-DEATH":
                run["deaths"].append(kv)
            elif tag == "SCN-AGENT":
                # Summed over the contender's processes (oomqd may fork).
                for k in ("cpu_ms", "hwm_kb"):
                    if kv.get(k, "").isdigit():
                        run["agent_" + k] = ((run["agent_" + k] or 0) +
                                             int(kv[k]))
    run["completed"] = "max_stall_ms" in run
    return run


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


results = {}
for c in contenders:
    runs = []
    n = 1
    while os.path.exists(f"{out}/logs/{c}-{n}.log"):
        runs.append(parse(f"{out}/logs/{c}-{n}.log"))
        n += 1
    done = [r for r in runs if r["completed"]]
    results[c] = {
        "runs": len(runs),
        "completed_runs": len(done),
        "median": {k: med([r[k] for r in done])
                   for k in KEYS + ["agent_cpu_ms", "agent_hwm_kb"]},
        "per_run": [{k: r.get(k) for k in
                     KEYS + ["innocents", "timed_out", "agent_cpu_ms",
                             "agent_hwm_kb", "completed", "log"]}
                    for r in runs],
    }
    results[c]["_runs"] = runs

peers = [c for c in contenders if not c.startswith("oomq")]


def fmt(v, scale=1, nd=0):
    if v is None:
        return "-"
    return f"{v / scale:.{nd}f}"


def perrun(c, k, scale=1, nd=0):
    return " ".join(fmt(r.get(k), scale, nd) if r["completed"] else "cut"
                    for r in results[c]["_runs"])


best_stall = min((results[c]["median"]["max_stall_ms"] for c in peers
                  if results[c]["median"]["max_stall_ms"] is not None),
                 default=None)
lines = [
    "| contender | runs | innocents killed | workers killed (of 14) | "
    "workers finished | kernel / user kills | overload resolved, s | "
    "all workers gone, s | longest stall, ms | stall / best peer | "
    "longest 4 KiB read, ms | agent CPU ms / peak RSS KiB |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
]
for c in contenders:
    r, m = results[c], results[c]["median"]
    ratio = (f"{m['max_stall_ms'] / best_stall:.2f}"
             if best_stall and m["max_stall_ms"] is not None else "-")
    inn = " ".join(
        (x.get("innocents", "-") if x["completed"] else "cut")
        for x in r["_runs"])
    lines.append(
        f"| {c} | {r['completed_runs']}/{r['runs']} | "
        f"{fmt(m['innocents_killed'])} ({inn}) | "
        f"{fmt(m['offenders_killed'])} ({perrun(c, 'offenders_killed')}) | "
        f"{fmt(m['workers_done'])} | "
        f"{fmt(m['kernel_kills'])} / {fmt(m['user_kills'])} | "
        f"{fmt(m['t_resolved_ms'], 1000, 1)} "
        f"({perrun(c, 't_resolved_ms', 1000, 1)}) | "
        f"{fmt(m['t_workers_gone_ms'], 1000, 1)} | "
        f"{fmt(m['max_stall_ms'])} ({perrun(c, 'max_stall_ms')}) | "
        f"{ratio} | {fmt(m['max_read_ms'])} | "
        f"{fmt(m['agent_cpu_ms'])} / {fmt(m['agent_hwm_kb'])} |")
# Issue 6's goals for each oomq contender, against the peers of this run.
fewest = min((results[c]["median"]["offenders_killed"] for c in peers
              if results[c]["median"]["offenders_killed"] is not None),
             default=None)
goals = []
for c in contenders:
    if c in peers or not results[c]["completed_runs"]:
        continue
    r, m = results[c], results[c]["median"]
    inn = all(x["completed"] and x.get("innocents_killed") == 0
              for x in r["_runs"])
    stall = (best_stall is not None and m["max_stall_ms"] is not None and
             m["max_stall_ms"] * 2 <= best_stall)
    work = (fewest is not None and m["offenders_killed"] is not None and
            m["offenders_killed"] <= fewest)
    goals.append(f"- {c}: 0 innocents in every run: {'yes' if inn else 'no'};"
                 f" stall at most half the best peer's "
                 f"({fmt(best_stall)} ms): "
                 f"{'yes' if stall else 'no'} ({fmt(m['max_stall_ms'])} ms);"
                 f" workers killed at most the fewest a peer killed "
                 f"({fmt(fewest)}): {'yes' if work else 'no'} "
                 f"({fmt(m['offenders_killed'])})")
lines += ["", "Goals (issue 6; medians against the peers' best):"] + goals

md = ["# Scenario bench: make -j14 desktop meltdown (512 MiB guest, TCG)",
      "", "Medians over the completed runs, per-run values in parentheses;",
      "'cut' is a run whose guest had to be cut off. Times are under TCG",
      "emulation: compare them as ratios, not as absolute values.", ""]
md += lines
with open(f"{out}/results.md", "w") as f:
    f.write("\n".join(md) + "\n")
with open(f"{out}/results.json", "w") as f:
    json.dump({c: {k: v for k, v in r.items() if k != "_runs"}
               for c, r in results.items()}, f, indent=1)

if shutil.which("gnuplot"):
    for c in contenders:
        runs = [r for r in results[c]["_runs"] if r["completed"]]
        if not runs:
            continue
        r = runs[0]
        dat = f"{out}/plot-{c}.dat"
        with open(dat, "w") as f:
            for s in r["samples"]:
                f.write(f"{s['t'] / 1000} {s['avail_kb'] / 1024:.1f} "
                        f"{s['some10'] / 100} {s['full10'] / 100} "
                        f"{s['hb_ms']}\n")
        kills = f"{out}/plot-{c}.kills"
        nkills = 0
        with open(kills, "w") as f:
            for d in r["deaths"]:
                if d["how"] in ("kernel", "user"):
                    f.write(f"{int(d['t']) / 1000} {d['role']}-{d['how']}\n")
                    nkills += 1
        # gnuplot refuses an empty file: no kill, no kill markers.
        marks = (f", \\\n     '{kills}' u 1:(0):(0):(400) w vectors "
                 "nohead lc rgb 'red' t 'kills'" if nkills else "")
        gp = f"""
set terminal pngcairo size 1000,600
set output '{out}/plot-{c}.png'
set title '{c}: MemAvailable, PSI memory avg10, heartbeat delay, kills'
set xlabel 's since make started (TCG)'
set ylabel 'MiB / ms'
set y2label 'PSI %'
set y2tics
set key outside bottom center horizontal
plot '{dat}' u 1:2 w l t 'MemAvailable MiB', \\
     '{dat}' u 1:5 w l t 'heartbeat delay ms (100 ms window max)', \\
     '{dat}' u 1:3 w l axes x1y2 t 'PSI some avg10', \\
     '{dat}' u 1:4 w l axes x1y2 t 'PSI full avg10'{marks}
"""
        subprocess.run(["gnuplot"], input=gp, text=True, check=False)
print("\n".join(lines))
