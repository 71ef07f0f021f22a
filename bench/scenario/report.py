#!/usr/bin/env python3
"""Render the scenario bench's results store (bench/scenario/record.py).

    report.py STORE OUT [--readme=FILE]

Writes OUT/results.md (also printed), OUT/results.json and, when gnuplot
is there, OUT/plot-VARIANT.png (every run's stall and build time per
contender) and OUT/plot-VARIANT-CONTENDER.png (the run with the median
stall: MemAvailable, PSI, heartbeat delay, kills).

A table is one variant of the load at one build of oomq: the newest
build (commit, or a dirty tree's changes) that has enough completed runs
of each of the variant's core contenders (SCENARIO_MIN_RUNS: a number,
or VARIANT=N words with N for the rest as a bare number; 5 for the
meltdown and 2 for the others by default), else the newest build there
is, marked incomplete. Under each table, issue 14's goals are checked
for oomqd with the shipped config in every run (and shown, for
comparison, for the oomqd-* variants), and an overview of them for
every variant heads the report; --readme=FILE puts that overview into
FILE too, between the two marker lines of README's Results. The systemd guest's runs (load
word guest=systemd) make tables of their own, after the busybox
guest's; their core contenders are kernel, earlyoom, systemd-oomd and
oomqd.
"""
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record import read_store  # noqa: E402

store, out = sys.argv[1], sys.argv[2]
# --readme=FILE: the goals' overview and every run's table replace what
# FILE holds between these two lines (README's Results), the plots of
# every run go to README_IMG beside it: what README shows is always the
# store's, never copied by hand.
readme = next((a.split("=", 1)[1] for a in sys.argv[3:]
               if a.startswith("--readme=")), None)
README_IMG = "docs/img/scenario"  # where, beside FILE, its plots go
README_BEGIN = "<!-- report.py --readme: the goals' overview -->"
README_END = "<!-- end of report.py's overview -->"
ORDER = ["meltdown", "big", "leak", "swap", "zram", "mix", "sizes",
         "late"]
CONTENDERS = ["kernel", "earlyoom", "nohang", "systemd-oomd", "oracle",
              "oracle-fit",
              "oomq-hand", "oomqd"]
PEERS = ["kernel", "earlyoom", "nohang", "systemd-oomd"]
# What a build needs runs of to make a table, per guest (SCENARIO_CORE
# overrides), the oracle aside.
CORE = {"busybox": ["kernel", "earlyoom", "nohang", "oomqd"],
        "systemd": ["kernel", "earlyoom", "systemd-oomd", "oomqd"]}


def guest_of(load):
    """The guest a load ran in (run.sh's guest= word; busybox without)."""
    for w in load.split():
        if w.startswith("guest="):
            return w.split("=", 1)[1]
    return "busybox"


def min_runs(variant):
    spec = os.environ.get("SCENARIO_MIN_RUNS", "").split()
    default = 5 if variant == "meltdown" else 2
    for w in spec:
        if "=" in w:
            v, n = w.split("=", 1)
            if v == variant:
                return int(n)
        else:
            default = int(w)
    return default


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, scale=1, nd=0):
    if v is None:
        return "-"
    return f"{v / scale:.{nd}f}"


def stat(runs, get, scale=1, nd=0):
    """median [min-max] of get(run) over runs; '-' for none."""
    vals = [get(r) for r in runs]
    known = [v for v in vals if v is not None]
    if not known:
        return "-"
    m = fmt(med(known), scale, nd)
    lo, hi = fmt(min(known), scale, nd), fmt(max(known), scale, nd)
    s = m if lo == hi else f"{m} [{lo}-{hi}]"
    if len(known) < len(vals):
        s += f" ({len(vals) - len(known)} -)"
    return s


def res(r, k):
    return r["result"].get(k)


def wall(r):
    """The build's wall time: load start to the last job's end, None if
    a job never ended."""
    v = res(r, "t_workers_gone_ms")
    return v if v is not None and v >= 0 else None


def built(r):
    """The whole build's wall time: None unless every job finished (a
    build that lost jobs is not done, however early its jobs ended)."""
    if res(r, "jobs_done") != res(r, "jobs_total"):
        return None
    return wall(r)


def jobs_from(r):
    """Where the oracle's -j came from (run.sh's scn.jobs_from)."""
    for w in r["args"].split():
        if w.startswith("scn.jobs_from="):
            return w.split("=", 1)[1]
    return "estimate" if "scn.jobs=-1" in r["args"].split() else "set"


def agent_cpu(r):
    return r["agent"]["cpu_ms"] if r.get("agent") else None


def read_back_mib(r):
    """What the guest read back during the load (scn.c's pgin: swap-ins,
    from disk or zram, and file pages refaulted from disk), MiB, from the run's console; None
    without one.  A build that fits only by evicting the files its jobs
    read (the oracle's -jN) pays here, not in jobs lost."""
    if "read_back" not in r:
        r["read_back"] = None
        try:
            with open(os.path.join(os.path.dirname(store), r["log"]),
                      errors="replace") as f:
                pgin = [int(m.group(2)) for m in
                        (re.search(r"SCN-SAMPLE t=(-?\d+) .*pgin=(-?\d+)",
                                   line) for line in f)
                        if m and int(m.group(1)) >= 0 and
                        int(m.group(2)) >= 0]
        except OSError:
            pgin = []
        if pgin:
            r["read_back"] = (pgin[-1] - pgin[0]) * 4 / 1024
    return r["read_back"]


def load_stall(r):
    """The longest heartbeat stall from the load's start: the samples'
    per-window maxima at t >= 0.  max_stall_ms counts the whole boot,
    where most runs' longest stall falls as the session starts, 8 s
    before the load, with the contender starting beside it."""
    vals = [s[4] for s in r.get("samples", []) if s[0] >= 0]
    return max(vals) if vals else None


def only_leaker(r):
    return res(r, "leaker_killed") == 1 and res(r, "total_kills") == 1


runs_all = read_store(store)
groups = {}
for r in runs_all:
    groups.setdefault((r["variant"], r["load"]), []).append(r)


def group_order(k):
    v, load = k
    g = guest_of(load)
    return (g != "busybox", g, ORDER.index(v) if v in ORDER else len(ORDER),
            v, load)


def contender_order(c):
    if c in CONTENDERS:
        return (CONTENDERS.index(c), c)
    return (len(CONTENDERS), c)


def choose_build(variant, guest, runs):
    """The newest build with enough completed runs of each core
    contender; else the newest build, marked incomplete."""
    builds = {}
    for r in runs:
        b = builds.setdefault(r["commit_key"], {"last": "", "runs": []})
        b["last"] = max(b["last"], r["time"])
        b["runs"].append(r)
    has_build = any(res(r, "build") for r in runs)
    # The systemd guest runs no oracle unless asked to.
    oracle = has_build and (guest == "busybox" or
                            any(r["contender"] == "oracle" for r in runs))
    core = os.environ.get("SCENARIO_CORE", "").split() or CORE[guest]
    core = [c for c in core if c != "oracle"] + \
        (["oracle"] if oracle else [])
    need = min_runs(variant)
    newest_first = sorted(builds, key=lambda k: builds[k]["last"],
                          reverse=True)
    for k in newest_first:
        done = [r for r in builds[k]["runs"] if r["completed"]]
        if all(sum(r["contender"] == c for r in done) >= need
               for c in core):
            return k, builds[k]["runs"], True, newest_first, core, need
    k = newest_first[0]
    return k, builds[k]["runs"], False, newest_first, core, need


def gnuplot(script):
    """Run gnuplot; its warnings about flat ranges (one run, no PSI)
    are not news."""
    p = subprocess.run(["gnuplot"], input=script, text=True,
                       capture_output=True, check=False)
    for line in p.stderr.splitlines():
        if not line.startswith("Warning: empty"):
            print(line, file=sys.stderr)


def plot_run(name, title, r):
    dat, kills = f"{out}/{name}.dat", f"{out}/{name}.kills"
    with open(dat, "w") as f:
        for t, avail, some, full, hb, _ in r["samples"]:
            f.write(f"{t / 1000} {avail / 1024:.1f} {some / 100} "
                    f"{full / 100} {hb}\n")
    nkills = 0
    with open(kills, "w") as f:
        for d in r["deaths"]:
            if d["how"] in ("kernel", "user"):
                f.write(f"{d['t'] / 1000} {d['role']}-{d['how']}\n")
                nkills += 1
    # gnuplot refuses an empty file: no kill, no kill markers.
    marks = (f", \\\n     '{kills}' u 1:(20000) w impulses "
             "lc rgb 'red' t 'kills'" if nkills else "")
    gp = f"""
set terminal pngcairo size 1000,600
set output '{out}/{name}.png'
set title '{title}'
set xlabel 's since the load started (TCG)'
set ylabel 'MiB / ms (log)'
set logscale y
set yrange [1:30000]
set y2label 'PSI %'
set y2range [0:100]
set y2tics
set key outside bottom center horizontal
plot '{dat}' u 1:2 w l t 'MemAvailable MiB', \\
     '{dat}' u 1:5 w l t 'heartbeat delay ms (100 ms window max)', \\
     '{dat}' u 1:3 w l axes x1y2 t 'PSI some avg10', \\
     '{dat}' u 1:4 w l axes x1y2 t 'PSI full avg10'{marks}
"""
    gnuplot(gp)
    os.remove(dat)
    os.remove(kills)


def plot_variant(name, title, cs, by_c, has_build):
    """Every run's longest stall (log scale) and, with a build, its wall
    time, per contender."""
    dat = f"{out}/{name}.dat"
    with open(dat, "w") as f:
        for i, c in enumerate(cs):
            for r in by_c[c]:
                w = wall(r)
                f.write(f"{i} {max(res(r, 'max_stall_ms'), 1)} "
                        f"{w / 1000 if w is not None else 'NaN'}\n")
    xt = ", ".join(f'"{c}" {i}' for i, c in enumerate(cs))
    second = (f"""
set title 'build wall time, s (all jobs ended)'
unset logscale y
set yrange [0:*]
plot '{dat}' u 1:3 w p pt 7 ps 1.2 notitle
""" if has_build else "")
    gp = f"""
set terminal pngcairo size 1000,{700 if has_build else 400}
set output '{out}/{name}.png'
set multiplot layout {2 if has_build else 1},1 title '{title}'
set xtics ({xt})
set xrange [-0.5:{len(cs) - 0.5}]
set grid ytics
set title 'longest heartbeat stall, ms (log)'
set logscale y
plot '{dat}' u 1:2 w p pt 7 ps 1.2 notitle
{second}
unset multiplot
"""
    gnuplot(gp)
    os.remove(dat)


def search_md(runs):
    """The oracles' -j searches for one load, if any."""
    search = [r for r in runs if r["contender"].endswith("-search")
              and r["completed"]]
    if not search:
        return []
    md = ["The oracles' -j searches (make bench-scenario-oracle, "
          "bench-scenario-oracle-fit):", "",
          "| when (UTC) | build | search | -j | jobs killed / done | "
          "innocents | wall, s | stall, ms | read back, MiB |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(search, key=lambda r: r["time"]):
        md.append(f"| {r['time']} | `{r['commit_key']}` | "
                  f"{r['contender'][:-len('-search')]} | "
                  f"{res(r, 'jobs')} | {res(r, 'jobs_killed')} / "
                  f"{res(r, 'jobs_done')} | {res(r, 'innocents')} | "
                  f"{fmt(wall(r), 1000, 1)} | "
                  f"{res(r, 'max_stall_ms')} | {fmt(read_back_mib(r))} |")
    return md + [""]


def met(ok):
    return "yes" if ok else "**NO**"


def overview_row(name, build, complete, d, all_runs, has_build, has_leak,
                 ref):
    """One variant's line of the goals' overview: oomqd (shipped config)
    in every run against the references of the same build (@ref: the
    best peer and its median stall, the oracles' median build times and
    read back, earlyoom's median CPU)."""
    every = len(d) == len(all_runs)

    def counted(key):
        vals = [res(r, key) for r in d]
        return f"{max(vals)} {met(every and not any(vals))}"

    def against(get, ref, ref_name, scale, nd, limit):
        """median [min-max] / the reference = ratio of the medians, and
        whether every run is within limit x the reference (none: no
        goal, the ratio alone)."""
        vals = [get(r) for r in d]
        known = [v for v in vals if v is not None]
        s = stat(d, get, scale, nd)
        if ref is None:
            return f"{s} / - (no {ref_name} at this build)"
        ratio = f" = {med(known) / ref:.2f}" if known else ""
        if limit is None:
            return f"{s} / {fmt(ref, scale, nd)} {ref_name}{ratio}"
        ok = every and len(known) == len(vals) and \
            all(v <= limit * ref for v in known)
        return f"{s} / {fmt(ref, scale, nd)} {ref_name}{ratio} {met(ok)}"

    row = [name, f"`{build}`" + ("" if complete else " (incomplete)"),
           f"{len(d)}/{len(all_runs)}", counted("innocents_killed")]
    row.append(counted("jobs_killed") if has_build else "")
    row.append(f"{sum(only_leaker(r) for r in d)} of {len(d)} "
               f"{met(every and all(only_leaker(r) for r in d))}"
               if has_leak else "")
    row.append(against(lambda r: res(r, "max_stall_ms"), ref["stall"],
                       ref["peer"] or "peer", 1, 0, 0.5))
    row.append(against(load_stall, ref["load_stall"],
                       ref["load_peer"] or "peer", 1, 0, None))
    row.append(against(built, ref["oracle"], "oracle", 1000, 1, 1.3)
               if has_build else "")
    row.append(against(agent_cpu, ref["cpu"], "earlyoom", 1, 0, 1))
    row.append(f"{stat(d, read_back_mib)} / {fmt(ref['oracle_back'])}"
               if has_build else stat(d, read_back_mib))
    mb, fit = med([built(r) for r in d]), ref["fit"]
    row.append((f"{fmt(fit, 1000, 1)}" +
                (f" = {mb / fit:.2f}" if mb and fit else ""))
               if has_build and fit else "")
    return row


def every_run_md(variant, cs, by_c):
    """Every run of one table, folded."""
    md = [f"<details><summary>{variant}: every run</summary>", "",
          "| contender | when (UTC) | worker / tab names | innocents | "
          "jobs killed / done | wall, s | leaker | stall, ms | kernel / "
          "user kills | read back, MiB | agent CPU ms | boot, s |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in cs:
        for r in by_c[c]:
            if not r["completed"]:
                md.append(f"| {c} | {r['time']} | | cut off (rc "
                          f"{r['rc']}, {r['log']}) | | | | | | | | "
                          f"{r['boot_s']} |")
                continue
            md.append(
                f"| {c} | {r['time']} | {r['names'].get('worker', '-')} / "
                f"{r['names'].get('tab', '-')} | {res(r, 'innocents')} | "
                f"{res(r, 'jobs_killed')} / {res(r, 'jobs_done')} | "
                f"{fmt(wall(r), 1000, 1)} | "
                f"{res(r, 'leaker_how') if res(r, 'leak') else ''} | "
                f"{res(r, 'max_stall_ms')} | {res(r, 'kernel_kills')} / "
                f"{res(r, 'user_kills')} | {fmt(read_back_mib(r))} | "
                f"{fmt(agent_cpu(r))} | {r['boot_s']} |")
    return md + ["", "</details>", ""]


def overview_md(rows, title=True):
    """Issue 14's goals for every variant at once: the table README's
    Results shows (--readme)."""
    head = ["variant", "build", "runs", "innocents killed (0)",
            "jobs killed (0)", "only the leaker killed",
            "longest stall, ms / best peer's (<= 0.5x)",
            "longest stall from the load's start, ms / best peer's",
            "build, s / oracle's (<= 1.3x)",
            "agent CPU, ms / earlyoom's (<= 1x)",
            "read back (swap-ins, refaults), MiB / oracle's",
            "oracle-fit's build, s (oomqd's / it)"]
    return ((["## Issue 14's goals: oomqd, shipped config, every run",
              ""] if title else []) +
            ["Per variant, oomqd's value (median [min-max] over its runs) "
             "against the reference of the same build (the best peer's "
             "median stall, the oracle's median build time, earlyoom's "
             "median CPU) and the ratio of the medians; **yes** where "
             "every run meets the goal. Not goals: the longest stall "
             "from the load's start (the goal's counts the whole boot, "
             "the session's start 8 s before the load included, with "
             "the contender starting beside it); what the "
             "oracle's speed costs: what the guest read back during the "
             "load (swap-ins, and the files the jobs read, evicted and "
             "read again from disk), and "
             "the build time of oracle-fit, the largest -j that reads "
             "back at most SCENARIO_FIT_READ_MIB (32 MiB) where it ran.",
             "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)] +
            ["| " + " | ".join(r) + " |" for r in rows] + [""])


md = ["# Scenario bench (issue 14): the desktop meltdown and its variants",
      "",
      "512 MiB QEMU/TCG guest, Debian's 6.12 kernel. Per contender:",
      "medians over the completed runs, [min-max] where the runs differ;",
      "'(k -)' counts runs without that value. Times are TCG times:",
      "compare them as ratios. 'All jobs ended': from make's start to",
      "the last job's end, killed or finished; a build is done, and",
      "compared with the oracle's, only where every job finished.",
      "The oracle's -j: searched (make bench-scenario-oracle), set",
      "(SCENARIO_ORACLE_J) or estimated from the jobs' sizes.", ""]
OVERVIEW_AT = len(md)  # the goals' overview goes first, once known
overview = []
readme_every, readme_plots = [], []  # every run's tables and plots
report = {}
plots = shutil.which("gnuplot") is not None
if plots:
    for f in os.listdir(out):
        if f.startswith("plot-") and f.endswith(".png"):
            os.remove(os.path.join(out, f))
# A variant's load with the most runs in a guest is the variant there;
# another one (more SCENARIO_ARGS, a session named at random) is told by
# what it adds.
primary = {}
for v, load in groups:
    p = (v, guest_of(load))
    if len(groups[(v, load)]) > len(groups.get((v, primary.get(p)), [])):
        primary[p] = load


def heading(variant, load):
    guest = guest_of(load)
    base = primary[(variant, guest)]
    name = variant if guest == "busybox" else f"{variant}, {guest} guest"
    if load == base:
        return name
    more = " ".join(w for w in load.split() if w not in base.split())
    return f"{name} ({more})"


GUESTS = {
    "systemd": ["# The systemd guest", "",
                "systemd 252 as PID 1 (Debian's), the session in the user "
                "manager of UID 1000 (kdeinit, ksmserver, kwin in "
                "session.slice scopes, the terminal, the editor and the "
                "browser with its tab in app.slice scopes), the build in "
                "the scope `systemd-run --user --scope make -j` makes, "
                "the heartbeat in the bench's system service. "
                "systemd-oomd with Debian's (Fedora's, Ubuntu's) "
                "defaults: user@.service killed by memory pressure above "
                "50 % for 20 s, swap above 90 %. Less is available at the "
                "load's start than in the busybox guest (journald, "
                "logind, dbus, the user manager): compare within a "
                "guest only.", ""],
}
last_guest = "busybox"
for key in sorted(groups, key=group_order):
    variant, load = key
    guest = guest_of(load)
    if guest != last_guest:
        md += GUESTS.get(guest, [f"# The {guest} guest", ""])
        last_guest = guest
    table = [r for r in groups[key]
             if not r["contender"].endswith("-search")]
    if not table:
        md += [f"## {heading(variant, load)}", "", f"Load: `{load}`.", ""]
        md += search_md(groups[key])
        continue
    k, runs, complete, builds, core, need = choose_build(variant, guest,
                                                         table)
    # The busybox guest's variant itself (not a load with more
    # SCENARIO_ARGS, nor the systemd guest's): the overview's and
    # README's.
    in_readme = guest == "busybox" and load == primary[(variant, guest)]
    commit = runs[0]["commit"]
    has_build = any(res(r, "build") for r in runs if r["completed"])
    has_leak = any(res(r, "leak") for r in runs if r["completed"])
    by_c = {}
    for r in runs:
        by_c.setdefault(r["contender"], []).append(r)
    cs = sorted(by_c, key=contender_order)
    done = {c: [r for r in by_c[c] if r["completed"]] for c in cs}
    md += [f"## {heading(variant, load)}", "", f"Load: `{load}`.", ""]
    when = sorted(r["time"] for r in runs)
    md.append(f"Build `{k}` (commit {commit['commit'][:12]}"
              f"{', dirty' if commit['dirty'] else ''}; oomqd "
              f"{commit['oomqd_sha256']}, oomq.ko "
              f"{commit['oomq_ko_sha256']}), runs from {when[0]} to "
              f"{when[-1]}." +
              ("" if complete else
               f" **Incomplete**: fewer than {need} completed runs of "
               + ", ".join(c for c in core
                           if len(done.get(c, [])) < need) + "."))
    others = [b for b in builds if b != k]
    if others:
        md.append(f"Other builds in the store for this load (not in this "
                  f"table): {', '.join(f'`{b}`' for b in others)}.")
    md.append("")

    # References: the best peer's median stall, the oracle's median wall
    # time, earlyoom's median CPU.
    def best_peer_of(get):
        """The peer with the lowest median of get(run), and that median."""
        meds = {c: med([get(r) for r in done[c]])
                for c in PEERS if done.get(c)}
        meds = {c: v for c, v in meds.items() if v is not None}
        best = min(meds, key=meds.get) if meds else None
        return best, meds.get(best)

    best_peer, best_stall = best_peer_of(lambda r: res(r, "max_stall_ms"))
    load_peer, load_peer_stall = best_peer_of(load_stall)
    oracle_wall = med([built(r) for r in done.get("oracle", [])])
    eo_cpu = med([agent_cpu(r) for r in done.get("earlyoom", [])])

    head = ["contender", "runs", "innocents killed"]
    if has_build:
        total = max(res(r, "jobs_total") for r in runs if r["completed"])
        head += [f"jobs killed (of {total})", "jobs finished",
                 "all jobs ended, s", "build / oracle (all finished)"]
    if has_leak:
        head += ["leaker killed (kernel/user)", "only the leaker"]
    head += ["longest stall, ms",
             f"stall / best peer ({best_peer or '-'})",
             "kernel / user kills", "longest 4 KiB read, ms",
             "read back (swap-ins, refaults), MiB",
             "agent CPU ms", "agent peak RSS KiB"]
    rows = ["| " + " | ".join(head) + " |",
            "|" + "---|" * len(head)]
    summary = {}
    for c in cs:
        d = done[c]
        name = c
        if c in ("oracle", "oracle-fit") and d:
            js = sorted({f"{res(r, 'jobs')} ({jobs_from(r)})" for r in d})
            name += " -j" + ", ".join(js)
        inn = stat(d, lambda r: res(r, "innocents_killed"))
        named = sorted({res(r, "innocents") for r in d} - {"-", None})
        if named:
            inn += " (" + " ".join(named) + ")"
        row = [name, f"{len(d)}/{len(by_c[c])}", inn]
        mw = med([wall(r) for r in d])
        mb = med([built(r) for r in d])
        if has_build:
            row += [stat(d, lambda r: res(r, "jobs_killed")),
                    stat(d, lambda r: res(r, "jobs_done")),
                    stat(d, wall, 1000, 1),
                    f"{mb / oracle_wall:.2f}" if mb and oracle_wall
                    else "-"]
        if has_leak:
            lk = [r for r in d if res(r, "leaker_killed")]
            hows = "/".join(str(sum(res(r, "leaker_how") == h for r in lk))
                            for h in ("kernel", "user"))
            row += [f"{len(lk)} of {len(d)} ({hows})",
                    f"{sum(only_leaker(r) for r in d)} of {len(d)}"]
        ms = med([res(r, "max_stall_ms") for r in d])
        row += [stat(d, lambda r: res(r, "max_stall_ms")),
                f"{ms / best_stall:.2f}" if ms is not None and best_stall
                else "-",
                f"{fmt(med([res(r, 'kernel_kills') for r in d]))} / "
                f"{fmt(med([res(r, 'user_kills') for r in d]))}",
                stat(d, lambda r: res(r, "max_read_ms")),
                stat(d, read_back_mib),
                stat(d, agent_cpu),
                stat(d, lambda r: r["agent"]["hwm_kb"] if r.get("agent")
                     else None)]
        rows.append("| " + " | ".join(row) + " |")
        summary[c] = {
            "runs": len(by_c[c]), "completed": len(d),
            "median": {
                "innocents_killed": med([res(r, "innocents_killed")
                                         for r in d]),
                "jobs_killed": med([res(r, "jobs_killed") for r in d]),
                "jobs_done": med([res(r, "jobs_done") for r in d]),
                "build_wall_ms": mw,
                "max_stall_ms": ms,
                "agent_cpu_ms": med([agent_cpu(r) for r in d]),
            },
            "per_run": [{
                "time": r["time"], "names": r["names"], "log": r["log"],
                "completed": r["completed"], "boot_s": r["boot_s"],
                "agent": r.get("agent"),
                **{kk: v for kk, v in r["result"].items()}}
                for r in by_c[c]],
        }
    md += rows + [""]

    # Issue 14's goals, for the shipped config (and the oomqd variants).
    goals = {}
    for c in [c for c in cs if c == "oomqd" or c.startswith("oomqd-")]:
        d = done[c]
        if not d:
            continue
        g = []

        def check(what, ok_runs, detail, ref_missing=None):
            if ref_missing:
                g.append((what, None, ref_missing))
            else:
                ok = all(ok_runs) and len(d) == len(by_c[c])
                g.append((what, ok, detail))

        check("0 innocents killed",
              [res(r, "innocents_killed") == 0 for r in d],
              " ".join(str(res(r, "innocents_killed")) for r in d))
        if has_build:
            check("0 build jobs killed",
                  [res(r, "jobs_killed") == 0 for r in d],
                  " ".join(str(res(r, "jobs_killed")) for r in d))
        check("stall <= 0.5x the best peer's median" +
              (f" ({best_peer}: {fmt(best_stall)} ms)" if best_peer
               else ""),
              [best_stall is not None and
               res(r, "max_stall_ms") <= 0.5 * best_stall for r in d],
              " ".join(str(res(r, "max_stall_ms")) for r in d) + " ms",
              None if best_stall is not None else
              "no peer ran at this build")
        if has_build:
            check(f"build wall time <= 1.3x the oracle's "
                  f"({fmt(oracle_wall, 1000, 1)} s), every job finished",
                  [built(r) is not None and oracle_wall is not None and
                   built(r) <= 1.3 * oracle_wall for r in d],
                  " ".join(f"{fmt(built(r), 1000, 1)} s" if built(r)
                           else f"{res(r, 'jobs_total') - res(r, 'jobs_done')}"
                           " jobs lost" for r in d),
                  None if oracle_wall else "no oracle run at this build")
        if has_leak:
            check("the leaker and only the leaker killed",
                  [only_leaker(r) for r in d],
                  "leaker killed / kills: " +
                  " ".join(f"{res(r, 'leaker_killed')}/"
                           f"{res(r, 'total_kills')}" for r in d))
        check(f"agent CPU <= earlyoom's ({fmt(eo_cpu)} ms)",
              [agent_cpu(r) is not None and eo_cpu is not None and
               agent_cpu(r) <= eo_cpu for r in d],
              " ".join(fmt(agent_cpu(r)) for r in d) + " ms",
              None if eo_cpu is not None else
              "no earlyoom run at this build")
        goals[c] = [{"goal": w, "met": ok, "runs": det} for w, ok, det in g]
        if c == "oomqd" and in_readme:
            overview.append(overview_row(
                heading(variant, load), k, complete, d, by_c[c],
                has_build, has_leak, {
                    "peer": best_peer, "stall": best_stall,
                    "load_peer": load_peer,
                    "load_stall": load_peer_stall,
                    "oracle": oracle_wall, "cpu": eo_cpu,
                    "oracle_back": med([read_back_mib(r) for r in
                                        done.get("oracle", [])]),
                    "fit": med([built(r)
                                for r in done.get("oracle-fit", [])])}))
        label = ("oomqd, shipped config" if c == "oomqd" else
                 f"{c} (a variant, for comparison)")
        md.append(f"Goals of issue 14, {label}, in every run "
                  f"({len(d)} of {len(by_c[c])} completed):")
        for w, ok, det in g:
            mark = "not checked" if ok is None else ("yes" if ok else "NO")
            md.append(f"- {w}: **{mark}** ({det})")
        md.append("")

    if in_readme and not done.get("oomqd"):
        overview.append([heading(variant, load), f"`{k}`" + (
                         "" if complete else " (incomplete)"), "0",
                         "no run of oomqd at this build"] + [""] * 7)
    runs_md = every_run_md(variant, cs, by_c)
    md += runs_md
    readme_runs = runs_md if in_readme else []

    md += search_md(groups[key])

    if plots:
        # A variant run with more SCENARIO_ARGS is another load.
        vname = f"plot-{variant}"
        if guest != "busybox":
            vname += f"-{guest}"
        if load != primary[(variant, guest)]:
            vname += "-" + hashlib.sha1(load.encode()).hexdigest()[:6]
        plot_variant(vname, f"{heading(variant, load)}: every run at {k}",
                     [c for c in cs if done[c]], done, has_build)
        if readme_runs:
            readme_plots.append(f"{vname}.png")
            # README shows what oomqd did in one meltdown run, too.
            if variant == "meltdown" and done.get("oomqd"):
                readme_plots.append(f"{vname}-oomqd.png")
            readme_runs = readme_runs[:-2] + [
                f"![{variant}: every run's longest stall and build time, "
                f"per contender]({README_IMG}/{vname}.png)", ""] + \
                readme_runs[-2:]
        md.append(f"Plots: {vname}.png; per contender, the run with the "
                  f"median stall: " +
                  ", ".join(f"{vname}-{c}.png" for c in cs if done[c]) +
                  ".")
        md.append("")
        for c in cs:
            if not done[c]:
                continue
            d = sorted(done[c], key=lambda r: res(r, "max_stall_ms"))
            r = d[(len(d) - 1) // 2]
            plot_run(f"{vname}-{c}",
                     f"{heading(variant, load)}, {c} ({r['time']}): "
                     "MemAvailable, PSI "
                     "memory avg10, heartbeat delay, kills", r)
    readme_every += readme_runs
    report[f"{variant} {load}"] = {
        "variant": variant, "load": load, "build": k,
        "complete": complete, "commit": commit,
        "contenders": summary, "goals": goals}

if not groups:
    md.append(f"No runs in {store} yet: make bench-scenario.")
if overview:
    md = md[:OVERVIEW_AT] + overview_md(overview) + md[OVERVIEW_AT:]
with open(f"{out}/results.md", "w") as f:
    f.write("\n".join(md) + "\n")
with open(f"{out}/results.json", "w") as f:
    json.dump(report, f, indent=1)
print("\n".join(md))
if readme:
    with open(readme) as f:
        text = f.read()
    if README_BEGIN not in text or README_END not in text:
        sys.exit(f"report: {readme} has no {README_BEGIN} ... "
                 f"{README_END} block")
    head, rest = text.split(README_BEGIN, 1)
    tail = rest.split(README_END, 1)[1]
    img = os.path.join(os.path.dirname(os.path.abspath(readme)), README_IMG)
    os.makedirs(img, exist_ok=True)
    for f in os.listdir(img):
        if f.startswith("plot-") and f not in readme_plots:
            os.remove(os.path.join(img, f))
    for f in readme_plots:
        shutil.copy(os.path.join(out, f), img)
    with open(readme, "w") as f:
        f.write(head + README_BEGIN + "\n" +
                "\n".join(overview_md(overview, title=False) +
                          ["Every run, per variant:", ""] + readme_every) +
                README_END + tail)
    print(f"report: the goals' overview into {readme}", file=sys.stderr)
print(f"report: wrote {out}/results.md and results.json", file=sys.stderr)
