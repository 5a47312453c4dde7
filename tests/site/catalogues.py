"""Compiled translations for tests that look at translated pages."""

import json
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils.translation import trans_real


def catalogues() -> list[Path]:
    """Every catalogue (django.po, djangojs.po) below the project's locale folders."""
    return sorted(
        p for folder in settings.LOCALE_PATHS for p in Path(folder).glob("*/LC_MESSAGES/*.po")
    )


def stale(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def ensure_compiled() -> str:
    """Compile out-of-date catalogues (CI compiles them first); return why not, or ""."""
    pos = catalogues()
    if not pos:
        return "no gettext catalogues in LOCALE_PATHS"
    if any(stale(po) for po in pos):
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            return "gettext (msgfmt) is not installed, so the catalogues cannot be compiled"
        for po in filter(stale, pos):
            # What compilemessages runs, without its walk through the whole working directory.
            subprocess.run(  # noqa: S603 (fixed program, our own files)
                [msgfmt, "--check-format", "-o", str(po.with_suffix(".mo")), str(po)],
                check=True,
                capture_output=True,
            )
        # Translations loaded before compiling would otherwise stay in English.
        # As Django's own handler for a changed LOCALE_PATHS does.
        trans_real._translations = {}
        trans_real._default = None
        trans_real.translation_catalog_exists.cache_clear()
    return ""


def _unquote(line: str) -> str:
    return json.loads(line.strip())


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts of msgctxt/msgid/msgid_plural/msgstr[n] plus "flags"."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.strip("\n").splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                entry[key] += _unquote(line)
            else:
                key, value = line.split(" ", 1)
                entry[key] = _unquote(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries
