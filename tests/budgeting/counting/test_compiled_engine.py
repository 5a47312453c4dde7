"""The compiled engine as the platform meets it: imported lazily, compiled on a cold cache,
and replaced by the exact engine when numba is missing. Each case runs in a fresh Python."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from budgeting.counting import fast, parse, tally

REPO = Path(__file__).resolve().parents[3]
ASSEN = Path(__file__).parent / "data" / "Netherlands_Assen_2024.pb"

COUNT = f"""
import json, sys
from budgeting.counting import parse, tally
imported = sys.modules.get("numba") is not None
outcome = tally(parse({str(ASSEN)!r}), "mes-add1")
used = sys.modules.get("numba") is not None
print(json.dumps({{"numba_on_import": imported, "winners": outcome.winners,
                  "counting": outcome.counting, "numba_used": used}}))
"""


def count_in_new_python(prelude: str = "", **env) -> dict:
    done = subprocess.run(  # noqa: S603 - this interpreter, with the script above
        [sys.executable, "-c", prelude + COUNT],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout.splitlines()[-1])


def expected_winners() -> list[str]:
    return tally(parse(ASSEN), "mes-add1").winners


@pytest.mark.skipif(not fast.AVAILABLE, reason="numba is not installed")
def test_a_tally_on_a_cold_cache_compiles_the_engine_and_counts(tmp_path):
    result = count_in_new_python(NUMBA_CACHE_DIR=str(tmp_path))
    assert result["numba_on_import"] is False  # importing the rules does not load numba
    assert result["numba_used"] is True
    assert result["counting"]["compiled_runs"] > 0
    assert result["winners"] == expected_winners()
    assert any(tmp_path.rglob("*.nbi"))  # compiled once, kept for the next processes


def test_without_numba_add1_counts_exactly():
    result = count_in_new_python("import sys; sys.modules['numba'] = None\n")
    assert result["numba_used"] is False
    assert "compiled_runs" not in result["counting"]
    assert result["counting"]["exact_runs"] > 0
    assert result["winners"] == expected_winners()
