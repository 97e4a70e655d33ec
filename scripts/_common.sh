# Shared by scripts/run and scripts/test: a .venv with pbflow installed, compiled catalogues.
# shellcheck shell=bash

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "pbflow needs Python 3.11 or newer" >&2
  return 1
}

as_root() {
  if [ "$(id -u)" = "0" ]; then "$@"; else sudo "$@"; fi
}

# Debian's python3 has no venv/ensurepip until python3-venv is installed.
ensure_venv_module() {
  local python="$1"
  "$python" -c 'import ensurepip, venv' 2>/dev/null && return 0
  echo "==> installing Debian's python3-venv"
  local version; version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  as_root apt-get update -qq &&
    { DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "python${version}-venv" ||
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv; }
}

# ensure_venv EXTRAS: create .venv once (again if a previous attempt left it broken);
# reinstall only when setup.cfg or pyproject.toml changed.
ensure_venv() {
  local extras="$1" stamp=".venv/.stamp-install${1:+-$1}" python
  if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    python="$(find_python)" || return 1
    ensure_venv_module "$python" || return 1
    echo "==> creating .venv"
    rm -rf .venv
    "$python" -m venv .venv && .venv/bin/python -m pip install --quiet --upgrade pip || { rm -rf .venv; return 1; }
  fi
  if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "==> installing pbflow${extras:+ with [$extras]}"
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}" || return 1
    touch "$stamp"
  fi
}

compile_translations() {
  .venv/bin/pybabel compile --use-fuzzy -d pbflow/translations >/dev/null 2>&1 ||
    .venv/bin/pybabel compile -d pbflow/translations
}
