"""The management commands other tools rely on: import_pabulib, tally_round, export_pabulib."""

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from budgeting.counting import parse
from budgeting.models import Ballot, BudgetRoundPage, Proposal

DATA = Path(__file__).parent / "data"
COUNTING_DATA = Path(__file__).parent / "counting" / "data"


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def import_file(path, *extra) -> str:
    return run("import_pabulib", str(path), *extra).strip().splitlines()[-1]


def ballots_of(instance):
    return Counter((b.choices, b.points, tuple(sorted(b.extra.items()))) for b in instance.ballots)


@pytest.mark.django_db
def test_import_prints_slug_and_creates_a_closed_round(home_page):
    slug = import_file(DATA / "tiny_approval.pb", "--slug", "tiny")
    assert slug == "tiny"
    round_page = BudgetRoundPage.objects.get(slug="tiny")
    assert round_page.total_budget == 100
    assert not round_page.allows("vote")
    assert round_page.pabulib_meta["min_project_score_threshold"] == "2"
    assert set(
        Proposal.objects.filter(process=round_page).values_list("pabulib_id", flat=True)
    ) == {"p1", "p2", "p3", "p4"}
    assert Ballot.objects.filter(round=round_page).count() == 6


@pytest.mark.django_db
def test_import_then_export_keeps_projects_ballots_and_budget(home_page, tmp_path):
    for name in ("tiny_approval.pb", "tiny_cumulative.pb"):
        original = parse(DATA / name)
        slug = import_file(DATA / name)
        target = tmp_path / f"{slug}.pb"
        run("export_pabulib", slug, "--output", str(target))
        exported = parse(target)
        assert exported.budget == original.budget
        assert exported.vote_type == original.vote_type
        assert {(p.id, p.cost, p.name, p.category) for p in exported.projects.values()} == {
            (p.id, p.cost, p.name, p.category) for p in original.projects.values()
        }
        assert ballots_of(exported) == ballots_of(original)
        # Anonymised: none of the original voter ids is kept.
        assert not {b.voter_id for b in exported.ballots} & {"a", "b", "c"} - {"1", "2", "3"}


@pytest.mark.django_db
def test_export_to_stdout_is_pabulib(home_page):
    slug = import_file(DATA / "tiny_approval.pb")
    text = run("export_pabulib", slug)
    assert text.startswith("META")
    assert len(parse(text).ballots) == 6


@pytest.mark.django_db
def test_slug_taken_or_bad_file_is_refused(home_page, tmp_path):
    import_file(DATA / "tiny_approval.pb", "--slug", "tiny")
    with pytest.raises(CommandError):
        import_file(DATA / "tiny_approval.pb", "--slug", "tiny")
    # Without --slug a free one is chosen.
    assert import_file(DATA / "tiny_approval.pb") != "tiny"
    broken = tmp_path / "broken.pb"
    broken.write_text("PROJECTS\nproject_id;cost\n")
    with pytest.raises(CommandError):
        import_file(broken)
    with pytest.raises(CommandError):
        run("tally_round", "no-such-round", "--rule", "greedy", "--json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "winners", "spent"),
    [
        ("greedy", ["p1", "p3"], 100),  # p2 (50) does not fit after p1; p3 (40) does
        ("greedy-no-skip", ["p1"], 60),  # stops at the first project that does not fit
    ],
)
def test_tally_round_prints_one_json_object(home_page, rule, winners, spent):
    slug = import_file(DATA / "tiny_approval.pb")
    output = run("tally_round", slug, "--rule", rule, "--json").strip()
    assert json.loads(output) == {"winners": winners, "spent": spent}


@pytest.mark.django_db
def test_tally_round_threshold_comes_from_the_file(home_page):
    slug = import_file(DATA / "tiny_approval.pb")
    result = json.loads(run("tally_round", slug, "--rule", "greedy-threshold", "--json"))
    # Threshold 2: p1 (4 votes) funded, p2 (3) does not fit, p3 (2 votes) reaches it and fits.
    assert result == {"winners": ["p1", "p3"], "spent": 100}


@pytest.mark.django_db
@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "mes-add1-greedy"])
def test_tally_round_agrees_with_the_engine_on_the_file(home_page, rule):
    from budgeting.counting import tally

    path = DATA / "tiny_approval.pb"
    slug = import_file(path)
    expected = tally(parse(path), rule)
    result = json.loads(run("tally_round", slug, "--rule", rule, "--json"))
    assert result == {"winners": list(expected.winners), "spent": expected.spent}


@pytest.mark.django_db
def test_round_trip_of_the_engine_sample_files(home_page, tmp_path):
    files = sorted(COUNTING_DATA.glob("*.pb"))[:4] if COUNTING_DATA.exists() else []
    if not files:
        pytest.skip("the counting engine ships no sample files in this checkout")
    for path in files:
        original = parse(path)
        slug = import_file(path)
        target = tmp_path / f"{slug}.pb"
        run("export_pabulib", slug, "--output", str(target))
        exported = parse(target)
        assert exported.budget == original.budget
        assert set(exported.projects) == set(original.projects)
        assert ballots_of(exported) == ballots_of(original)
        for rule in ("greedy", "mes"):
            from budgeting.counting import tally

            result = json.loads(run("tally_round", slug, "--rule", rule, "--json"))
            assert result["winners"] == list(tally(original, rule).winners)
