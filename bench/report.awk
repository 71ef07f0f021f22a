# make bench: raw.tsv -> results.md and results.json.
#
# Input lines (bench/run.sh): N round tool run procs work cpu_us hwm_kb
# anon_kb,
# where work is passes (oomqd) or searches (earlyoom).
#
# Per round, each oomqd run is compared with the earlyoom of the same
# size and round (same population, measured back to back): CPU ratio =
# oomqd µs/process over earlyoom µs/process, RSS ratio = peak over peak.
# The tables show the median over rounds of each cost and of each ratio,
# and the largest peak RSS seen.  VmHWM includes the shared libraries'
# resident pages (glibc alone is ~1.1 MiB of RssFile for a trivial
# program on Debian 12), so RssAnon, the private memory at the end of the
# run, is shown too: it is what the agent's own tables cost.
#
# earlyoom is measured twice per round: as shipped (run "dryrun", the
# peer of every ratio) and with the shipped config's names as --prefer
# and --avoid (run "names"): then it reads /proc/PID/comm of every
# process too, as oomqd must for rules on names.  Runs of a config
# (named *.conf*) also get a ratio against that like-for-like peer.
#
# Targets: a ranking pass from /proc costs at most half of earlyoom's
# victim search per process (issue 3), one from the module's task dump
# (runs named *-netlink*) at most a tenth (issue 5); oomqd's peak RSS at
# most 1 MiB.

BEGIN {
	FS = "\t"
	CPU_TARGET = 0.5
	CPU_TARGET_DUMP = 0.1
	RSS_TARGET_KB = 1024
}

function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) {
		t = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n == 0)
		return 0
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function add(arr, key, v) {
	arr[key] = (key in arr) ? arr[key] " " v : v
}

function maxv(arr, key, v) {
	if (!(key in arr) || v + 0 > arr[key] + 0)
		arr[key] = v
}

# 10000 -> 10,000 (mawk has no %'d)
function group(n,    s) {
	s = sprintf("%d", n)
	while (s ~ /[0-9][0-9][0-9][0-9]/)
		sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return s
}

{
	n = $1; round = $2; tool = $3; run = $4
	procs = $5; work = $6; cpu = $7; hwm = $8; anon = $9
	if (work <= 0 || procs <= 0) {
		printf "report: no work counted: %s\n", $0 > "/dev/stderr"
		bad = 1
		next
	}
	unit = cpu / work
	if (!(n in seen_n)) {
		seen_n[n] = 1
		sizes[++nsizes] = n
	}
	if (tool == "earlyoom" && run == "names") {
		n_proc[n, round] = unit / procs
		add(nu, n, unit)
		add(np, n, unit / procs)
		maxv(nhwm, n, hwm)
		next
	}
	if (tool == "earlyoom") {
		e_unit[n, round] = unit
		e_proc[n, round] = unit / procs
		e_hwm[n, round] = hwm
		add(eu, n, unit)
		add(ep, n, unit / procs)
		add(eprocs, n, procs)
		ework[n] += work
		maxv(ehwm, n, hwm)
		maxv(eanon, n, anon)
		next
	}
	k = n SUBSEP run
	if (!(k in seen_run)) {
		seen_run[k] = 1
		runs[n, ++nruns[n]] = run
	}
	o_rows[k, round] = unit SUBSEP unit / procs SUBSEP hwm
	rounds_of[k] = rounds_of[k] " " round
	add(ou, k, unit)
	add(op, k, unit / procs)
	add(oprocs, k, procs)
	owork[k] += work
	maxv(ohwm, k, hwm)
	maxv(oanon, k, anon)
}

END {
	if (bad)
		exit 1
	# Ratios per round, against that round's earlyoom.
	for (k in rounds_of) {
		split(k, kk, SUBSEP)
		nr = split(substr(rounds_of[k], 2), rr, " ")
		for (i = 1; i <= nr; i++) {
			split(o_rows[k, rr[i]], v, SUBSEP)
			if (!((kk[1], rr[i]) in e_proc)) {
				printf "report: no earlyoom for %s round %s\n",
				       kk[1], rr[i] > "/dev/stderr"
				exit 1
			}
			add(cr, k, v[2] / e_proc[kk[1], rr[i]])
			if (kk[2] ~ /\.conf/ && (kk[1], rr[i]) in n_proc)
				add(cnr, k, v[2] / n_proc[kk[1], rr[i]])
			add(rsr, k, v[3] / e_hwm[kk[1], rr[i]])
			nrounds = nr
		}
	}

	print "# make bench: oomqd ranking pass vs earlyoom victim search" > md
	print "" > md
	printf "%s, kernel %s, %s CPUs, %s round(s). Costs are CPU time " \
	       "(user+sys) medians over rounds; ratios are taken per round " \
	       "(same population, measured back to back), then the median. " \
	       "Peak RSS is VmHWM, the largest seen. %s.\n", date, kernel,
	       cpus, nrounds, earlyoom > md
	printf "{\n  \"date\": \"%s\",\n  \"kernel\": \"%s\",\n" \
	       "  \"cpus\": %d,\n  \"earlyoom\": \"%s\",\n  \"rounds\": %d,\n" \
	       "  \"targets\": {\"cpu_ratio_max\": %.2f, " \
	       "\"cpu_ratio_max_dump\": %.2f, \"rss_kb_max\": %d},\n" \
	       "  \"sizes\": [\n", date, kernel, cpus, earlyoom, nrounds,
	       CPU_TARGET, CPU_TARGET_DUMP, RSS_TARGET_KB > json

	verdicts = ""
	for (s = 1; s <= nsizes; s++) {
		n = sizes[s]
		if (!(n in eu)) {
			printf "report: no earlyoom run for %s\n", n > "/dev/stderr"
			exit 1
		}
		e_us = median(eu[n]); e_pp = median(ep[n])
		e_procs = median(eprocs[n])
		printf "\n## %s processes\n\n", group(n) > md
		print "| oomqd run | procs | oomqd µs/pass | µs/proc " \
		      "| earlyoom µs/search | µs/proc | CPU ratio " \
		      "| oomqd peak RSS | earlyoom peak RSS | RSS ratio " \
		      "| oomqd RssAnon | earlyoom RssAnon " \
		      "| CPU ratio, earlyoom with the same names |" > md
		print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" > md
		printf "    {\"n\": %d, \"earlyoom\": {\"procs\": %d, " \
		       "\"searches\": %d, \"us_per_search\": %.1f, " \
		       "\"us_per_proc\": %.2f, \"peak_rss_kb\": %d, " \
		       "\"rss_anon_kb\": %d},\n", n,
		       e_procs, ework[n], e_us, e_pp, ehwm[n], eanon[n] > json
		if (n in np)
			printf "     \"earlyoom_same_names\": {\"us_per_search\": " \
			       "%.1f, \"us_per_proc\": %.2f, \"peak_rss_kb\": " \
			       "%d},\n", median(nu[n]), median(np[n]),
			       nhwm[n] > json
		printf "     \"oomqd\": [\n" > json
		for (r = 1; r <= nruns[n]; r++) {
			run = runs[n, r]
			k = n SUBSEP run
			o_us = median(ou[k]); o_pp = median(op[k])
			ratio = median(cr[k]); rss_ratio = median(rsr[k])
			target = run ~ /-netlink/ ? CPU_TARGET_DUMP : CPU_TARGET
			cpu_ok = ratio <= target
			rss_ok = ohwm[k] <= RSS_TARGET_KB
			names = (k in cnr) ? sprintf("%.2f", median(cnr[k])) : ""
			printf "| %s | %s | %.0f | %.2f | %.0f | %.2f | " \
			       "**%.2f** | %s KiB | %s KiB | %.2f | %s KiB | %s KiB " \
			       "| %s |\n",
			       run, group(median(oprocs[k])), o_us, o_pp, e_us,
			       e_pp, ratio, group(ohwm[k]), group(ehwm[n]),
			       rss_ratio, group(oanon[k]), group(eanon[n]),
			       names == "" ? "–" : names > md
			printf "       {\"run\": \"%s\", \"procs\": %d, " \
			       "\"passes\": %d, \"us_per_pass\": %.1f, " \
			       "\"us_per_proc\": %.2f, \"peak_rss_kb\": %d, " \
			       "\"rss_anon_kb\": %d, \"cpu_ratio\": %.3f, \"rss_ratio\": %.3f, " \
			       "\"cpu_ratio_same_names\": %s, " \
			       "\"cpu_target\": %.2f, " \
			       "\"cpu_target_met\": %s, \"rss_target_met\": %s}%s\n",
			       run, median(oprocs[k]), owork[k], o_us, o_pp,
			       ohwm[k], oanon[k], ratio, rss_ratio,
			       names == "" ? "null" : names, target,
			       cpu_ok ? "true" : "false",
			       rss_ok ? "true" : "false",
			       r < nruns[n] ? "," : "" > json
			verdicts = verdicts sprintf("- %s processes, %s: CPU " \
				"ratio %.2f %s %.2f: %s; peak RSS %s KiB %s " \
				"%d KiB: %s\n", group(n), run, ratio,
				cpu_ok ? "<=" : ">", target,
				cpu_ok ? "met" : "**not met**",
				group(ohwm[k]), rss_ok ? "<=" : ">",
				RSS_TARGET_KB,
				rss_ok ? "met" : "**not met**")
			if (names != "")
				verdicts = verdicts sprintf("  (against " \
					"earlyoom with the same names as " \
					"--prefer/--avoid: CPU ratio %s)\n",
					names)
		}
		if (n in np)
			printf "\nearlyoom with the shipped config's names as " \
			       "--prefer/--avoid (it then reads comm of every " \
			       "process): %.0f µs/search, %.2f µs/proc, " \
			       "%.2f of the above per process.\n",
			       median(nu[n]), median(np[n]),
			       median(np[n]) / e_pp > md
		printf "     ]}%s\n", s < nsizes ? "," : "" > json
	}
	print "  ]\n}" > json
	printf "\n## Targets\n\nA ranking pass from /proc costs at most " \
	       "half of earlyoom's victim search per process (CPU ratio " \
	       "<= %.2f), one from the module's task dump (*-netlink runs) " \
	       "at most a tenth (<= %.2f); oomqd's peak RSS at most %d KiB. " \
	       "Peak RSS (VmHWM) " \
	       "counts resident shared-library pages too: a trivial " \
	       "dynamically linked glibc program already peaks near 1.2 MiB; " \
	       "RssAnon is the agent's own memory.\n\n%s",
	       CPU_TARGET, CPU_TARGET_DUMP, RSS_TARGET_KB, verdicts > md
}
