#!/usr/bin/env bash
# Start to first frame of the window, in ms: from launch to the first buffer swap (the trace's
# "frame 0 swapped at"), median of N runs under Xvfb at 1280x800. Extra arguments go to
# `injmap gui`; XDG_DATA_HOME chooses the data (sessions, treatment history) it starts with.
#   bench/gui_startup.sh [RUNS] [-- GUI ARGS...]      e.g. XDG_DATA_HOME=/tmp/big bench/gui_startup.sh 9
set -euo pipefail
runs=9
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs=$1; shift; fi
[ "${1:-}" = "--" ] && shift
exe=${INJMAP_EXE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/release/bin/injmap}
once() {
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    t0=$(date +%s.%N)
    t1=$(INJMAP_GUI_TRACE=1 "$0" gui --size 1280x800 --frames 2 "${@}" 2>&1 | awk "/frame 0 swapped/ {print \$6; exit}")
    python3 -c "print(round(($t1 - $t0) * 1000))"' "$exe" "$@"
}
for _ in $(seq "$runs"); do once "$@"; done | sort -n | awk '{v[NR]=$1} END {printf "median %d ms (min %d, max %d, %d runs)\n", v[int((NR+1)/2)], v[1], v[NR], NR}'
