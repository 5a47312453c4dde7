# Shared helpers for bin/demo and bin/test (sourced, not run).
#
# Everything here is idempotent: a second run reuses the virtual environment and skips
# installs whose inputs (pyproject.toml, the extras asked for) have not changed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CIVITAS_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1

header() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo when it works without a
# password prompt (or when a terminal can answer one); fail otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
        sudo "$@"
    else
        return 1
    fi
}

can_be_root() {
    [ "$(id -u)" -eq 0 ] && return 0
    command -v sudo >/dev/null 2>&1 || return 1
    sudo -n true 2>/dev/null || [ -t 0 ]
}

APT_UPDATED=""
# apt_install PACKAGE... — install Debian packages (apt-get update once per run).
apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    can_be_root || return 1
    if [ -z "$APT_UPDATED" ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Find a Python 3.11 interpreter (pyproject.toml asks for >=3.11,<3.12).
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    if [ -x "$PY" ] && "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        note "reusing virtual environment ${VENV#"$ROOT"/}"
        return 0
    fi
    local python
    python="$(find_python)" || die "Python 3.11 is needed (set PYTHON=/path/to/python3.11)."
    if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
        note "the venv module is missing; installing python3-venv"
        apt_install python3-venv python3.11-venv \
            || die "Install python3-venv (Debian/Ubuntu) or a Python 3.11 with venv, then re-run."
    fi
    note "creating virtual environment with $python"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$PY" -m pip install --quiet --upgrade pip
}

# pip_install_project EXTRAS — `pip install -e .[EXTRAS]` unless it was done for this
# pyproject.toml already.
pip_install_project() {
    local extras="$1" spec="." stamp want
    [ -n "$extras" ] && spec=".[$extras]"
    stamp="$VENV/.civitas-installed${extras:+-$extras}"
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        note "dependencies up to date (pip install -e '$spec' already done)"
        return 0
    fi
    note "pip install -e '$spec' (a few minutes the first time)"
    local log
    log="$(mktemp)"
    if ! (cd "$ROOT" && "$PY" -m pip install -e "$spec") >"$log" 2>&1; then
        tail -n 40 "$log"
        rm -f "$log"
        die "pip install -e '$spec' failed (last lines above)"
    fi
    rm -f "$log"
    echo "$want" >"$stamp"
    # The full install covers the plain one too.
    [ -n "$extras" ] && echo "$want" >"$VENV/.civitas-installed"
    return 0
}

ensure_gettext() {
    command -v msgfmt >/dev/null 2>&1 && return 0
    note "msgfmt is missing; installing gettext"
    apt_install gettext && command -v msgfmt >/dev/null 2>&1
}

manage() { (cd "$ROOT" && "$PY" manage.py "$@"); }

# Compile the gettext catalogues (.po -> .mo); the .mo files are not kept in git.
compile_messages() {
    if [ -z "$(find "$ROOT" -path "$ROOT/.venv" -prune -o -path "$VENV" -prune \
        -o -type f -path '*/locale/*/LC_MESSAGES/*.po' -print -quit)" ]; then
        note "no translation catalogues yet; nothing to compile"
        return 0
    fi
    if ! ensure_gettext; then
        note "WARNING: gettext (msgfmt) is not installed and cannot be installed without root;"
        note "the interface stays in English until you install gettext and re-run."
        return 0
    fi
    manage compilemessages --ignore=.venv --ignore="$(basename "$VENV")" -v 0
    note "catalogues compiled"
}
