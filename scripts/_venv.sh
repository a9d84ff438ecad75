# Shared by scripts/serve and scripts/test: make .venv (Python 3.11+) and install a requirements file.
# Sourced, not run.

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "== Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
ensure_requirements() {
  # Reinstall only when the requirements file changed since the last install.
  local file=$1 stamp=".venv/.installed-$(basename "$1")"
  if [ ! -f "$stamp" ] || ! cmp -s "$file" "$stamp" || { [ "$file" = requirements-dev.txt ] && ! cmp -s requirements.txt .venv/.installed-requirements.txt; }; then
    echo "== Installing $file"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$file"
    cp "$file" "$stamp"
    [ "$file" = requirements-dev.txt ] && cp requirements.txt .venv/.installed-requirements.txt
  fi
  return 0
}
