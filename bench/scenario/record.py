#!/usr/bin/env python3
"""The scenario bench's results store: one JSON line per boot.

    record.py add STORE LOG --variant V --load L --contender C
                  --commit COMMIT.json --names 'ROLE=NAME ...'
                  --args 'scn...' --boot-s S --rc RC
    record.py count STORE COMMIT.json VARIANT LOAD CONTENDER

add parses one guest console (bench/scenario/run.sh) and appends its run
to STORE, stamped with what the guest's oomqd and module were built from
(build.sh's commit.json) and when; the samples go with it, so the store
alone re-renders every table and plot. count prints how many runs of
that variant, load and contender the store holds for that build (so
run.sh resumes and extends).
"""
import argparse
import datetime
import json
import os
import re
import sys

STRINGS = {"innocents", "leaker_how"}


def commit_key(commit):
    """One key per tree: a dirty tree's key carries its changes' hash."""
    if commit.get("dirty"):
        return f"{commit['describe']}+{commit.get('changes', '')}"
    return commit["describe"]


def read_store(path):
    runs = []
    if not os.path.exists(path):
        return runs
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                runs.append(json.loads(line))
            except json.JSONDecodeError:
                print(f"{path}:{n}: not JSON, skipped", file=sys.stderr)
    return runs


def parse_log(path):
    run = {"result": {}, "samples": [], "deaths": [], "events": [],
           "agent": None}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip().replace("\r", "")
            m = re.search(r"(SCN-[A-Z]+) (.*)", line)
            if not m:
                continue
            tag, rest = m.group(1), m.group(2)
            kv = dict(re.findall(r"(\w+)=(\S+)", rest))
            if tag == "SCN-RESULT":
                run["result"] = {k: v if k in STRINGS else int(v)
                                 for k, v in kv.items()}
            elif tag == "SCN-SAMPLE":
                run["samples"].append(
                    [int(kv[k]) for k in ("t", "avail_kb", "some10",
                                          "full10", "hb_ms", "read_ms")])
            elif tag == "SCN-DEATH":
                run["deaths"].append(
                    {"t": int(kv["t"]), "role": kv["role"],
                     "how": kv["how"], "status": int(kv["status"])})
            elif tag == "SCN-AGENT":
                # Summed over the contender's processes.
                a = run["agent"] or {"cpu_ms": 0, "hwm_kb": 0}
                for k in ("cpu_ms", "hwm_kb"):
                    if kv.get(k, "").isdigit():
                        a[k] += int(kv[k])
                run["agent"] = a
            elif tag == "SCN-EVENT":
                run["events"].append(rest)
    run["completed"] = "max_stall_ms" in run["result"]
    return run


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add")
    a.add_argument("store")
    a.add_argument("log")
    for k in ("variant", "load", "contender", "commit", "names", "args"):
        a.add_argument("--" + k, required=True)
    a.add_argument("--boot-s", type=int, required=True)
    a.add_argument("--rc", type=int, required=True)
    c = sub.add_parser("count")
    for k in ("store", "commit", "variant", "load", "contender"):
        c.add_argument(k)
    o = ap.parse_args()
    if o.cmd == "count":
        with open(o.commit) as f:
            key = commit_key(json.load(f))
        print(sum(1 for r in read_store(o.store)
                  if r["commit_key"] == key and r["variant"] == o.variant
                  and r["load"] == o.load and r["contender"] == o.contender))
        return
    with open(o.commit) as f:
        commit = json.load(f)
    run = parse_log(o.log)
    rec = {
        "variant": o.variant, "load": o.load, "contender": o.contender,
        "commit_key": commit_key(commit), "commit": commit,
        "time": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "boot_s": o.boot_s, "rc": o.rc,
        "names": dict(n.split("=", 1) for n in o.names.split()),
        "args": o.args,
        "log": os.path.relpath(o.log, os.path.dirname(o.store)),
    }
    rec.update(run)
    with open(o.store, "a") as f:
        f.write(json.dumps(rec, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
