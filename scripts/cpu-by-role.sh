#!/usr/bin/env bash
# CPU used by each role of the testbed and the local federation over SECONDS (default 60), in cores, from
# /proc (utime + stime of every process, by command line). Usage: scripts/cpu-by-role.sh [SECONDS]
set -uo pipefail
dur=${1:-60}
a=$(mktemp); b=$(mktemp); trap 'rm -f "$a" "$b"' EXIT
snap() {
  for p in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' < $p/cmdline 2>/dev/null) || continue
    case "$cmd" in
      *kube-apiserver*) r=kube-apiserver;; *bin/etcd*|*/etcd\ *) r=etcd;; *kube-controller-manager*) r=controller-manager;;
      *kube-scheduler*) r=scheduler;; *bin/kwok\ *|*kwok-controller*|*/kwok\ *) r=kwok;; *ResourceAgentMain*) r=resource-agent;;
      *LeadAgentMain*) r=lead-agent;; *KnowledgeBaseMain*) r=knowledge-base;; *) continue;;
    esac
    read -r -a st < <(sed 's/.*) //' $p/stat 2>/dev/null) || continue
    echo "${p#/proc/} $r $(( ${st[11]} + ${st[12]} ))"
  done
}
snap > "$a"; sleep "$dur"; snap > "$b"
hz=$(getconf CLK_TCK)
join <(sort "$a") <(sort "$b") | awk -v hz=$hz -v d=$dur '{c[$2]+=($5-$3); n[$2]++} END {for (r in c) {t+=c[r]; printf "%-20s %2d procs  %6.3f cores\n", r, n[r], c[r]/hz/d}; printf "%-20s          %6.3f cores\n", "total", t/hz/d}' | sort -k4 -nr
uptime
