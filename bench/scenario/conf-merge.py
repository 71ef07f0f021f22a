#!/usr/bin/env python3
"""An oomqd variant's config: the shipped one with a snippet's knobs set.

    conf-merge.py SHIPPED SNIPPET >OUT

SNIPPET is ini text ([section], key = value). Each key replaces the
value of the same key in the same section of SHIPPED, or is added at the
section's start (the section at the end if SHIPPED has none). A variant
sets knobs and names nothing: [rule ...] sections and match_* keys are
refused, so no variant can name the scenario's (random) tools.
"""
import re
import sys

shipped, snippet = sys.argv[1], sys.argv[2]
knobs = []  # (section, key, value)
section = None
with open(snippet) as f:
    for n, line in enumerate(f, 1):
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        m = re.fullmatch(r"\[([^\]]+)\]", s)
        if m:
            section = m.group(1).strip()
            if section.startswith("rule"):
                sys.exit(f"{snippet}:{n}: a variant sets knobs, not rules")
            continue
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)", s)
        if not m or section is None:
            sys.exit(f"{snippet}:{n}: want 'key = value' under a [section]")
        if m.group(1).startswith("match_"):
            sys.exit(f"{snippet}:{n}: a variant names no process")
        knobs.append((section, m.group(1), m.group(2)))

with open(shipped) as f:
    lines = f.read().splitlines()
for sec, key, value in knobs:
    start = next((i for i, l in enumerate(lines)
                  if l.strip() == f"[{sec}]"), None)
    if start is None:
        lines += ["", f"[{sec}]", f"{key} = {value}"]
        continue
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].lstrip().startswith("[")), len(lines))
    at = next((i for i in range(start + 1, end)
               if re.match(rf"\s*{key}\s*=", lines[i])), None)
    if at is None:
        lines.insert(start + 1, f"{key} = {value}")
    else:
        lines[at] = f"{key} = {value}"
print("\n".join(lines))
