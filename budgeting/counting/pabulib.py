"""Read and write the pabulib `.pb` format (META, PROJECTS and VOTES sections, `;`-separated).

Reads what pabutools reads (CSV quoting, a leading BOM, CRLF or LF line ends, "none" as an empty
value) and writes text that pabutools parses back to the same election.
"""

import csv
import io
import os
from collections.abc import Iterable

from budgeting.counting.instance import (
    VOTE_TYPES,
    Ballot,
    Instance,
    Project,
    no_cycle_collection,
    whole_number,
)

SECTIONS = ("meta", "projects", "votes")
SECTION_INITIALS = frozenset("mpvMPV \t")
PROJECT_FIELDS = {"project_id", "cost", "name", "category", "categories", "target", "targets"}
BALLOT_FIELDS = {"voter_id", "vote", "points"}


class PabulibError(ValueError):
    """A pabulib file that cannot be read; `line` is the 1-based line number, or None."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def _read_text(source) -> str:
    # A pabulib text has many lines, so a one-line string is a path.
    is_path = isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and "\r" not in source
    )
    if is_path:
        with open(source, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    if isinstance(source, bytes):
        return source.decode("utf-8-sig")
    if isinstance(source, str):
        return source
    text = source.read()
    return text.decode("utf-8-sig") if isinstance(text, bytes) else text


def _value(cell: str) -> str | None:
    """A cell's text, stripped; None when empty or "none" (pabulib's missing value)."""
    cell = cell.strip()
    if not cell or (cell[0] in "nN" and cell.lower() == "none"):
        return None
    return cell


def parse(source) -> Instance:
    """Read a pabulib election from a path, its text, or a file object; raise PabulibError."""
    with no_cycle_collection():
        return _parse(source)


def _parse(source) -> Instance:
    try:
        text = _read_text(source)
    except UnicodeDecodeError as exc:
        raise PabulibError(f"the file is not UTF-8 text ({exc.reason})") from None
    text = text.removeprefix("\ufeff")
    meta: dict[str, str] = {}
    projects: dict[str, Project] = {}
    ballots: list[Ballot] = []
    reader = csv.reader(text.splitlines(), delimiter=";")
    section = None
    header: list[str] = []
    seen: set[str] = set()
    vote_type = None
    ballot_rows = None
    pending = None  # a section row met by the ballot loop
    try:
        while True:
            row, pending = (pending, None) if pending is not None else (next(reader, None), None)
            if row is None:
                break
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            first = row[0].strip().lower()
            if first in SECTIONS and len(row) == 1 or (first in SECTIONS and not any(row[1:])):
                section = first
                if section in seen:
                    raise PabulibError(f"the {first.upper()} section appears twice", line)
                seen.add(section)
                header = [h.strip() for h in next(reader, [])]
                line = reader.line_num
                if section == "projects":
                    _require(header, ("project_id", "cost"), "PROJECTS", line)
                elif section == "votes":
                    if "meta" not in seen:
                        raise PabulibError("VOTES comes before META", line)
                    _require(header, ("vote",), "VOTES", line)
                    vote_type = (meta.get("vote_type") or "approval").lower()
                    if vote_type not in VOTE_TYPES:
                        raise PabulibError(f"unknown vote_type {vote_type!r}", line)
                    if vote_type in ("cumulative", "scoring") and "points" not in header:
                        raise PabulibError(f"{vote_type} votes need a points column", line)
                    ballot_rows = _BallotRows(header, projects, vote_type, ballots)
                continue
            if section is None:
                raise PabulibError("the file must start with a META section", line)
            if section == "meta":
                if len(row) < 2:
                    raise PabulibError("a META row needs a key and a value", line)
                meta[row[0].strip()] = ";".join(row[1:]).strip()
            elif section == "projects":
                project = _project(header, row, line)
                if project.id in projects:
                    raise PabulibError(f"project {project.id!r} appears twice", line)
                projects[project.id] = project
            else:
                ballot_rows.add(row, line)
                # The rest of the section in a tight loop, until another section starts.
                pending = ballot_rows.read(reader)
    except csv.Error as exc:
        raise PabulibError(f"bad CSV: {exc}", reader.line_num) from None
    for name in SECTIONS:
        if name not in seen:
            raise PabulibError(f"the file has no {name.upper()} section")
    instance = Instance(meta=meta, projects=projects, ballots=ballots)
    try:
        instance.budget  # noqa: B018 - validate once here rather than at counting time
    except ValueError as exc:
        raise PabulibError(f"META: {exc}") from None
    return instance


def _require(header: list[str], names: Iterable[str], section: str, line: int) -> None:
    missing = [name for name in names if name not in header]
    if missing:
        raise PabulibError(f"the {section} header lacks {', '.join(missing)}", line)


def _project(header: list[str], row: list[str], line: int) -> Project:
    if len(row) > len(header):
        raise PabulibError(f"{len(row)} values for {len(header)} columns", line)
    values = {key: _value(cell) for key, cell in zip(header, row, strict=False)}
    project_id = values.get("project_id")
    if not project_id:
        raise PabulibError("a project has no project_id", line)
    if not values.get("cost"):
        raise PabulibError(f"project {project_id!r} has no cost", line)
    try:
        cost = whole_number(values["cost"], f"the cost of project {project_id!r}")
    except ValueError as exc:
        raise PabulibError(str(exc), line) from None
    if cost < 0:
        raise PabulibError(f"project {project_id!r} has a negative cost", line)
    return Project(
        id=project_id,
        cost=cost,
        name=values.get("name") or "",
        category=values.get("category") or values.get("categories") or "",
        target=values.get("target") or values.get("targets") or "",
        extra={
            key: value
            for key, value in values.items()
            if key not in PROJECT_FIELDS and value is not None
        },
    )


class _Cells(dict):
    """Cell text -> its value (see _value); ballot files repeat the same few texts."""

    def __missing__(self, cell):
        value = self[cell] = _value(cell)
        return value


class _BallotRows:
    """Reads VOTES rows into Ballots: the hot loop of parsing (a big city has 100,000s)."""

    def __init__(self, header, projects, vote_type, ballots):
        self.ids = frozenset(projects)
        self.vote_type = vote_type
        self.ballots = ballots
        self.vote_col = header.index("vote")
        self.voter_col = header.index("voter_id") if "voter_id" in header else None
        self.points_col = header.index("points") if "points" in header else None
        self.extra_cols = [(i, h) for i, h in enumerate(header) if h not in BALLOT_FIELDS]
        self.width = len(header)
        self.cells = _Cells()
        self.choices: dict[str, tuple[str, ...]] = {}  # vote cell -> checked choices

    def _choices(self, cell: str, line: int) -> tuple[str, ...]:
        choices = tuple(cell.split(","))
        if not self.ids.issuperset(choices):  # spaces, empty items, "none" or unknown ids
            vote = _value(cell)
            choices = tuple(filter(None, map(str.strip, vote.split(",")))) if vote else ()
            if not self.ids.issuperset(choices):
                unknown = next(c for c in choices if c not in self.ids)
                raise PabulibError(f"the vote names an unknown project {unknown!r}", line)
        if self.vote_type == "choose-1" and len(choices) > 1:
            raise PabulibError("a choose-1 vote names more than one project", line)
        self.choices[cell] = choices
        return choices

    def _points(self, row, width, choices, line):
        raw = _value(row[self.points_col]) if self.points_col < width else None
        cells = list(filter(None, map(str.strip, raw.split(",")))) if raw else []
        if len(cells) != len(choices):
            raise PabulibError(f"{len(choices)} projects but {len(cells)} points in the vote", line)
        try:
            return tuple(whole_number(c, "points") for c in cells)
        except ValueError as exc:
            raise PabulibError(str(exc), line) from None

    def read(self, reader) -> list[str] | None:
        """Add every row of `reader` up to the next section; return that section's row."""
        add = self.add
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            first = row[0]
            if (
                first[:1] in SECTION_INITIALS
                and first.strip().lower() in SECTIONS
                and (len(row) == 1 or not any(row[1:]))
            ):
                return row
            add(row, reader.line_num)
        return None

    def add(self, row: list[str], line: int) -> None:
        width = len(row)
        cell = row[self.vote_col] if self.vote_col < width else ""
        choices = self.choices.get(cell)
        if choices is None:
            choices = self._choices(cell, line)
        points = None
        if self.points_col is not None and self.vote_type in ("cumulative", "scoring"):
            points = self._points(row, width, choices, line)
        voter_col = self.voter_col
        voter_id = _value(row[voter_col]) if voter_col is not None and voter_col < width else None
        cells = self.cells
        extra = {}
        for i, key in self.extra_cols:
            if i < width:
                value = cells[row[i]]
                if value is not None:
                    extra[key] = value
        ballot = object.__new__(Ballot)
        # Frozen dataclass: fill the fields directly, as its __init__ would, at a fraction of
        # the cost.
        ballot.__dict__.update(
            voter_id=voter_id or str(len(self.ballots) + 1),
            choices=choices,
            points=points,
            extra=extra,
        )
        self.ballots.append(ballot)


def _cell(value) -> str:
    # pabutools reads a file line by line, so a value must not span lines.
    if value is None:
        return ""
    return str(value).replace("\r\n", " ").replace("\r", " ").replace("\n", " ").strip()


def _columns(rows: Iterable[dict]) -> list[str]:
    keys: dict[str, None] = {}
    for extra in rows:
        keys.update(dict.fromkeys(extra))
    return list(keys)


def write(instance: Instance, fp) -> None:
    """Write `instance` as pabulib text to the text file `fp`; parse() reads it back equal."""
    out = csv.writer(fp, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    out.writerow(["META"])
    out.writerow(["key", "value"])
    for key, value in instance.meta.items():
        out.writerow([_cell(key), _cell(value)])

    projects = list(instance.projects.values())
    optional = [
        name for name in ("name", "category", "target") if any(getattr(p, name) for p in projects)
    ]
    extra_keys = [k for k in _columns(p.extra for p in projects) if k not in PROJECT_FIELDS]
    out.writerow(["PROJECTS"])
    out.writerow(["project_id", "cost", *optional, *extra_keys])
    for p in projects:
        out.writerow(
            [
                _cell(p.id),
                p.cost,
                *(_cell(getattr(p, name)) for name in optional),
                *(_cell(p.extra.get(k, "")) for k in extra_keys),
            ]
        )

    cumulative = instance.vote_type in ("cumulative", "scoring")
    extra_keys = [k for k in _columns(b.extra for b in instance.ballots) if k not in BALLOT_FIELDS]
    out.writerow(["VOTES"])
    out.writerow(["voter_id", "vote", *(["points"] if cumulative else []), *extra_keys])
    for b in instance.ballots:
        row = [_cell(b.voter_id), ",".join(b.choices)]
        if cumulative:
            row.append(",".join(str(p) for p in (b.points or ())))
        row.extend(_cell(b.extra.get(k, "")) for k in extra_keys)
        out.writerow(row)


def dumps(instance: Instance) -> str:
    """The pabulib text of `instance`."""
    buffer = io.StringIO()
    write(instance, buffer)
    return buffer.getvalue()
