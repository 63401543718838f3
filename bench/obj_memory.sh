#!/usr/bin/env bash
# Peak memory of loading a large OBJ, against its file size (issue #16 item 7: "peak memory for
# loading an OBJ ≤ 12× its file size"). Writes a flat grid mesh of about FACES triangles (default
# 10 million) as one skin group with a manifest, loads it with `injmap model` and reports the
# process's peak resident set (GNU time's %M) next to the OBJ's size.
#
#   bench/obj_memory.sh [FACES] [INJMAP]      (INJMAP default: build/release/bin/injmap)
#
# Speed and memory are measured here, never asserted in tests. Needs python3 and /usr/bin/time.
set -euo pipefail
faces=${1:-10000000}
injmap=${2:-build/release/bin/injmap}
work=$(mktemp -d "${TMPDIR:-/tmp}/injmap-obj-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$faces" "$work/grid.obj" <<'PY'
import math, sys
faces, path = int(sys.argv[1]), sys.argv[2]
n = int(math.ceil(math.sqrt(faces / 2))) + 1  # n x n vertices, 2 (n-1)^2 triangles
half = n // 2
with open(path, "w") as f:
    f.write("g skin\n")
    for y in range(n):
        f.write("".join(f"v {x - half} {y - half} 0\n" for x in range(n)))
    for y in range(n - 1):
        rows = []
        for x in range(n - 1):
            a = y * n + x + 1
            b, c, d = a + 1, a + n, a + n + 1
            rows.append(f"f {a} {b} {d}\nf {a} {d} {c}\n")
        f.write("".join(rows))
PY

cat > "$work/grid.toml" <<'TOML'
schema_version = 1
id = "grid"
name = "Grid (memory bench)"
[mesh]
file = "grid.obj"
units = "mm"
up = "+y"
forward = "+z"
[skin]
group = "skin"
[landmarks]
vertex = [0, 0, 0]
TOML

size=$(stat -c %s "$work/grid.obj")
triangles=$(grep -c '^f ' "$work/grid.obj")
# A cache of its own, so the load parses the OBJ (and nothing of the user's cache is touched).
status=0
XDG_CACHE_HOME="$work/cache" /usr/bin/time -f '%M %e' "$injmap" model "$work/grid.toml" \
    >/dev/null 2>"$work/model.err" || status=$?
read -r peak wall <<<"$(tail -1 "$work/model.err")"
echo "faces:      $triangles (injmap model exit $status)"
echo "OBJ size:   $((size / 1024 / 1024)) MB ($size bytes)"
echo "peak RSS:   $((peak / 1024)) MB (injmap model, whole process), wall ${wall} s"
python3 -c "print(f'ratio:      {$peak * 1024 / $size:.1f}x the file size')"
