#!/usr/bin/env bash
# Import speed and peak memory of a 1M-triangle mesh (issue #19 item 6: "a 1M-triangle OBJ loads in
# ≤ 1.5 s with peak memory ≤ 10× its file size"), in OBJ, binary PLY, ASCII PLY and binary STL,
# and f3d on the same OBJ side by side.
#
# The mesh is written here, into a temporary folder (never committed): the generated adult-male
# model's whole OBJ (skin, muscles, bones, structures: 165k triangles), every triangle split in four
# at its edges' midpoints, then the first ones split again until there are 1,000,000 or more. Each
# file gets a manifest ([skin] group = "*", the model's landmarks) and is loaded by `injmap model` under /usr/bin/time -v
# with the model cache off (every run parses the file): wall time, user+sys CPU, peak RSS. f3d
# 1.3.1 is timed on the same files: `--no-render` (read the file and print its description) and a
# 1280×800 PNG (under an Xvfb server of the script's own when there is no display).
#
#   [KEEP_FILES=1] bench/mesh_import.sh [RUNS] [INJMAP] [MODEL_OBJ]
#     RUNS       runs per file, the median is printed (default 3)
#     INJMAP     default build/release/bin/injmap
#     MODEL_OBJ  default build/release/share/injmap/models/adult-male.obj
#
# Speed and memory are measured here, never asserted in tests. Needs python3 and /usr/bin/time.
set -euo pipefail
runs=${1:-3}
injmap=${2:-build/release/bin/injmap}
model_obj=${3:-build/release/share/injmap/models/adult-male.obj}
work=$(mktemp -d "${TMPDIR:-/tmp}/injmap-mesh-import.XXXXXX")
if [ -n "${KEEP_FILES:-}" ]; then
  echo "files kept in $work" >&2 # KEEP_FILES=1: for profiling (perf record injmap model ...)
else
  trap 'rm -rf "$work"' EXIT
fi

python3 - "$model_obj" "$work" <<'PY'
import array, struct, sys
src, out = sys.argv[1], sys.argv[2]
pos, tris = [], []
for line in open(src):
    if line.startswith('v '):
        x, y, z = line.split()[1:4]
        pos.append((float(x), float(y), float(z)))
    elif line.startswith('f '):
        c = [int(t.split('/')[0]) for t in line.split()[1:]]
        c = [i - 1 if i > 0 else len(pos) + i for i in c]
        for k in range(1, len(c) - 1):
            tris.append((c[0], c[k], c[k + 1]))
mid = {}
def midpoint(a, b):
    key = (a, b) if a < b else (b, a)
    m = mid.get(key)
    if m is None:
        pa, pb = pos[a], pos[b]
        pos.append(((pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2, (pa[2] + pb[2]) / 2))
        m = mid[key] = len(pos) - 1
    return m
def split(t):
    a, b, c = t
    ab, bc, ca = midpoint(a, b), midpoint(b, c), midpoint(c, a)
    return [(a, ab, ca), (ab, b, bc), (ca, bc, c), (ab, bc, ca)]
target = 1_000_000
level = []
for t in tris:
    level.extend(split(t))
extra = max(0, -(-(target - len(level)) // 3))
tris = [s for t in level[:extra] for s in split(t)] + level[extra:]
# drop vertices no triangle uses
used = sorted({i for t in tris for i in t})
remap = {old: new for new, old in enumerate(used)}
pos = [pos[i] for i in used]
tris = [(remap[a], remap[b], remap[c]) for a, b, c in tris]
with open(f'{out}/mesh.obj', 'w') as f:
    f.write('# the generated adult-male model, subdivided (injmap bench/mesh_import.sh)\ng skin\n')
    f.write(''.join('v %.5f %.5f %.5f\n' % p for p in pos))
    f.write(''.join('f %d %d %d\n' % (a + 1, b + 1, c + 1) for a, b, c in tris))
def ply_header(fmt):
    return (f'ply\nformat {fmt} 1.0\nelement vertex {len(pos)}\nproperty float x\n'
            f'property float y\nproperty float z\nelement face {len(tris)}\n'
            'property list uchar int vertex_indices\nend_header\n').encode()
with open(f'{out}/mesh.ply', 'wb') as f:
    f.write(ply_header('binary_little_endian'))
    f.write(array.array('f', [c for p in pos for c in p]).tobytes())
    f.write(b''.join(struct.pack('<Biii', 3, a, b, c) for a, b, c in tris))
with open(f'{out}/mesh-ascii.ply', 'w') as f:
    f.write(ply_header('ascii').decode())
    f.write(''.join('%.5f %.5f %.5f\n' % p for p in pos))
    f.write(''.join('3 %d %d %d\n' % t for t in tris))
with open(f'{out}/mesh.stl', 'wb') as f:
    f.write(b'injmap bench: the generated adult-male model, subdivided'.ljust(80, b' '))
    f.write(struct.pack('<I', len(tris)))
    f.write(b''.join(struct.pack('<12fH', 0, 0, 0, *pos[a], *pos[b], *pos[c], 0)
                     for a, b, c in tris))
print(f'{len(tris)} triangles, {len(pos)} vertices', file=sys.stderr)
PY

for file in mesh.obj mesh.ply mesh-ascii.ply mesh.stl; do
  cat >"$work/${file//./-}.toml" <<TOML
schema_version = 1
id = "bench"
name = "Subdivided model (import bench)"
[mesh]
file = "$file"
units = "mm"
[skin]
group = "*"
TOML
  # The model's own landmarks: the subdivided surface is the same surface, so they snap as they
  # do on the model, and the load does everything a real import does (snapping, skin paint,
  # regions, measurements).
  sed -n '/^\[landmarks\]/,$p' "${model_obj%.obj}.toml" >>"$work/${file//./-}.toml"
done

# median of the runs' values (one per line)
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure NAME CMD...: RUNS runs under /usr/bin/time -v; prints the medians.
measure() {
  local name=$1
  shift
  local walls=() cpus=() rsss=() status
  for _ in $(seq "$runs"); do
    status=0
    INJMAP_NO_MODEL_CACHE=1 /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || status=$?
    [ "$status" -eq 0 ] || { echo "$name: exit $status" >&2; tail -5 "$work/time.txt" >&2; }
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")")
    cpus+=("$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$work/time.txt")")
    rsss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")")
  done
  local wall cpu rss
  wall=$(printf '%s\n' "${walls[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  rss=$(printf '%s\n' "${rsss[@]}" | median)
  printf '%-34s wall %6.2f s   cpu %6.2f s   peak RSS %5d MB   (runs: %s)\n' \
    "$name" "$wall" "$cpu" $((rss / 1024)) "${walls[*]}"
}

echo "files:"
for file in mesh.obj mesh.ply mesh-ascii.ply mesh.stl; do
  printf '  %-16s %6.1f MB\n' "$file" "$(stat -c %s "$work/$file" | awk '{ print $1 / 1048576 }')"
done
"$injmap" model "$work/mesh-obj.toml" >/dev/null # warm the page cache and check it loads
measure "injmap model mesh.obj" "$injmap" model "$work/mesh-obj.toml"
measure "injmap model mesh.ply (binary LE)" "$injmap" model "$work/mesh-ply.toml"
measure "injmap model mesh-ascii.ply" "$injmap" model "$work/mesh-ascii-ply.toml"
measure "injmap model mesh.stl (binary)" "$injmap" model "$work/mesh-stl.toml"
if command -v f3d >/dev/null; then
  # f3d draws through X: without a display, an Xvfb server of our own for the whole series (its
  # start-up is not timed).
  xvfb_pid=
  if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null; then
    display=:$((200 + $$ % 500))
    Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    export DISPLAY=$display
    sleep 2
  fi
  for file in mesh.obj mesh.ply mesh.stl; do
    measure "f3d --no-render $file" f3d --dry-run --no-render "$work/$file"
  done
  measure "f3d PNG 1280x800 mesh.obj" f3d --dry-run --quiet --output="$work/f3d.png" \
    --resolution=1280,800 "$work/mesh.obj"
  measure "f3d PNG 1280x800 mesh.ply" f3d --dry-run --quiet --output="$work/f3d.png" \
    --resolution=1280,800 "$work/mesh.ply"
  measure "f3d PNG 1280x800 mesh.stl" f3d --dry-run --quiet --output="$work/f3d.png" \
    --resolution=1280,800 "$work/mesh.stl"
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid"; fi
fi
