"""The pabulib reader and writer: sections, quoting, vote types, errors with line numbers."""

import io
from pathlib import Path

import pytest

from budgeting.counting import Ballot, Instance, PabulibError, Project, parse, write
from budgeting.counting.pabulib import dumps
from tests.budgeting.counting.oracle import data_dir

DATA = Path(__file__).parent / "data"
BUNDLED = sorted(DATA.glob("*.pb"))
SHARED = sorted(data_dir().glob("*.pb")) if data_dir().is_dir() else []

SMALL = """META
key;value
description;"Test; with a semicolon"
num_projects;3
num_votes;3
budget;100
vote_type;approval
PROJECTS
project_id;cost;name;category;votes
p1;60;"A ""quoted"" name";"sport,culture";2
p2;50;Plain;;1
p3;40,0;None;none;0
VOTES
voter_id;vote;age
v1;p1,p2;34
v2;p1;none
v3;;51
"""


def same(a: Instance, b: Instance) -> bool:
    return (
        a.meta == b.meta
        and a.projects == b.projects
        and [p.extra for p in a.projects.values()] == [p.extra for p in b.projects.values()]
        and a.ballots == b.ballots
        and [x.extra for x in a.ballots] == [x.extra for x in b.ballots]
    )


def test_parse_reads_sections_quoting_and_none():
    election = parse(SMALL)
    assert election.meta["description"] == "Test; with a semicolon"
    assert election.budget == 100
    assert election.vote_type == "approval"
    assert list(election.projects) == ["p1", "p2", "p3"]
    p1 = election.projects["p1"]
    assert (p1.cost, p1.name, p1.category, p1.extra) == (
        60,
        'A "quoted" name',
        "sport,culture",
        {"votes": "2"},
    )
    assert election.projects["p3"] == Project(id="p3", cost=40)  # "none" is no value
    assert election.ballots == [
        Ballot("v1", ("p1", "p2")),
        Ballot("v2", ("p1",)),
        Ballot("v3", ()),
    ]
    assert election.ballots[0].extra == {"age": "34"}
    assert election.ballots[1].extra == {}


def test_parse_tolerates_bom_and_crlf_and_reads_paths_and_files(tmp_path):
    text = "\ufeff" + SMALL.replace("\n", "\r\n")
    path = tmp_path / "x.pb"
    path.write_bytes(text.encode("utf-8"))
    expected = parse(SMALL)
    assert same(parse(path), expected)
    assert same(parse(str(path)), expected)
    assert same(parse(text), expected)
    assert same(parse(io.StringIO(text)), expected)
    assert same(parse(io.BytesIO(text.encode("utf-8"))), expected)


def test_parse_ordinal_and_cumulative_ballots():
    ordinal = SMALL.replace("vote_type;approval", "vote_type;ordinal")
    assert parse(ordinal).ballots[0].choices == ("p1", "p2")
    cumulative = (
        SMALL.replace("vote_type;approval", "vote_type;cumulative")
        .replace("voter_id;vote;age", "voter_id;vote;points;age")
        .replace("v1;p1,p2;34", "v1;p1,p2;2,1;34")
        .replace("v2;p1;none", "v2;p1;3;none")
        .replace("v3;;51", "v3;;;51")
    )
    election = parse(cumulative)
    assert [b.points for b in election.ballots] == [(2, 1), (3,), ()]
    assert same(parse(dumps(election)), election)


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("v1;p1,p2;34", "v1;p1,p9;34"), 15, "unknown project 'p9'"),
        (("p2;50;Plain", "p2;fifty;Plain"), 11, "must be a number"),
        (("p2;50;Plain", "p2;50.5;Plain"), 11, "whole number"),
        (("p2;50;Plain", "p1;50;Plain"), 11, "appears twice"),
        (("vote_type;approval", "vote_type;secret"), 14, "unknown vote_type"),
        (("budget;100", "budget;lots"), None, "budget must be a number"),
        (("project_id;cost", "project;cost"), 9, "lacks project_id"),
        (("META\nkey;value\n", "key;value\n"), 1, "must start with a META section"),
    ],
)
def test_parse_errors_name_the_line(change, line, message):
    with pytest.raises(PabulibError) as caught:
        parse(SMALL.replace(*change))
    assert message in str(caught.value)
    assert caught.value.line == line
    if line:
        assert str(caught.value).startswith(f"line {line}:")


def test_parse_errors_for_missing_sections_and_points():
    with pytest.raises(PabulibError, match="no VOTES section"):
        parse(SMALL[: SMALL.index("VOTES")])
    cumulative = SMALL.replace("vote_type;approval", "vote_type;cumulative")
    with pytest.raises(PabulibError, match="need a points column"):
        parse(cumulative)
    bad_points = cumulative.replace("voter_id;vote;age", "voter_id;vote;points").replace(
        "v1;p1,p2;34", "v1;p1,p2;2"
    )
    with pytest.raises(PabulibError, match="2 projects but 1 points") as caught:
        parse(bad_points)
    assert caught.value.line == 15
    with pytest.raises(PabulibError, match="more than one project"):
        parse(SMALL.replace("vote_type;approval", "vote_type;choose-1"))
    with pytest.raises(PabulibError, match="not UTF-8"):
        parse(io.BytesIO("META\nkey;value\nname;Kraków\n".encode("latin-1")))


def test_write_quotes_what_needs_quoting_and_keeps_values_on_one_line():
    election = parse(SMALL)
    election.projects["p2"] = Project(id="p2", cost=50, name="Two\nlines; and more")
    text = dumps(election)
    assert 'p2;50;"Two lines; and more"' in text
    assert parse(text).projects["p2"].name == "Two lines; and more"


@pytest.mark.parametrize("path", BUNDLED + SHARED, ids=lambda p: p.name)
def test_real_files_round_trip(path):
    election = parse(path)
    assert len(election.projects) == int(election.meta["num_projects"])
    assert len(election.ballots) == int(election.meta["num_votes"])
    buffer = io.StringIO()
    write(election, buffer)
    assert same(parse(buffer.getvalue()), election)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_pabutools_reads_what_we_write(path, tmp_path):
    pabulib = pytest.importorskip("pabutools.election")
    election = parse(path)
    out = tmp_path / "out.pb"
    with out.open("w", encoding="utf-8") as fp:
        write(election, fp)
    instance, profile = pabulib.parse_pabulib(str(out))
    original, original_profile = pabulib.parse_pabulib(str(path))
    assert {p.name: p.cost for p in instance} == {p.name: p.cost for p in original}
    assert instance.budget_limit == original.budget_limit == election.budget
    assert len(profile) == len(original_profile) == len(election.ballots)

    def ballots(prof):
        return [sorted(str(p) for p in b) for b in prof]

    assert ballots(profile) == ballots(original_profile)


def test_parse_reads_repeated_and_spaced_votes_alike():
    text = SMALL.replace("v3;;51", "v3; p2 , p1 ;51\nv4;p1,p2;34\nv5;p1,p2;")
    election = parse(text)
    assert [b.choices for b in election.ballots] == [
        ("p1", "p2"),
        ("p1",),
        ("p2", "p1"),
        ("p1", "p2"),
        ("p1", "p2"),
    ]
    assert [b.extra for b in election.ballots[3:]] == [{"age": "34"}, {}]
    with pytest.raises(PabulibError, match="unknown project 'p9'") as caught:
        parse(text.replace("v5;p1,p2;", "v5; p9 ,p1;"))
    assert caught.value.line == 19


def test_parse_finds_a_section_after_the_votes_and_leaves_the_collector_as_it_was():
    import gc

    with pytest.raises(PabulibError, match="META section appears twice") as caught:
        parse(SMALL + "META\nkey;value\n")
    assert caught.value.line == 18
    assert gc.isenabled()
    gc.disable()
    try:
        parse(SMALL)
        assert not gc.isenabled()
    finally:
        gc.enable()
