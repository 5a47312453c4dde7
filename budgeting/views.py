"""Views of budgeting rounds: permission asked once, state changed by the services.

The ballot works without JavaScript: "Update" posts the form and the server recomputes the
running total; "Review" shows the choices before they are cast; the receipt follows.
"""

import csv
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.signing import BadSignature
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from civitas.core.errors import DomainError
from civitas.core.exports import safe_cell
from civitas.core.views import rate_limited

from . import secrecy, services
from .forms import (
    ImplementationForm,
    ManageForm,
    ProposalFilterForm,
    ProposalForm,
    ReceiptForm,
    ReviewForm,
)
from .models import (
    Ballot,
    BallotType,
    PaperEntry,
    PaperEntryStatus,
    Proposal,
    ProposalStatus,
    Tally,
    TallyStatus,
    Verification,
    VoterRecord,
)
from .selectors import latest_tally, published_tally

PER_PAGE = 30
RECEIPTS_PER_PAGE = 200


def _base_url(round_page) -> str:
    """The round page's URL; rounds from `services.ballot_round` carry it already."""
    return getattr(round_page, "base_url", None) or round_page.url


def _context(request, round_page, **extra):
    context = round_page.get_context(request)
    context.update({"round": round_page, "base_url": _base_url(round_page), **extra})
    return context


def _login_or_perm(request, perm, obj):
    """None when allowed (anonymous people too, where the rule admits them, as voting codes
    do); otherwise a login redirect for anonymous people and 403 for others."""
    if request.user.has_perm(perm, obj):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


# Wrong voting codes or resident identifiers from one address, before it must wait.
CREDENTIAL_RATE = "10/10m"


def _credential_guessing(request, *, failed: bool) -> bool:
    """Whether this address typed too many wrong credentials lately; `failed` counts one."""
    return is_ratelimited(
        request,
        group="budgeting.credential",
        key="ip",
        rate=CREDENTIAL_RATE,
        method=ALL,
        increment=failed,
    )


def _error_status(exc: DomainError) -> int:
    return getattr(exc, "status_code", 400)


# --- round and proposals ----------------------------------------------------------------------


def round_index(request, round_page):
    """The round: phase, budgets, proposals (filtered), and what the visitor can do now."""
    form = ProposalFilterForm(request.GET or None, round_page=round_page)
    proposals = (
        Proposal.objects.filter(process=round_page, hidden_at__isnull=True)
        .exclude(status=ProposalStatus.MERGED)
        .select_related("district", "category")
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["district"]:
            proposals = proposals.filter(district=data["district"])
        if data["category"]:
            proposals = proposals.filter(category=data["category"])
        if data["status"]:
            proposals = proposals.filter(status=data["status"])
    page_obj = Paginator(proposals.order_by("pk"), PER_PAGE).get_page(request.GET.get("page"))
    user = request.user
    context = _context(
        request,
        round_page,
        filter_form=form,
        page_obj=page_obj,
        proposals=page_obj.object_list,
        map_points=[
            {
                "lat": p.latitude,
                "lon": p.longitude,
                "title": p.title,
                "url": f"{round_page.url}proposals/{p.pk}/",
            }
            for p in page_obj.object_list
            if p.latitude is not None
        ],
        pots=round_page.pots(),
        active_phase=round_page.active_phase(),
        can_propose=user.has_perm("budgeting.propose", round_page),
        can_vote=user.has_perm("budgeting.vote", round_page),
        can_paper=user.has_perm("budgeting.enter_paper", round_page),
        can_manage=user.has_perm("budgeting.manage_round", round_page),
        has_results=published_tally(round_page) is not None,
    )
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "budgeting/round_page.html", context, status=status)


def proposal_new(request, round_page):
    """Propose a project (with an optional photo)."""
    response = _login_or_perm(request, "budgeting.propose", round_page)
    if response:
        return response
    form = ProposalForm(request.POST or None, request.FILES or None, round_page=round_page)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            proposal, _created = services.proposal_submit(
                round=round_page,
                author=request.user,
                data=data,
                submission_key=data["submission_key"],
                photo=data.pop("image", None),
            )
        except DomainError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("Thank you, your proposal was submitted for review."))
            return redirect(f"{round_page.url}proposals/{proposal.pk}/")
    context = _context(request, round_page, form=form)
    status = 400 if form.errors else 200
    return TemplateResponse(request, "budgeting/proposal_form.html", context, status=status)


def _proposal(round_page, proposal_id) -> Proposal:
    proposal = (
        Proposal.objects.filter(process=round_page, hidden_at__isnull=True, pk=proposal_id)
        .select_related("district", "category", "merged_into", "image", "author")
        .first()
    )
    if proposal is None:
        raise Http404
    proposal.process = round_page
    return proposal


def proposal_detail(request, round_page, proposal_id):
    """One proposal: cost, review outcome, and for funded projects their implementation."""
    proposal = _proposal(round_page, proposal_id)
    user = request.user
    context = _context(
        request,
        round_page,
        proposal=proposal,
        place=[{"lat": proposal.latitude, "lon": proposal.longitude, "title": proposal.title}]
        if proposal.latitude is not None
        else [],
        milestones=list(proposal.milestones.all()),
        updates=list(proposal.updates.select_related("image")[:20]),
        can_review=user.has_perm("budgeting.review_proposal", proposal),
        can_edit=user.has_perm("budgeting.edit_proposal", proposal),
        can_update=user.has_perm("budgeting.update_implementation", proposal),
    )
    return TemplateResponse(request, "budgeting/proposal_detail.html", context)


def proposal_edit(request, round_page, proposal_id):
    """The author changes their proposal while the phase allows."""
    proposal = _proposal(round_page, proposal_id)
    response = _login_or_perm(request, "budgeting.edit_proposal", proposal)
    if response:
        return response
    initial = {name: getattr(proposal, name) for name in services.EDITABLE_FIELDS}
    initial.update({"district": proposal.district_id, "category": proposal.category_id})
    form = ProposalForm(request.POST or None, initial=initial, round_page=round_page)
    del form.fields["submission_key"]  # an edit changes one row; retries change nothing more
    del form.fields["image"]
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_edit(proposal=proposal, by=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your proposal was updated."))
            return redirect(f"{round_page.url}proposals/{proposal.pk}/")
    return _form_page(request, form, _("Edit “%(title)s”"), proposal)


def proposal_review(request, round_page, proposal_id):
    """Departments record feasibility, reason, revised cost, or merge into another proposal."""
    proposal = _proposal(round_page, proposal_id)
    response = _login_or_perm(request, "budgeting.review_proposal", proposal)
    if response:
        return response
    initial = {
        "decision": {
            ProposalStatus.FEASIBLE: "feasible",
            ProposalStatus.NOT_FEASIBLE: "not_feasible",
        }.get(proposal.status, "under_review"),
        "reason": proposal.public_reason,
        "revised_cost": proposal.revised_cost,
        "department_name": proposal.department_name,
    }
    form = ReviewForm(request.POST or None, initial=initial, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "merge":
                services.proposal_merge(
                    proposal=proposal,
                    into=data["merge_into"],
                    by=request.user,
                    reason=data["reason"],
                )
            else:
                services.proposal_review(
                    proposal=proposal,
                    by=request.user,
                    feasible={"feasible": True, "not_feasible": False}.get(data["decision"]),
                    reason=data["reason"],
                    revised_cost=data["revised_cost"],
                    department_name=data["department_name"],
                )
        except DomainError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("The review was saved."))
            return redirect(f"{round_page.url}proposals/{proposal.pk}/")
    return _form_page(request, form, _("Review “%(title)s”"), proposal)


def implementation_update(request, round_page, proposal_id):
    """Staff report a funded project's status, progress and news (with a photo)."""
    proposal = _proposal(round_page, proposal_id)
    response = _login_or_perm(request, "budgeting.update_implementation", proposal)
    if response:
        return response
    initial = {
        "status": proposal.implementation_status,
        "progress": proposal.progress,
        "department_name": proposal.department_name,
    }
    form = ImplementationForm(
        request.POST or None, request.FILES or None, initial=initial, proposal=proposal
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.implementation_update(
                proposal=proposal,
                by=request.user,
                status=data["status"],
                progress=data["progress"],
                text=data["text"],
                photo=data["image"],
                department_name=data["department_name"],
                milestone=data["milestone"],
                milestone_due=data["milestone_due"],
                milestones_done=[m.pk for m in data.get("milestones_done") or []],
            )
        except DomainError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("The implementation was updated."))
            return redirect(f"{round_page.url}proposals/{proposal.pk}/")
    return _form_page(request, form, _("Implementation of “%(title)s”"), proposal)


def _form_page(request, form, title, proposal):
    """A staff form about one proposal, on the shared form page (400 when it has errors)."""
    return TemplateResponse(
        request,
        "civitas/form.html",
        {
            "form": form,
            "title": title % {"title": proposal.title},
            "cancel_url": f"{proposal.process.url}proposals/{proposal.pk}/",
        },
        status=400 if form.errors else 200,
    )


# --- the ballot -------------------------------------------------------------------------------

POINT_FIELD = re.compile(r"^(points|rank)_(-?\d+)$")


def selection_from(post, round_page) -> list[tuple[int, object]]:
    """The (proposal id, points) a ballot form posted, in rank order for ranked ballots.

    Every posted project field is read, not only those of the projects shown, so a tampered
    form reaches the service's checks instead of being silently trimmed.
    """
    ballot_type = round_page.ballot_type
    if ballot_type in (BallotType.APPROVAL, BallotType.KNAPSACK):
        selection = []
        for value in post.getlist("project"):
            if not re.fullmatch(r"\d{1,18}", value.strip()):
                raise DomainError(_("Choose projects from the ballot."), code="choices")
            selection.append((int(value), None))
        return selection
    entries = []
    for key, value in post.items():
        match = POINT_FIELD.match(key)
        if not match or not str(value).strip():
            continue
        if int(match.group(2)) < 0:
            raise DomainError(_("Choose projects from the ballot."), code="choices")
        entries.append((match.group(1), int(match.group(2)), str(value).strip()))
    if ballot_type == BallotType.CUMULATIVE:
        return [(pk, value) for kind, pk, value in entries if kind == "points" and value != "0"]
    ranked = []
    for kind, pk, value in entries:
        if kind != "rank":
            continue
        if not value.isdigit() or not 1 <= int(value) <= 1000:
            raise DomainError(_("Give each chosen project a different rank."), code="choices")
        ranked.append((int(value), pk))
    ranks = [rank for rank, _pk in ranked]
    if len(set(ranks)) != len(ranks):
        raise DomainError(_("Give each chosen project a different rank."), code="choices")
    return [(pk, None) for _rank, pk in sorted(ranked)]


def _district_choice(request, round_page, voter):
    """(district id or None, pot rows, fixed): the district pot this ballot is for."""
    rows = round_page.budget_rows()
    if not rows:
        return None, rows, False
    ids = {row.district_id for row in rows}
    if round_page.require_residence and voter is not None and voter.district_id in ids:
        return voter.district_id, rows, True
    raw = request.POST.get("district") or request.GET.get("district") or ""
    if raw.isdigit() and int(raw) in ids:
        return int(raw), rows, False
    if raw:
        raise DomainError(_("Choose one of the listed districts."), code="district")
    return None, rows, False


def _totals(round_page, options, selection, district_id) -> list[dict]:
    """Per pot: budget, projects chosen, cost and points, for the running total."""
    pots = [{"district": None, "name": _("City-wide"), "budget": round_page.total_budget}]
    for row in round_page.budget_rows():
        if row.district_id == district_id:
            pots.append(
                {"district": row.district_id, "name": row.district.name, "budget": row.budget}
            )
    chosen = dict(selection)
    for pot in pots:
        items = [p for p in options.values() if p.district_id == pot["district"]]
        picked = [p for p in items if p.pk in chosen]
        pot["projects"] = sorted(items, key=lambda p: p.pk)
        pot["count"] = len(picked)
        pot["cost"] = sum(p.cost for p in picked)
        pot["points"] = sum(int(chosen[p.pk]) for p in picked if str(chosen[p.pk]).isdigit())
        pot["over"] = (
            round_page.ballot_type == BallotType.KNAPSACK and pot["cost"] > pot["budget"]
        ) or bool(round_page.max_selections and pot["count"] > round_page.max_selections)
    return [pot for pot in pots if pot["projects"] or pot["district"] is None]


def _current_selection(round_page, voter) -> list:
    """The voter's own stored ballot, to start a change from (found by the keyed tag)."""
    ballot = Ballot.objects.filter(
        round=round_page, voter_tag=secrecy.voter_tag(round_page.pk, voter.identity)
    ).first()
    if ballot is None:
        return []
    points = ballot.points or [None] * len(ballot.choices)
    return list(zip(ballot.choices, points, strict=True))


def ballot(request, round_page):
    """The ballot: choose (update totals), review, confirm; then the receipt page."""
    # Phases are asked about by the permission and by the service: read them once.
    services.read_phases(round_page)
    response = _login_or_perm(request, "budgeting.vote", round_page)
    if response:
        return response
    needs_credential = round_page.verification in (Verification.CODE, Verification.LIST)
    credential = (request.POST.get("credential") or "").strip()
    errors: list[str] = []
    voter = None
    status = 200
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if credential and _credential_guessing(request, failed=False):
        return rate_limited(request)
    try:
        if not needs_credential or credential:
            voter = services.voter_for(round=round_page, user=request.user, credential=credential)
    except DomainError as exc:
        if request.method != "POST":
            raise
        if credential:
            _credential_guessing(request, failed=True)
        errors.append(exc.message)
        status = _error_status(exc)
    try:
        district_id, district_rows, district_fixed = _district_choice(request, round_page, voter)
    except DomainError as exc:
        return TemplateResponse(request, "civitas/error.html", {"message": exc.message}, status=400)
    if district_rows and district_id is None and not district_fixed and not errors:
        chosen_pot = request.POST.get("district") or request.GET.get("district")
        if chosen_pot is None:
            context = _context(request, round_page, districts=district_rows)
            return TemplateResponse(request, "budgeting/ballot_district.html", context)
    selection = []
    if request.method == "POST":
        try:
            selection = selection_from(request.POST, round_page)
        except DomainError as exc:
            errors.append(exc.message)
            status = 400
    elif voter is not None:
        selection = _current_selection(round_page, voter)
    # Whether they voted already is shown on the form; casting says so itself.
    already = (
        action != "confirm"
        and voter is not None
        and services.has_voted(round=round_page, voter=voter)
    )
    # The options are read for showing the ballot; casting reads and checks them itself.
    options = {} if action == "confirm" else services.ballot_options(round_page, district_id)
    age_confirmed = request.POST.get("age_confirmed") == "1"
    if action in ("review", "confirm") and not errors:
        if voter is None:
            errors.append(
                _("Enter your voting code.")
                if round_page.verification == Verification.CODE
                else _("Enter your resident identifier.")
            )
            status = 400
        else:
            try:
                if action == "review":
                    services.ballot_validate(
                        round=round_page,
                        district_id=district_id,
                        selection=selection,
                        options=options,
                    )
                    if round_page.min_age and voter.born_on is None and not age_confirmed:
                        raise DomainError(
                            _("Confirm that you are at least %(age)s years old.")
                            % {"age": round_page.min_age},
                            code="age_confirmed",
                        )
                else:
                    receipt = services.ballot_cast(
                        round=round_page,
                        voter=voter,
                        district_id=district_id,
                        selection=selection,
                        age_confirmed=age_confirmed,
                    )
                    return _receipt_redirect(round_page, receipt)
            except DomainError as exc:
                errors.append(exc.message)
                status = _error_status(exc)
    if action == "confirm":  # the ballot was refused: show it again with the reason
        options = services.ballot_options(round_page, district_id)
    pots = _totals(round_page, options, selection, district_id)
    chosen = dict(selection)
    context = _context(
        request,
        round_page,
        pots=pots,
        chosen=chosen,
        rank_of={pk: i + 1 for i, (pk, _p) in enumerate(selection)},
        selection=selection,
        errors=errors,
        credential=credential,
        needs_credential=needs_credential,
        district_id=district_id,
        district_rows=district_rows,
        district_fixed=district_fixed,
        already_voted=already,
        age_confirmed=age_confirmed,
        rank_range=range(1, (round_page.max_selections or len(options) or 1) + 1),
        reviewing=action == "review" and not errors,
        titles={pk: options[pk].title for pk in chosen if pk in options},
        cast_url=reverse("budgeting:ballot", args=[round_page.pk]),
    )
    return TemplateResponse(request, "budgeting/ballot.html", context, status=status)


# The receipt travels to the confirmation page in a signed cookie that only that page receives
# and that it deletes: it is never written to the database, where a session row would tie the
# voter to the receipt (and so to the ballot's receipt hash) until the session ended.
RECEIPT_COOKIE = "budgeting_receipt"
RECEIPT_SECONDS = 600


def _receipt_salt(round_page) -> str:
    return f"budgeting.receipt.{round_page.pk}"


def _receipt_redirect(round_page, receipt) -> HttpResponse:
    url = reverse("budgeting:ballot_done", args=[round_page.pk])
    response = redirect(url)
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        f"{receipt}:{int(receipt.replaced)}",
        salt=_receipt_salt(round_page),
        max_age=RECEIPT_SECONDS,
        path=url,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def ballot_done(request, round_page):
    """The round page's old confirmation address: the receipt is shown at the ballot's own."""
    return redirect(reverse("budgeting:ballot_done", args=[round_page.pk]))


# --- the ballot's own addresses (budgeting/urls.py) -------------------------------------------
# Casting is the busiest request of a round. The ballot form posts to a plain URL that finds the
# round by id in the cache (services.ballot_round) instead of through the site lookup and page
# routing; the view, its permission check and the service are the same as on the round page.


def _ballot_round(request, round_id):
    round_page = services.ballot_round(round_id)
    hostname, _port = split_domain_port(request.get_host())
    if round_page is None or not services.round_serves_host(round_page, hostname):
        raise Http404
    return round_page


def ballot_post(request, round_id):
    """The ballot form's target. A GET (a reload, a bookmark) goes to the round's ballot page."""
    round_page = _ballot_round(request, round_id)
    if request.method != "POST":
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{_base_url(round_page)}vote/" + (f"?{query}" if query else ""))
    return ballot(request, round_page)


def ballot_receipt(request, round_id):
    """The confirmation with the receipt, shown once: the cookie that carried it is deleted."""
    round_page = _ballot_round(request, round_id)
    try:
        value = request.get_signed_cookie(
            RECEIPT_COOKIE, salt=_receipt_salt(round_page), max_age=RECEIPT_SECONDS
        )
    except (KeyError, BadSignature):
        return redirect(_base_url(round_page))
    receipt, _sep, changed = value.rpartition(":")
    context = _context(request, round_page, receipt=receipt, changed=changed == "1")
    response = TemplateResponse(request, "budgeting/ballot_done.html", context)
    response["Cache-Control"] = "no-store"
    response.delete_cookie(RECEIPT_COOKIE, path=request.path, samesite="Lax")
    return response


def receipts(request, round_page):
    """Public check: is my receipt among the counted ballots? Lists receipt hashes only."""
    form = ReceiptForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = services.receipt_counted(round=round_page, receipt=form.cleaned_data["receipt"])
    hashes = (
        Ballot.objects.filter(round=round_page, receipt_hash__isnull=False)
        .order_by("receipt_hash")
        .values_list("receipt_hash", flat=True)
    )
    page_obj = Paginator(hashes, RECEIPTS_PER_PAGE).get_page(request.GET.get("page"))
    context = _context(
        request,
        round_page,
        form=form,
        found=found,
        page_obj=page_obj,
        ballot_count=Ballot.objects.filter(round=round_page).count(),
        tally=published_tally(round_page),
    )
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "budgeting/receipts.html", context, status=status)


# --- paper ballots and running the round ------------------------------------------------------


def paper_entry(request, round_page):
    """Facilitators mark the voter roll as people take a sheet, and type the sheets one at a
    time: two separate forms and records, so nothing stored ties a person to a sheet."""
    response = _login_or_perm(request, "budgeting.enter_paper", round_page)
    if response:
        return response
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "check":
        return _in_person_check(request, round_page)
    if action == "roll":
        return _paper_roll(request, round_page)
    errors, status = [], 200
    district_rows = round_page.budget_rows()
    raw = request.POST.get("district") or request.GET.get("district") or ""
    district_id = int(raw) if raw.isdigit() else None
    if raw and district_id not in {row.district_id for row in district_rows}:
        errors.append(_("Choose one of the listed districts."))
        status, district_id = 400, None
    options = services.ballot_options(round_page, district_id)
    selection = []
    if request.method == "POST" and not errors:
        try:
            selection = selection_from(request.POST, round_page)
            if request.POST.get("resolve") == "1":
                if not request.user.has_perm("budgeting.manage_round", round_page):
                    raise PermissionDenied
                services.paper_mismatch_resolve(
                    round=round_page,
                    by=request.user,
                    sheet=request.POST.get("sheet", ""),
                    district_id=district_id,
                    selection=selection,
                )
                messages.success(request, _("The flagged sheet was settled and counted."))
                return redirect(f"{round_page.url}paper/")
            entry = services.paper_ballot_enter(
                round=round_page,
                by=request.user,
                sheet=request.POST.get("sheet", ""),
                district_id=district_id,
                selection=selection,
            )
        except DomainError as exc:
            errors.append(exc.message)
            status = _error_status(exc)
        else:
            messages.success(
                request,
                {
                    PaperEntryStatus.CONFIRMED: _("Sheet %(sheet)s was counted."),
                    PaperEntryStatus.PENDING: _(
                        "Sheet %(sheet)s was saved; a second facilitator must enter it too."
                    ),
                    PaperEntryStatus.MISMATCH: _(
                        "Sheet %(sheet)s differs from the first entry: it is flagged for review."
                    ),
                }[entry.status]
                % {"sheet": entry.sheet},
            )
            suffix = f"?district={district_id}" if district_id else ""
            return redirect(f"{round_page.url}paper/{suffix}")
    flagged = (
        PaperEntry.objects.filter(round=round_page, status=PaperEntryStatus.MISMATCH)
        .values_list("sheet", flat=True)
        .distinct()
    )
    context = _context(
        request,
        round_page,
        pots=_totals(round_page, options, selection, district_id),
        chosen=dict(selection),
        rank_of={pk: i + 1 for i, (pk, _p) in enumerate(selection)},
        errors=errors,
        district_id=district_id,
        district_rows=district_rows,
        rank_range=range(1, (round_page.max_selections or len(options) or 1) + 1),
        flagged=sorted(set(flagged)),
        can_resolve=request.user.has_perm("budgeting.manage_round", round_page),
        sheet=request.POST.get("sheet", "") or request.GET.get("sheet", ""),
    )
    return TemplateResponse(request, "budgeting/paper_entry.html", context, status=status)


def _paper_roll(request, round_page):
    """Mark the voter roll for a person who votes on paper (no sheet, no choices)."""
    try:
        services.paper_roll_mark(
            round=round_page,
            by=request.user,
            voter_identifier=request.POST.get("voter_identifier", ""),
        )
    except DomainError as exc:
        return TemplateResponse(
            request,
            "civitas/error.html",
            {"title": _("Not marked on the roll"), "message": exc.message},
            status=_error_status(exc),
        )
    messages.success(request, _("Marked on the voter roll: give the person a ballot sheet."))
    return redirect(f"{round_page.url}paper/")


def _in_person_check(request, round_page):
    """A facilitator records that they checked a person's documents (in-person rounds)."""
    person = (
        get_user_model()
        .objects.filter(email__iexact=(request.POST.get("person") or "").strip())
        .first()
    )
    if person is None:
        return TemplateResponse(
            request,
            "civitas/error.html",
            {"title": _("Not found"), "message": _("No account has this e-mail address.")},
            status=400,
        )
    services.in_person_check(round=round_page, user=person, by=request.user)
    messages.success(request, _("The person may now vote online."))
    return redirect(f"{round_page.url}paper/")


def manage(request, round_page):
    """Staff: turnout, close voting, count (progress shown), publish, codes, residents."""
    response = _login_or_perm(request, "budgeting.manage_round", round_page)
    if response:
        return response
    form = ManageForm(request.POST or None, request.FILES or None, round_page=round_page)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = data["action"]
        try:
            if action == "close":
                services.voting_close(round=round_page, by=request.user)
                messages.success(request, _("Voting is closed."))
            elif action == "count":
                services.tally_request(round=round_page, by=request.user, rule=data["rule"])
                messages.success(request, _("Counting has started."))
            elif action == "publish":
                tally = latest_tally(round_page)
                if tally is None:
                    raise DomainError(_("Count the ballots first."))
                services.result_publish(tally=tally, by=request.user)
                messages.success(request, _("The result is published."))
            elif action == "codes":
                codes = services.voting_codes_generate(
                    round=round_page, count=data["count"], by=request.user
                )
                return _csv_response(
                    f"{round_page.slug}-voting-codes.csv", [["code"], *([c] for c in codes)]
                )
            elif action == "residents":
                count = services.residents_upload(
                    round=round_page, rows=data["residents"], by=request.user
                )
                messages.success(request, _("%(n)s eligible residents loaded.") % {"n": count})
            elif action == "check":
                services.in_person_check(round=round_page, user=data["person"], by=request.user)
                messages.success(request, _("The person may now vote online."))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(f"{round_page.url}manage/")
    tally = latest_tally(round_page)
    paper = dict(
        PaperEntry.objects.filter(round=round_page).values_list("status").annotate(n=Count("pk"))
    )
    context = _context(
        request,
        round_page,
        form=form,
        tally=tally,
        running=tally is not None and tally.status in (TallyStatus.QUEUED, TallyStatus.RUNNING),
        ballots=Ballot.objects.filter(round=round_page).aggregate(
            online=Count("pk", filter=Q(channel="online")),
            paper=Count("pk", filter=Q(channel="paper")),
            total=Count("pk"),
        ),
        voters=VoterRecord.objects.filter(round=round_page).count(),
        paper=paper,
        voting_open=round_page.allows("vote"),
    )
    status = 400 if form.errors else 200
    return TemplateResponse(request, "budgeting/manage.html", context, status=status)


# --- results and exports ----------------------------------------------------------------------


def _result_pots(round_page, tally: Tally):
    """Each pot of a tally ready to show: projects with votes, cost, funded, and the steps."""
    proposals = {
        p.pk: p for p in Proposal.objects.filter(process=round_page).select_related("district")
    }
    names = {row.district_id: row.district.name for row in round_page.budget_rows()}
    pots = []
    for pot in tally.pots:
        winners = set(pot["winners"])
        votes = {int(k): v for k, v in pot["votes"].items()}
        most = max(votes.values(), default=0) or 1
        rows = sorted(
            (
                {
                    "proposal": proposals[pk],
                    "votes": n,
                    "funded": pk in winners,
                    "bar": round(100 * n / most, 1),
                }
                for pk, n in votes.items()
                if pk in proposals
            ),
            key=lambda r: (-r["votes"], r["proposal"].pk),
        )
        by_project_id = {p.project_id: p for p in proposals.values()}
        steps = []
        for step in pot["steps"]:
            step = dict(step)
            step["proposal"] = by_project_id.get(str(step.get("project", "")))
            steps.append(step)
        pots.append(
            {
                "name": names.get(pot["district"], _("City-wide")),
                "district": pot["district"],
                "budget": pot["budget"],
                "spent": pot["spent"],
                "left": pot["budget"] - pot["spent"],
                "voters": pot.get("voters", 0),
                "voter_budget": pot.get("voter_budget"),
                "rows": rows,
                "steps": steps,
                "chart_height": 24 * len(rows) + 8,
            }
        )
    return pots


def results(request, round_page):
    """The published result per pot: winners, money, votes, chart, explanation, checksum."""
    tally = published_tally(round_page)
    if tally is None:
        context = _context(request, round_page, tally=None)
        return TemplateResponse(request, "budgeting/results.html", context, status=404)
    pots = _result_pots(round_page, tally)
    wanted = request.GET.get("district", "")
    if wanted.isdigit():
        pots = [pot for pot in pots if pot["district"] == int(wanted)] or pots
    context = _context(request, round_page, tally=tally, pots=pots)
    return TemplateResponse(request, "budgeting/results.html", context)


def _csv_response(filename: str, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response


def results_csv(request, round_page):
    """The published result as CSV (one row per project and pot), formula-safe."""
    tally = published_tally(round_page)
    if tally is None:
        raise Http404
    rows = [["pot", "project_id", "title", "cost", "votes", "funded"]]
    for pot in _result_pots(round_page, tally):
        for row in pot["rows"]:
            p = row["proposal"]
            rows.append(
                [pot["name"], p.project_id, p.title, p.cost, row["votes"], int(row["funded"])]
            )
    return _csv_response(f"{round_page.slug}-results.csv", rows)


def export_pabulib(request, round_page):
    """The round (one pot) as a pabulib file, ballots anonymised; once results are published."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if published_tally(round_page) is None and not request.user.has_perm(
        "budgeting.manage_round", round_page
    ):
        raise Http404
    from .counting import write
    from .tallying import instance_for

    raw = request.GET.get("district", "")
    pots = {p["district"].pk if p["district"] else None: p for p in round_page.pots()}
    key = int(raw) if raw.isdigit() else None
    if key not in pots:
        raise Http404
    response = HttpResponse(content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_page.slug}.pb"'
    write(instance_for(round_page, key, pots[key]["budget"]), response)
    return response
