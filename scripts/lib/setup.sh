# Shared by scripts/run and scripts/test: install what is missing, then configure and build a preset.
# Sourced, not run. Idempotent: with everything installed and built, it costs a ninja no-op.

INJMAP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian 12 packages the build, the tests and the headless renders need (see docs/architecture.md).
INJMAP_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libimgui-dev libglfw3-dev python3-glad python3-jinja2 libtinyobjloader-dev libtomlplusplus-dev
  libglm-dev libstb-dev libgtest-dev nlohmann-json3-dev libmeshoptimizer-dev
  libegl-dev libegl-mesa0 libgl1-mesa-dri libgl1
  libcairo2-dev libfreetype-dev zlib1g-dev nettle-dev libsqlite3-dev
  python3-numpy python3-scipy
  postgresql
  xvfb xauth fonts-dejavu-core fontconfig poppler-utils
)

injmap_install_missing() {
  local missing=()
  local pkg
  for pkg in "${INJMAP_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "injmap: installing ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "injmap: need root or sudo to install: ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# injmap_build PRESET [targets...]
injmap_build() {
  local preset=$1
  shift
  cd "$INJMAP_ROOT" || return 1
  if [ ! -f "build/$preset/build.ninja" ]; then
    cmake --preset "$preset" >/dev/null || return 1
  fi
  cmake --build --preset "$preset" -- "$@"
}
