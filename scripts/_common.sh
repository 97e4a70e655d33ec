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

# ensure_venv EXTRAS: create .venv once; reinstall only when setup.cfg changed.
ensure_venv() {
  local extras="$1" stamp=".venv/.stamp-install${1:+-$1}"
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$(find_python)" -m venv .venv || return 1
    .venv/bin/python -m pip install --quiet --upgrade pip || return 1
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
