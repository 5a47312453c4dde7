"""Real elections through the platform: import_pabulib, tally_round and export_pabulib on the
pabulib files kept beside the project (../shared/data/pabulib), compared with pabutools'
recorded outcomes and with the official results. Skipped when the files are absent."""

import json
from pathlib import Path

import pytest

from budgeting.counting import parse

from .test_commands import import_file, run

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
OUTCOMES = SHARED / "pabutools-outcomes.json"
SMALL = (
    "Netherlands_Assen_2024.pb",
    "Poland_Swiecie_2023.pb",
    "France_Toulouse_2019.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
)
RULES = {
    "greedy": "greedy_cost",
    "greedy-per-cost": "greedy_card",
    "mes": "mes_cost",
    "mes-add1": "mes_cost_add1",
    "mes-add1-greedy": "mes_cost_add1_greedy",
    "mes-add1-max": "mes_cost_add1_until_overspend",
}
OFFICIAL = {
    "Netherlands_Assen_2024.pb": "mes-add1",
    "Poland_Swiecie_2023.pb": "mes-add1",
    "Poland_Wieliczka_2023_Green_Budget.pb": "mes-add1-max",
}

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not OUTCOMES.exists(), reason="../shared/data/pabulib is not here"),
]


def supported(instance) -> set[str]:
    return {choice for ballot in instance.ballots for choice in ballot.choices}


@pytest.mark.parametrize("name", SMALL)
def test_platform_counts_equal_pabutools_and_the_official_result(home_page, name):
    instance = parse(SHARED / name)
    expected = json.loads(OUTCOMES.read_text())[name]
    slug = import_file(SHARED / name)
    with_votes = supported(instance)
    for rule, key in RULES.items():
        if key not in expected:
            continue
        result = json.loads(run("tally_round", slug, "--rule", rule, "--json"))
        # Projects nobody voted for are never funded (pabutools funds them with money left).
        assert sorted(result["winners"]) == sorted(p for p in expected[key] if p in with_votes), (
            name,
            rule,
        )
        assert result["spent"] == sum(instance.projects[p].cost for p in result["winners"])
    if name in OFFICIAL and "official_selected" in expected:
        result = json.loads(run("tally_round", slug, "--rule", OFFICIAL[name], "--json"))
        assert sorted(result["winners"]) == sorted(expected["official_selected"])


@pytest.mark.parametrize("name", SMALL)
def test_import_export_keeps_every_project_ballot_and_budget(home_page, name, tmp_path):
    original = parse(SHARED / name)
    slug = import_file(SHARED / name)
    target = tmp_path / "out.pb"
    run("export_pabulib", slug, "--output", str(target))
    exported = parse(target)
    assert exported.budget == original.budget
    assert {(p.id, p.cost) for p in exported.projects.values()} == {
        (p.id, p.cost) for p in original.projects.values()
    }
    key = lambda b: (b.choices, b.points)  # noqa: E731
    assert sorted(map(key, exported.ballots)) == sorted(map(key, original.ballots))
