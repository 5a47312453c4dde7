"""Services of the budgeting app: every change to a round, proposal, ballot or tally goes here.

Ballot rules are checked here, never only in the browser; one ballot per voter is settled by
the database (unique voter roll rows), and voting codes are claimed by one conditional UPDATE.
"""

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.core.images import clean_photo
from civitas.core.places import map_point
from civitas.core.text import normalise_text
from civitas.interactions.models import Follow
from civitas.notifications.services import notify
from civitas.participation.models import Channel, District, Phase, new_receipt_code
from civitas.participation.services import contribution_fields, create_contribution

from . import secrecy, signals
from .kinds import IMPLEMENTATION, PROPOSAL_REVIEWED
from .models import (
    Ballot,
    BallotType,
    BudgetRoundPage,
    Category,
    DistrictBudget,
    EligibleResident,
    ImplementationStatus,
    ImplementationUpdate,
    InPersonCheck,
    Milestone,
    PaperEntry,
    PaperEntryStatus,
    Proposal,
    ProposalStatus,
    Tally,
    TallyStatus,
    Verification,
    VoterRecord,
    VotingCode,
)

MAX_COST = 10**12
EDITABLE_FIELDS = (
    "title",
    "description",
    "estimated_cost",
    "district",
    "category",
    "location_text",
    "latitude",
    "longitude",
)


# --- proposals --------------------------------------------------------------------------------


def _whole(value, *, code: str, minimum: int = 0, maximum: int = MAX_COST) -> int:
    """A whole number given as int or text; fractions, negatives and junk raise DomainError."""
    if isinstance(value, bool):
        raise DomainError(_("Enter a whole number."), code=code)
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip().replace(" ", "")
        if not text.lstrip("-").isdigit():
            raise DomainError(_("Enter a whole number."), code=code)
        number = int(text)
    if not minimum <= number <= maximum:
        raise DomainError(
            _("Enter a number between %(low)s and %(high)s.") % {"low": minimum, "high": maximum},
            code=code,
        )
    return number


def _district(round_page: BudgetRoundPage, value):
    """None (the city-wide pot) or a district with its own budget in this round."""
    if value in (None, ""):
        if not round_page.total_budget:
            raise DomainError(_("Choose a district."), code="district")
        return None
    pk = value.pk if isinstance(value, District) else value
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Choose one of the listed districts."), code="district") from exc
    row = round_page.district_budgets.select_related("district").filter(district_id=pk).first()
    if row is None:
        raise DomainError(_("Choose one of the listed districts."), code="district")
    return row.district


def _category(round_page: BudgetRoundPage, value):
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Category) else value
    try:
        return Category.objects.get(page=round_page, pk=int(pk))
    except (Category.DoesNotExist, TypeError, ValueError) as exc:
        raise DomainError(_("Choose one of the listed categories."), code="category") from exc


def _cleaned(round_page: BudgetRoundPage, data: dict) -> dict:
    values = {
        "title": normalise_text(data.get("title") or ""),
        "description": normalise_text(data.get("description") or ""),
        "location_text": normalise_text(data.get("location_text") or ""),
        "estimated_cost": _whole(data.get("estimated_cost"), code="estimated_cost", minimum=1),
        "district": _district(round_page, data.get("district")),
        "category": _category(round_page, data.get("category")),
    }
    values["latitude"], values["longitude"] = map_point(data.get("latitude"), data.get("longitude"))
    if not values["title"]:
        raise DomainError(_("Give your proposal a title."), code="title")
    if len(values["description"]) > 5000:
        raise DomainError(_("Keep the description under 5000 characters."), code="description")
    if "image" in data:
        values["image"] = data.get("image")
    try:
        Proposal(**values).clean_fields(
            exclude=["process", "author", "entered_by", "status", "image", "category", "district"]
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], code=field) from exc
    return values


def _clean_photo(upload):
    """The upload cleaned by the kernel (real JPEG/PNG/WebP, size checked, metadata stripped);
    None without an upload; DomainError(code="image") for anything else."""
    if not upload:
        return None
    try:
        return clean_photo(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="image") from exc


def _store_photo(photo, *, title: str, by):
    """A Wagtail image of an already cleaned photo (None stays None)."""
    if photo is None:
        return None
    image = get_image_model()(title=title[:255], file=photo, uploaded_by_user=by)
    image.save()
    return image


def proposal_submit(
    *,
    round: BudgetRoundPage,  # noqa: A002 - the domain's word
    author,
    data: dict,
    channel: str = Channel.ONLINE,
    entered_by=None,
    submission_key=None,
    people_count: int = 1,
    source=None,
    source_detail: str = "",
    photo=None,
):
    """Submit a proposal: online only while the phase allows "propose"; (proposal, created).

    Proposals typed in by a facilitator (workshop, paper) need `entered_by` and are accepted in
    any phase; the same `submission_key` never creates a second proposal. `photo` is an
    uploaded file, stored only once cleaned (metadata stripped, type and size checked).
    """
    values = _cleaned(round, data)
    values.pop("image", None)
    photo = _clean_photo(photo)
    if channel == Channel.ONLINE and not round.allows("propose"):
        raise NotAllowed(_("Proposals cannot be submitted in this phase."))
    fields = contribution_fields(
        process=round,
        author=author,
        channel=channel,
        entered_by=entered_by,
        submission_key=submission_key,
        people_count=people_count,
        source=source,
        source_detail=normalise_text(source_detail),
    )
    category = values.get("category")
    values["department_name"] = category.department_name if category else ""
    with transaction.atomic():
        proposal, created = create_contribution(Proposal, {**fields, **values})
        if created and photo is not None:
            proposal.image = _store_photo(photo, title=proposal.title, by=entered_by or author)
            proposal.save(update_fields=["image"])
        if created:
            log(instance=proposal, action="budgeting.proposal.submitted", user=entered_by or author)
            signals.proposal_submitted.send_on_commit(sender=Proposal, proposal=proposal)
    return proposal, created


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)


def proposal_edit(*, proposal: Proposal, by, data: dict) -> Proposal:
    """The author changes their proposal while the phase allows "edit"; fields not in `data`
    keep their value."""
    round_page = proposal.process.specific
    current = {name: getattr(proposal, name) for name in EDITABLE_FIELDS}
    values = _cleaned(round_page, {**current, **data})
    with transaction.atomic():
        proposal = _locked(proposal)
        if by is None or proposal.author_id != by.pk:
            raise NotAllowed(_("Only the author can edit a proposal."))
        if not round_page.allows("edit"):
            raise NotAllowed(_("Proposals cannot be edited in this phase."))
        changed = [name for name, value in values.items() if getattr(proposal, name) != value]
        if not changed:
            return proposal
        for name in changed:
            setattr(proposal, name, values[name])
        proposal.save(update_fields=[*changed, "updated_at"])
        log(instance=proposal, action="budgeting.proposal.edited", user=by, data={"f": changed})
        signals.proposal_edited.send_on_commit(sender=Proposal, proposal=proposal, fields=changed)
    return proposal


def _tell_author(proposal: Proposal, title, body="") -> None:
    if proposal.author_id:
        notify(
            recipients=[proposal.author],
            kind=PROPOSAL_REVIEWED,
            title=title,
            body=body,
            url=proposal.get_absolute_url(),
            params={"title": proposal.title},
        )


def proposal_review(
    *,
    proposal: Proposal,
    by,
    feasible: bool | None,
    reason: str = "",
    revised_cost=None,
    department_name: str | None = None,
) -> Proposal:
    """Record a review: department, feasibility (None: still under review) with a public reason
    (required when not feasible) and a revised cost. Callers check ``budgeting.review_proposal``.
    Only feasible proposals reach the ballot; the author is told."""
    reason = normalise_text(reason or "")
    if len(reason) > 5000:
        raise DomainError(_("The reason is too long."), code="reason")
    if feasible is False and not reason:
        raise DomainError(_("Say why the proposal is not feasible."), code="reason")
    cost = (
        None if revised_cost in (None, "") else _whole(revised_cost, code="revised_cost", minimum=1)
    )
    with transaction.atomic():
        proposal = _locked(proposal)
        if proposal.status == ProposalStatus.MERGED:
            raise Conflict(_("This proposal was merged into another."))
        old_status = proposal.status
        if feasible is None:
            proposal.status = ProposalStatus.UNDER_REVIEW
        else:
            proposal.status = ProposalStatus.FEASIBLE if feasible else ProposalStatus.NOT_FEASIBLE
        proposal.public_reason = reason
        proposal.revised_cost = cost
        if department_name is not None:
            proposal.department_name = normalise_text(department_name)[:120]
        proposal.reviewed_at = timezone.now()
        proposal.save()
        log(
            instance=proposal,
            action="budgeting.proposal.reviewed",
            user=by,
            data={"old_status": old_status, "status": proposal.status, "cost": cost},
        )
        if proposal.status != old_status:
            _tell_author(
                proposal,
                _("Your proposal “%(title)s” was reviewed"),
                proposal.get_status_display(),
            )
        signals.proposal_reviewed.send_on_commit(
            sender=Proposal, proposal=proposal, old_status=old_status, by=by
        )
    return proposal


def proposal_merge(*, proposal: Proposal, into: Proposal, by, reason: str = "") -> Proposal:
    """Merge `proposal` into `into` (same round); it leaves the ballot and its author is told."""
    if proposal.pk == into.pk or proposal.process_id != into.process_id:
        raise DomainError(_("Choose another proposal of the same round."), code="into")
    with transaction.atomic():
        proposal = _locked(proposal)
        if into.status == ProposalStatus.MERGED:
            raise Conflict(_("That proposal was itself merged into another."))
        proposal.status = ProposalStatus.MERGED
        proposal.merged_into = into
        proposal.public_reason = normalise_text(reason or "")
        proposal.reviewed_at = timezone.now()
        proposal.save()
        log(instance=proposal, action="budgeting.proposal.merged", user=by, data={"into": into.pk})
        _tell_author(proposal, _("Your proposal “%(title)s” was merged with a similar one"))
        signals.proposal_merged.send_on_commit(sender=Proposal, proposal=proposal, into=into, by=by)
    return proposal


# --- who may vote -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Voter:
    """An eligible voter of one round: the identity the roll is keyed on, and what is known of
    their residence and age."""

    identity: str
    district_id: int | None = None
    born_on: dt.date | None = None
    code_hash: str = ""
    holder: str = ""


def voter_for(*, round: BudgetRoundPage, user=None, credential: str = "") -> Voter:  # noqa: A002
    """The Voter `user` (with a voting code or resident identifier as the round requires) is in
    `round`; NotAllowed with the reason when they are not eligible."""
    method = round.verification
    holder = f"user:{user.pk}" if user is not None and user.is_authenticated else ""
    if method == Verification.EMAIL:
        if not holder:
            raise NotAllowed(_("Sign in to vote."))
        return Voter(identity=holder, district_id=user.district_id)
    if method == Verification.IN_PERSON:
        check = InPersonCheck.objects.filter(round=round, user_id=user.pk if holder else None)
        check = check.first()
        if check is None:
            raise NotAllowed(_("A facilitator must check your documents before you vote."))
        return Voter(identity=holder, district_id=check.district_id or user.district_id)
    if not credential.strip():
        raise DomainError(
            _("Enter your voting code.")
            if method == Verification.CODE
            else _("Enter your resident identifier."),
            code="credential",
        )
    if method == Verification.CODE:
        hashed = secrecy.code_hash(credential)
        code = VotingCode.objects.filter(round=round, code_hash=hashed).first()
        tag = secrecy.keyed("holder", f"{round.pk}:{holder}") if holder else ""
        if code is None:
            raise DomainError(_("This voting code is not valid for this round."), code="credential")
        if code.used_at is not None and (not tag or code.holder_tag != tag):
            raise Conflict(_("This voting code has already been used."), code="credential")
        return Voter(
            identity=f"code:{hashed}",
            district_id=code.district_id,
            code_hash=hashed,
            holder=tag,
        )
    hashed = secrecy.resident_hash(credential)
    resident = EligibleResident.objects.filter(round=round, identifier_hash=hashed).first()
    if resident is None:
        raise NotAllowed(_("This identifier is not on the list of eligible residents."))
    return Voter(
        identity=f"resident:{hashed}", district_id=resident.district_id, born_on=resident.born_on
    )


def _age_on(born_on: dt.date, day: dt.date) -> int:
    return day.year - born_on.year - ((day.month, day.day) < (born_on.month, born_on.day))


def _check_age(round_page: BudgetRoundPage, voter: Voter, age_confirmed: bool) -> None:
    if not round_page.min_age:
        return
    if voter.born_on is not None:
        if _age_on(voter.born_on, timezone.localdate()) < round_page.min_age:
            raise NotAllowed(
                _("You must be at least %(age)s to vote in this round.")
                % {"age": round_page.min_age}
            )
    elif not age_confirmed:
        raise DomainError(
            _("Confirm that you are at least %(age)s years old.") % {"age": round_page.min_age},
            code="age_confirmed",
        )


# --- ballots ----------------------------------------------------------------------------------

# The round as the ballot needs it (page fields, URL, view restrictions, district budgets) is
# kept in the cache, shared by the server processes where the cache is Redis. Entries carry the
# token of the moment they were read; anything that could change them (a page saved, published,
# unpublished or moved, a district budget, a privacy restriction, a site) draws a new token once
# its transaction commits, and entries with another token are read again. Phases and the
# proposals on the ballot are not cached: closing voting or hiding a proposal counts at once.
ROUNDS_TOKEN_KEY = "budgeting:rounds:token"  # noqa: S105 - a cache key, not a secret
ROUND_CACHE_SECONDS = 3600


def _new_rounds_token() -> None:
    cache.set(ROUNDS_TOKEN_KEY, uuid.uuid4().hex, None)


def rounds_changed(**_kwargs) -> None:
    """Receiver: cached rounds are stale now and again once the transaction commits (a round
    read meanwhile may still be the old one)."""
    _new_rounds_token()
    transaction.on_commit(_new_rounds_token)


def _rounds_token() -> str:
    token = uuid.uuid4().hex
    return token if cache.add(ROUNDS_TOKEN_KEY, token, None) else cache.get(ROUNDS_TOKEN_KEY, token)


def ballot_round(round_id: int) -> BudgetRoundPage | None:
    """The live round `round_id` with its URL (`base_url`), district budgets and view
    restrictions loaded, from the cache when it is current; None when there is no such round.
    Each call returns an object of its own (the cache hands out copies)."""
    key = f"budgeting:round:{round_id}"
    found = cache.get_many([ROUNDS_TOKEN_KEY, key])
    token = found.get(ROUNDS_TOKEN_KEY)
    entry = found.get(key)
    if token is not None and entry is not None and entry[0] == token:
        return entry[1]
    if token is None:
        token = _rounds_token()
    round_page = BudgetRoundPage.objects.live().filter(pk=round_id).first()
    if round_page is not None:
        round_page.base_url = round_page.url
        round_page.budget_rows()
        round_page.get_view_restrictions()
        site = round_page.get_site()
        round_page.site_hostname = site.hostname.lower() if site else None
        round_page.site_is_default = bool(site and site.is_default_site)
        round_page.other_hostnames = frozenset(
            hostname.lower()
            for hostname in Site.objects.exclude(pk=site.pk if site else None).values_list(
                "hostname", flat=True
            )
        )
    cache.set(key, (token, round_page), ROUND_CACHE_SECONDS)
    return round_page


def round_serves_host(round_page: BudgetRoundPage, hostname: str) -> bool:
    """True if a request for `hostname` reaches this round (from `ballot_round`) as Wagtail's
    site lookup would route it: its own site's hostname, or any hostname no other site has
    when its site is the default one."""
    if round_page.site_hostname is None:
        return False
    if hostname == round_page.site_hostname:
        return True
    return round_page.site_is_default and hostname not in round_page.other_hostnames


def _saved_or_deleted(sender, instance, **_kwargs) -> None:
    if isinstance(instance, (Page, DistrictBudget, PageViewRestriction, Site)):
        rounds_changed()


post_save.connect(_saved_or_deleted, dispatch_uid="budgeting.rounds.saved")
post_delete.connect(_saved_or_deleted, dispatch_uid="budgeting.rounds.deleted")
for _signal in (page_published, page_unpublished, post_page_move):
    _signal.connect(rounds_changed, dispatch_uid=f"budgeting.rounds.{id(_signal)}")


class _Compiled:
    """An ORM query compiled to SQL once per process and database, then run with other values.

    For the few small queries of a ballot post, building the SQL costs the server more CPU than
    the database spends running it. `build(*markers)` returns the queryset for marker values
    (negative ids that no row has); the compiled parameters get the real values in their place.
    """

    def __init__(self, build, arity: int):
        self.build = build
        self.markers = tuple(-7_000_001 - n for n in range(arity))
        self.compiled: dict[str, tuple] = {}

    def __call__(self, *values):
        """(queryset, sql, params) for these values."""
        compiled = self.compiled.get(connection.vendor)
        if compiled is None:
            queryset = self.build(*self.markers)
            sql, params = queryset.query.sql_with_params()
            if sorted(p for p in params if p in self.markers) != sorted(self.markers):
                raise ValueError("each marker must be one parameter of the compiled query")
            compiled = self.compiled[connection.vendor] = (queryset, sql, params)
        queryset, sql, params = compiled
        swap = dict(zip(self.markers, values, strict=True))
        return queryset, sql, [swap.get(p, p) if type(p) is int else p for p in params]


_PHASES = _Compiled(lambda page_id: Phase.objects.filter(page_id=page_id), 1)


def read_phases(round_page: BudgetRoundPage) -> None:
    """Read the round's phases in one statement and keep them on the page instance, as a
    prefetch would: the permission and the service both ask which phase is open."""
    queryset, sql, params = _PHASES(round_page.pk)
    phases = queryset.all()
    phases._result_cache = list(Phase.objects.raw(sql, params))
    phases._prefetch_done = True
    round_page.__dict__.setdefault("_prefetched_objects_cache", {})["phases"] = phases


@dataclass(frozen=True)
class _Option:
    """What checking a ballot needs to know of a project on it."""

    district_id: int | None
    cost: int


def _on_ballot_costs(district_id):
    def build(round_id, *district):
        pots = Q(district__isnull=True) | Q(district_id=district[0]) if district else Q()
        round_page = BudgetRoundPage(id=round_id, page_ptr_id=round_id)
        query = Proposal.objects.on_ballot(round_page).filter(pots)
        if not district:
            query = query.filter(district__isnull=True)
        return query.values_list("pk", "district_id", "revised_cost", "estimated_cost")

    return _Compiled(build, 1 if district_id is None else 2)


_CITY_COSTS, _DISTRICT_COSTS = _on_ballot_costs(None), _on_ballot_costs(0)


def ballot_costs(round_page: BudgetRoundPage, district_id=None) -> dict[int, _Option]:
    """The projects on the ballot of `district_id` (as `ballot_options`), with only what
    `ballot_validate` checks: district and cost."""
    if district_id is None:
        _queryset, sql, params = _CITY_COSTS(round_page.pk)
    else:
        _queryset, sql, params = _DISTRICT_COSTS(round_page.pk, district_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]  # the ORM may order them its way
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {
        row["pk"]: _Option(
            district_id=row["district_id"],
            cost=row["estimated_cost"] if row["revised_cost"] is None else row["revised_cost"],
        )
        for row in rows
    }


def ballot_options(round_page: BudgetRoundPage, district_id=None) -> dict[int, Proposal]:
    """Proposals on the ballot of `district_id` (its pot and the city-wide pot), by id."""
    query = Proposal.objects.on_ballot(round_page).filter(
        Q(district__isnull=True) | Q(district_id=district_id)
    )
    return {
        p.pk: p for p in query.only("pk", "title", "estimated_cost", "revised_cost", "district")
    }


def _pot_budgets(round_page: BudgetRoundPage) -> dict:
    budgets = {None: round_page.total_budget}
    budgets.update({row.district_id: row.budget for row in round_page.budget_rows()})
    return budgets


def ballot_validate(
    *,
    round: BudgetRoundPage,
    district_id,
    selection,
    options=None,  # noqa: A002
    costs_only: bool = False,
) -> tuple[list[int], list[int] | None]:
    """Check a selection against the round's rules; (choices, points) or DomainError.

    `selection` is a sequence of (proposal id, points) in order (rank order for ranked
    ballots); points are None except on cumulative ballots. The projects on the ballot are
    `options`, else read (`costs_only`: only their district and cost, as casting needs).
    """
    budgets = _pot_budgets(round)
    if district_id is not None and district_id not in budgets:
        raise DomainError(_("Choose one of the listed districts."), code="district")
    if options is None:
        options = (ballot_costs if costs_only else ballot_options)(round, district_id)
    ballot_type = round.ballot_type
    choices, points, per_pot, cost_per_pot = [], [], {}, {}
    for proposal_id, amount in selection:
        if isinstance(proposal_id, bool) or not isinstance(proposal_id, int):
            raise DomainError(_("Choose projects from the ballot."), code="choices")
        proposal = options.get(proposal_id)
        if proposal is None:
            raise DomainError(_("A chosen project is not on your ballot."), code="choices")
        if proposal_id in choices:
            raise DomainError(_("Each project can be chosen once."), code="choices")
        if ballot_type == BallotType.CUMULATIVE:
            amount = _whole(amount, code="points", minimum=1, maximum=round.points)
            points.append(amount)
        elif amount not in (None, 1):
            raise DomainError(_("This ballot does not take points."), code="points")
        choices.append(proposal_id)
        pot = proposal.district_id
        per_pot[pot] = per_pot.get(pot, 0) + 1
        cost_per_pot[pot] = cost_per_pot.get(pot, 0) + proposal.cost
    if not choices:
        raise DomainError(_("Choose at least one project."), code="choices")
    if len(choices) < round.min_selections:
        raise DomainError(
            _("Choose at least %(n)s projects.") % {"n": round.min_selections}, code="choices"
        )
    if round.max_selections:
        for count in per_pot.values():
            if count > round.max_selections:
                raise DomainError(
                    _("Choose at most %(n)s projects from each budget.")
                    % {"n": round.max_selections},
                    code="choices",
                )
    if ballot_type == BallotType.KNAPSACK:
        for pot, cost in cost_per_pot.items():
            if cost > budgets.get(pot, 0):
                raise DomainError(
                    _("Your choices cost %(cost)s, more than the budget of %(budget)s.")
                    % {"cost": cost, "budget": budgets.get(pot, 0)},
                    code="choices",
                )
    if ballot_type == BallotType.CUMULATIVE and sum(points) > round.points:
        raise DomainError(
            _("You gave %(given)s points; you have %(n)s.")
            % {"given": sum(points), "n": round.points},
            code="points",
        )
    return choices, (points if ballot_type == BallotType.CUMULATIVE else None)


class Receipt(str):
    """The receipt code of a cast ballot; `replaced` is True when it replaced an earlier one."""

    replaced: bool

    def __new__(cls, code: str, *, replaced: bool):
        receipt = super().__new__(cls, code)
        receipt.replaced = replaced
        return receipt


def _claim_code(voter: Voter) -> None:
    """Claim the voter's code in one conditional UPDATE: of two simultaneous uses one wins."""
    claimed = (
        VotingCode.objects.filter(code_hash=voter.code_hash)
        .filter(Q(used_at__isnull=True) | Q(holder_tag=voter.holder, holder_tag__gt=""))
        .update(used_at=timezone.now(), holder_tag=voter.holder)
    )
    if not claimed:
        raise Conflict(_("This voting code has already been used."), code="credential")


def _mark_roll(round_page, voter_key: str, channel: str, entered_by) -> VoterRecord | None:
    """Insert the voter's roll row; None when they are on the roll already (row then locked).

    One INSERT .. ON CONFLICT DO NOTHING (PostgreSQL and SQLite alike): a first vote costs one
    statement, without the savepoint a caught integrity error needs.
    """
    table = connection.ops.quote_name(VoterRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (round_id, voter_key, channel, entered_by_id, created_at)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (round_id, voter_key) DO NOTHING"
            " RETURNING id",
            [
                round_page.pk,
                voter_key,
                channel,
                getattr(entered_by, "pk", None),
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        if cursor.fetchone() is not None:
            return None
    return VoterRecord.objects.select_for_update().get(round=round_page, voter_key=voter_key)


def ballot_cast(
    *,
    round: BudgetRoundPage,  # noqa: A002
    voter: Voter,
    district_id,
    selection,
    age_confirmed: bool = False,
) -> "Receipt":
    """Cast (or, where the round allows, replace) the voter's online ballot; returns the
    receipt code the voter keeps (a str whose `replaced` says it replaced an earlier ballot).
    Everything is checked here: phase, eligibility, district, selection limits; one roll row
    per voter is the database's guarantee."""
    if not round.allows("vote"):
        raise NotAllowed(_("Voting is not open."))
    _check_age(round, voter, age_confirmed)
    if (
        district_id is not None
        and round.require_residence
        and voter.district_id is not None
        and district_id != voter.district_id
    ):
        raise DomainError(
            _("You can vote for the projects of the district you live in."), code="district"
        )
    choices, points = ballot_validate(
        round=round, district_id=district_id, selection=selection, costs_only=True
    )
    key = secrecy.voter_key(round.pk, voter.identity)
    tag = secrecy.voter_tag(round.pk, voter.identity)
    receipt = new_receipt_code()
    with transaction.atomic():
        # Most voters vote once: try the roll row first; a returning voter's row is then locked.
        record = _mark_roll(round, key, Channel.ONLINE, None)
        replaced = record is not None
        if replaced:
            if record.channel != Channel.ONLINE:
                raise Conflict(_("You have already voted on paper."))
            if not round.ballots_changeable:
                raise Conflict(_("You have already voted in this round."))
            Ballot.objects.filter(round=round, voter_tag=tag).delete()
        if voter.code_hash:
            _claim_code(voter)
        Ballot.objects.create(
            round=round,
            district_id=district_id,
            choices=choices,
            points=points,
            channel=Channel.ONLINE,
            receipt_hash=secrecy.receipt_hash(receipt),
            voter_tag=tag,
        )
        signals.ballots_cast.send_on_commit(
            sender=Ballot, round=round, count=1, channel=Channel.ONLINE
        )
    return Receipt(receipt, replaced=replaced)


def has_voted(*, round: BudgetRoundPage, voter: Voter) -> bool:  # noqa: A002
    return VoterRecord.objects.filter(
        round=round, voter_key=secrecy.voter_key(round.pk, voter.identity)
    ).exists()


def receipt_counted(*, round: BudgetRoundPage, receipt: str) -> bool:  # noqa: A002
    """Whether a ballot with this receipt is among the round's ballots (content not revealed)."""
    return Ballot.objects.filter(round=round, receipt_hash=secrecy.receipt_hash(receipt)).exists()


# --- verification material --------------------------------------------------------------------


def voting_codes_generate(
    *,
    round: BudgetRoundPage,
    count: int,
    by,
    batch: str = "",
    district=None,  # noqa: A002
) -> list[str]:
    """Create `count` single-use codes; returns them in plain text once (for printing), only
    their hashes are stored."""
    count = _whole(count, code="count", minimum=1, maximum=1_000_000)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes = []
    rows = []
    for _i in range(count):
        raw = "".join(secrets.choice(alphabet) for _j in range(16))
        code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
        codes.append(code)
        rows.append(
            VotingCode(
                round=round, code_hash=secrecy.code_hash(code), batch=batch[:40], district=district
            )
        )
    with transaction.atomic():
        VotingCode.objects.bulk_create(rows, batch_size=2000)
        log(instance=round, action="budgeting.codes.generated", user=by, data={"count": count})
    return codes


def residents_upload(
    *,
    round: BudgetRoundPage,
    rows,
    by,  # noqa: A002
) -> int:
    """Replace the round's list of eligible residents with `rows` of (identifier, district id or
    None, date of birth or None); identifiers are stored as keyed hashes only."""
    budgets = _pot_budgets(round)
    objects = {}
    for identifier, district_id, born_on in rows:
        if not normalise_identifier(identifier):
            raise DomainError(_("An identifier is empty."), code="rows")
        if district_id is not None and district_id not in budgets:
            raise DomainError(_("A district is not part of this round."), code="rows")
        hashed = secrecy.resident_hash(identifier)
        objects[hashed] = EligibleResident(
            round=round, identifier_hash=hashed, district_id=district_id, born_on=born_on
        )
    with transaction.atomic():
        EligibleResident.objects.filter(round=round).delete()
        EligibleResident.objects.bulk_create(objects.values(), batch_size=2000)
        log(
            instance=round,
            action="budgeting.residents.uploaded",
            user=by,
            data={"count": len(objects)},
        )
    return len(objects)


def normalise_identifier(value: str) -> str:
    return secrecy.normalise_identifier(value)


def in_person_check(*, round: BudgetRoundPage, user, by, district=None):  # noqa: A002
    """A facilitator records that they checked `user` in person; idempotent."""
    with transaction.atomic():
        check, created = InPersonCheck.objects.get_or_create(
            round=round, user=user, defaults={"checked_by": by, "district": district}
        )
        if created:
            log(instance=round, action="budgeting.voter.checked", user=by)
    return check


# --- paper ballots ----------------------------------------------------------------------------


def paper_identity(round_page: BudgetRoundPage, identifier: str) -> str:
    """The roll identity of a paper voter: their code or resident identifier, as online."""
    if round_page.verification == Verification.CODE:
        return f"code:{secrecy.code_hash(identifier)}"
    if round_page.verification == Verification.LIST:
        return f"resident:{secrecy.resident_hash(identifier)}"
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email__iexact=identifier.strip()).first()
    if user is not None:
        return f"user:{user.pk}"
    return f"email:{secrecy.keyed('email', identifier.strip().lower())}"


def _paper_phase(round_page: BudgetRoundPage) -> None:
    if not (round_page.allows("vote") or round_page.allows("paper_close")):
        raise NotAllowed(_("Paper ballots cannot be entered in this phase."))


def paper_roll_mark(*, round: BudgetRoundPage, by, voter_identifier: str) -> None:  # noqa: A002
    """Mark on the voter roll that this person votes on paper (callers check
    ``budgeting.enter_paper``); Conflict when they already voted, online or on paper.

    A step of its own, apart from typing the sheet: the roll row and its audit entry say nobody
    chose what, and the sheet typed later says nobody who.
    """
    _paper_phase(round)
    if not (voter_identifier or "").strip():
        raise DomainError(
            _("Enter the voter's code, identifier or e-mail address."), code="voter_identifier"
        )
    key = secrecy.voter_key(round.pk, paper_identity(round, voter_identifier))
    with transaction.atomic():
        if _mark_roll(round, key, Channel.PAPER, by) is not None:
            raise Conflict(
                _("This person has already voted: do not give them a ballot sheet."),
                code="voter_identifier",
            )
        log(instance=round, action="budgeting.paper.roll_marked", user=by)


def paper_ballot_enter(
    *,
    round: BudgetRoundPage,  # noqa: A002
    by,
    sheet: str,
    district_id,
    selection,
) -> PaperEntry:
    """Enter one paper ballot sheet (callers check ``budgeting.enter_paper``).

    Only the sheet: who voted is marked on the roll by ``paper_roll_mark``, a separate step.
    With double entry the sheet counts once a second facilitator typed the same choices;
    different choices flag both entries.
    """
    _paper_phase(round)
    sheet = normalise_text(sheet or "").strip()
    if not sheet or len(sheet) > 40:
        raise DomainError(_("Enter the sheet number printed on the ballot."), code="sheet")
    choices, points = ballot_validate(round=round, district_id=district_id, selection=selection)
    with transaction.atomic():
        # Entries of one round are serialised: two first entries of a sheet must not both wait.
        BudgetRoundPage.objects.select_for_update().filter(pk=round.pk).exists()
        others = list(
            PaperEntry.objects.filter(round=round, sheet=sheet).exclude(
                status=PaperEntryStatus.REJECTED
            )
        )
        if any(e.entered_by_id == by.pk for e in others):
            raise Conflict(_("You have already entered this sheet."), code="sheet")
        if any(e.status != PaperEntryStatus.PENDING for e in others):
            raise Conflict(_("This sheet has already been entered."), code="sheet")
        entry = PaperEntry(
            **_entry_fields(round, sheet, by, district_id, choices, points),
            status=PaperEntryStatus.PENDING,
        )
        first = others[0] if others else None
        if first is None and not round.paper_double_entry:
            entry.status = PaperEntryStatus.CONFIRMED
        elif first is not None:
            same = (first.district_id, first.choices, first.points) == (
                district_id,
                choices,
                points,
            )
            entry.status = PaperEntryStatus.CONFIRMED if same else PaperEntryStatus.MISMATCH
            first.status = entry.status
            first.save(update_fields=["status"])
        entry.save()
        if entry.status == PaperEntryStatus.CONFIRMED:
            _paper_ballot(round, district_id, choices, points)
        # The audit entry names no sheet, so its time cannot tie a roll mark to the choices.
        log(instance=round, action="budgeting.paper.entered", user=by)
    return entry


def _entry_fields(round_page, sheet, by, district_id, choices, points) -> dict:
    return {
        "round": round_page,
        "sheet": sheet,
        "entered_by": by,
        "district_id": district_id,
        "choices": choices,
        "points": points,
    }


def _paper_ballot(round_page, district_id, choices, points) -> None:
    Ballot.objects.create(
        round=round_page,
        district_id=district_id,
        choices=choices,
        points=points,
        channel=Channel.PAPER,
    )
    signals.ballots_cast.send_on_commit(
        sender=Ballot, round=round_page, count=1, channel=Channel.PAPER
    )


def paper_mismatch_resolve(
    *,
    round: BudgetRoundPage,
    by,
    sheet: str,
    district_id,
    selection,  # noqa: A002
) -> None:
    """Staff settle a flagged sheet by typing what it says: the ballot counts once."""
    choices, points = ballot_validate(round=round, district_id=district_id, selection=selection)
    with transaction.atomic():
        entries = PaperEntry.objects.select_for_update().filter(
            round=round, sheet=sheet, status=PaperEntryStatus.MISMATCH
        )
        if not entries.exists():
            raise Conflict(_("This sheet is not waiting for a decision."), code="sheet")
        entries.update(status=PaperEntryStatus.REJECTED)
        PaperEntry.objects.create(
            **_entry_fields(round, sheet, by, district_id, choices, points),
            status=PaperEntryStatus.CONFIRMED,
        )
        _paper_ballot(round, district_id, choices, points)
        log(instance=round, action="budgeting.paper.entered", user=by, data={"sheet": sheet})


# --- closing, counting, publishing ------------------------------------------------------------


def voting_close(*, round: BudgetRoundPage, by, at=None) -> Phase:  # noqa: A002
    """End the open voting phase now; later phases keep their dates."""
    at = at or timezone.now()
    with transaction.atomic():
        phase = (
            Phase.objects.select_for_update()
            .active(at)
            .filter(page=round, phase_type="budgeting.vote")
            .first()
        )
        if phase is None:
            raise Conflict(_("Voting is not open."))
        phase.ends_at = max(at, phase.starts_at + dt.timedelta(microseconds=1))
        phase.save(update_fields=["ends_at"])
        log(instance=round, action="budgeting.voting.closed", user=by)
    return phase


def tally_request(*, round: BudgetRoundPage, by, rule: str = "", tie_order: str = "") -> Tally:  # noqa: A002
    """Queue a count of the round's ballots as a background task; returns the Tally row whose
    status and progress the manage page shows. Refused while voting is open."""
    from .counting import RULES

    rule = rule or round.counting_rule
    if rule not in RULES:
        raise DomainError(_("Unknown counting rule."), code="rule")
    if round.allows("vote"):
        raise Conflict(_("Close voting before counting."))
    with transaction.atomic():
        tally = Tally.objects.create(
            round=round,
            rule=rule,
            tie_order=tie_order or round.tie_order,
            requested_by=by,
        )
        log(instance=round, action="budgeting.tally.requested", user=by, data={"rule": rule})
        transaction.on_commit(partial(_enqueue_tally, tally.pk))
    return tally


def _enqueue_tally(tally_id: int) -> None:
    from .tasks import run_tally

    run_tally.enqueue(tally_id=tally_id)


def result_publish(*, tally: Tally, by) -> Tally:
    """Publish a finished count: funded proposals are marked and the results page shows it."""
    with transaction.atomic():
        tally = Tally.objects.select_for_update().get(pk=tally.pk)
        if tally.status != TallyStatus.DONE:
            raise Conflict(_("Only a finished count can be published."))
        round_page = tally.round
        winners = [int(pk) for pot in tally.pots for pk in pot["winners"]]
        Tally.objects.filter(round=round_page).exclude(pk=tally.pk).update(published_at=None)
        tally.published_at = timezone.now()
        tally.save(update_fields=["published_at"])
        Proposal.objects.filter(process=round_page).exclude(pk__in=winners).update(
            funded=False, implementation_status=""
        )
        Proposal.objects.filter(process=round_page, pk__in=winners, funded=False).update(
            funded=True, implementation_status=ImplementationStatus.PLANNED
        )
        log(instance=round_page, action="budgeting.result.published", user=by)
        signals.result_published.send_on_commit(sender=Tally, round=round_page, tally=tally)
    return tally


# --- implementation ---------------------------------------------------------------------------


def implementation_update(
    *,
    proposal: Proposal,
    by,
    status: str | None = None,
    progress=None,
    text: str = "",
    photo=None,
    department_name: str | None = None,
    milestone: str = "",
    milestone_due=None,
    milestones_done=(),
):
    """Change a funded project's status, progress or department, add a milestone or mark some
    done, and/or post news (with `photo`, an upload stored once cleaned); followers and the
    author are told. Callers check ``budgeting.update_implementation``."""
    milestone = normalise_text(milestone or "")
    if len(milestone) > 150:
        raise DomainError(_("Keep the milestone under 150 characters."), code="milestone")
    if status is not None and status not in ImplementationStatus.values[1:]:
        raise DomainError(_("Unknown status."), code="status")
    progress = None if progress in (None, "") else _whole(progress, code="progress", maximum=100)
    text = normalise_text(text or "")
    if len(text) > 5000:
        raise DomainError(_("Keep the update under 5000 characters."), code="text")
    photo = _clean_photo(photo)
    with transaction.atomic():
        proposal = _locked(proposal)
        if not proposal.funded:
            raise Conflict(_("Only funded projects are implemented."))
        changed = []
        for name, value in (
            ("implementation_status", status),
            ("progress", progress),
            ("department_name", department_name),
        ):
            if value is not None and getattr(proposal, name) != value:
                setattr(proposal, name, value)
                changed.append(name)
        if changed:
            proposal.save(update_fields=[*changed, "updated_at"])
        if milestone:
            Milestone.objects.create(proposal=proposal, title=milestone, due_on=milestone_due)
            changed.append("milestones")
        done = Milestone.objects.filter(
            proposal=proposal, pk__in=list(milestones_done), done_on__isnull=True
        ).update(done_on=timezone.localdate())
        if done:
            changed.append("milestones_done")
        update = None
        if text or photo is not None:
            update = ImplementationUpdate.objects.create(
                proposal=proposal,
                text=text,
                image=_store_photo(photo, title=proposal.title, by=by),
                author=by,
            )
        if not changed and update is None:
            return proposal, None
        log(
            instance=proposal,
            action="budgeting.implementation.updated",
            user=by,
            data={"fields": changed, "update": update.pk if update else None},
        )
        followers = {
            f.user
            for f in Follow.objects.for_object(proposal).select_related("user")
            if f.user_id != getattr(by, "pk", None)
        }
        if proposal.author_id and proposal.author_id != getattr(by, "pk", None):
            followers.add(proposal.author)
        notify(
            recipients=followers,
            kind=IMPLEMENTATION,
            title=_("News about “%(title)s”"),
            body=text[:500],
            url=proposal.get_absolute_url(),
            params={"title": proposal.title},
        )
        signals.implementation_updated.send_on_commit(
            sender=Proposal, proposal=proposal, update=update
        )
    return proposal, update


def forget_person(user) -> None:
    """On account deletion: in-person checks and code holder links to the person go."""
    InPersonCheck.objects.filter(user=user).delete()


# --- pabulib ----------------------------------------------------------------------------------

BALLOT_TYPES = {
    "approval": BallotType.APPROVAL,
    "choose-1": BallotType.APPROVAL,
    "ordinal": BallotType.RANKED,
    "cumulative": BallotType.CUMULATIVE,
    "scoring": BallotType.CUMULATIVE,
}
IMPORT_BATCH = 5000


def _meta_int(meta: dict, key: str):
    try:
        return int(float(meta[key])) if meta.get(key) not in (None, "") else None
    except ValueError:
        return None


def round_import(*, instance, parent, title: str, slug: str, by=None, progress=None):
    """Create a closed round (voting ended, results phase open) with the instance's projects as
    feasible proposals and its ballots, anonymised; the pabulib META is kept on the round.
    `progress(done, total)` is called while ballots are written."""
    meta = dict(instance.meta)
    vote_type = instance.vote_type
    now = timezone.now()
    round_page = BudgetRoundPage(
        title=title[:255],
        slug=slug,
        total_budget=instance.budget,
        currency=(meta.get("currency") or "EUR")[:3],
        ballot_type=BALLOT_TYPES.get(vote_type, BallotType.APPROVAL),
        max_selections=1 if vote_type == "choose-1" else _meta_int(meta, "max_length"),
        min_selections=_meta_int(meta, "min_length") or 0,
        points=_meta_int(meta, "max_sum_points") or 10,
        rank_points="",
        counting_rule="greedy",
        tie_order="pabutools",
        pabulib_meta=meta,
    )
    with transaction.atomic():
        parent.add_child(instance=round_page)
        for order, (phase_type, start, end) in enumerate(
            (
                ("budgeting.vote", now - dt.timedelta(days=30), now - dt.timedelta(days=1)),
                ("budgeting.results", now - dt.timedelta(days=1), now + dt.timedelta(days=365)),
            )
        ):
            Phase.objects.create(
                page=round_page,
                phase_type=phase_type,
                starts_at=start,
                ends_at=end,
                sort_order=order,
            )
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    process=round_page,
                    title=(project.name or project.id)[:150],
                    estimated_cost=project.cost,
                    status=ProposalStatus.FEASIBLE,
                    pabulib_id=project.id,
                    pabulib_extra={
                        **({"category": project.category} if project.category else {}),
                        **({"target": project.target} if project.target else {}),
                        **project.extra,
                    },
                    language="",
                )
                for project in instance.projects.values()
            ]
        )
        ids = {p.pabulib_id: p.pk for p in proposals}
        if any(pk is None for pk in ids.values()):  # databases that return no ids on bulk insert
            ids = dict(Proposal.objects.filter(process=round_page).values_list("pabulib_id", "pk"))
        total = len(instance.ballots)
        for start in range(0, total, IMPORT_BATCH):
            batch = instance.ballots[start : start + IMPORT_BATCH]
            # One read of the system's randomness for the batch's keys, not one per ballot.
            raw = secrets.token_bytes(16 * len(batch))
            Ballot.objects.bulk_create(
                [
                    Ballot(
                        id=uuid.UUID(bytes=raw[16 * n : 16 * n + 16], version=4),
                        round=round_page,
                        choices=[ids[c] for c in ballot.choices],
                        points=list(ballot.points) if ballot.points is not None else None,
                        channel="import",
                        extra={k: v for k, v in ballot.extra.items() if k != "voter_id"},
                    )
                    for n, ballot in enumerate(batch)
                ]
            )
            if progress:
                progress(min(start + IMPORT_BATCH, total), total)
        log(instance=round_page, action="budgeting.round.imported", user=by)
    return round_page
