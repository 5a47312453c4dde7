"""Reads of the feedback loop: which cases a person sees, counts, and the public figures."""

from django.db.models import Count, F, Q
from django.db.models.lookups import In
from django.utils import timezone

from civitas.accounts.models import Role, RoleAssignment
from civitas.accounts.roles import holds_role

from .models import (
    OPEN_STATES,
    Case,
    CaseState,
    Department,
    ProcessSettings,
)
from .rules import department_ids
from .sources import sources

DEFAULT_SETTINGS = ProcessSettings(approval_required=True, answer_working_days=20)


def settings_for_process(process_id) -> ProcessSettings:
    """The feedback settings of a process page, or the defaults when it has none."""
    if process_id is None:
        return DEFAULT_SETTINGS
    found = ProcessSettings.objects.filter(process_id=process_id).first()
    return found or DEFAULT_SETTINGS


def city_settings(request=None):
    """The default site's CitySettings (holiday calendar), unsaved defaults without a site.

    With a request the default site serves, the request's own copy: the page's header reads
    the same row, so it is read once."""
    from wagtail.models import Site

    from civitas.core.models import CitySettings

    if request is not None:
        site = Site.find_for_request(request)
        if site is not None and site.is_default_site:
            return CitySettings.for_request(request)
    site = Site.objects.filter(is_default_site=True).first()
    return CitySettings.for_site(site) if site else CitySettings()


def sees_all_cases(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser
        or holds_role(user, Role.ADMINISTRATOR)
        or holds_role(user, Role.TASKFORCE)
    )


class InSubquery(In):
    """`field IN (subquery)`, written `field = ANY(ARRAY(subquery))` on PostgreSQL: there the
    subquery runs once and the condition can use an index beside an OR, where `IN (subquery)`
    under an OR made PostgreSQL read the whole case table for every inbox."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def of_departments(ids) -> Q:
    """Cases that one of the departments leads or was asked to contribute to."""
    ids = list(ids)
    contributing = Case.contributing_departments.through.objects.filter(
        department_id__in=ids
    ).values("case_id")
    return Q(department_id__in=ids) | Q(InSubquery(F("pk"), contributing))


def cases_visible_to(user):
    """Every case the person may see: all for the taskforce, their departments' otherwise.

    Lists, search, exports, the live inbox and attachments all start from this queryset.
    """
    cases = Case.objects.all()
    if sees_all_cases(user):
        return cases
    ids = department_ids(user)
    if not ids:
        return cases.none()
    return cases.filter(of_departments(ids))


def departments_visible_to(user):
    if sees_all_cases(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=department_ids(user))


def department_members(department_ids_):
    """Active people holding the department-member role for any of the given departments."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Department)
    user_ids = RoleAssignment.objects.filter(
        role=Role.DEPARTMENT_MEMBER, scope_type=ct, scope_id__in=list(department_ids_)
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True)


def taskforce_members():
    from django.contrib.auth import get_user_model

    user_ids = RoleAssignment.objects.filter(role=Role.TASKFORCE, scope_type__isnull=True).values(
        "user_id"
    )
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True)


def inbox_counts(cases, today=None) -> dict:
    """Counters shown on an inbox (and pushed live): triage, open, overdue, awaiting approval,
    and `total`, the number of cases listed (the inbox's paginator takes it instead of counting
    again). One query grouped by state: two counts per case instead of four filters."""
    today = today or timezone.localdate()
    by_state = {
        state: (number, late)
        for state, number, late in cases.order_by()
        .values_list("state")
        .annotate(number=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
    }
    open_rows = [by_state.get(state, (0, 0)) for state in OPEN_STATES]
    return {
        "triage": by_state.get(CaseState.TRIAGE, (0, 0))[0],
        "open": sum(number for number, _late in open_rows),
        "overdue": sum(late for _number, late in open_rows),
        "drafted": by_state.get(CaseState.DRAFTED, (0, 0))[0],
        "total": sum(number for number, _late in by_state.values()),
    }


def dashboard_cached() -> dict:
    """The public dashboard's figures of the default period (see `feedback_loop.dashboard`)."""
    from .dashboard import figures_cached

    return figures_cached()


def department_ids_of(user) -> set[int]:
    return department_ids(user)


def public_cases(*, process_id=None):
    """Cases as the public may see them: not grouped away, with their public answer."""
    cases = Case.objects.exclude(state=CaseState.MERGED).exclude(state=CaseState.NEW)
    if process_id is not None:
        cases = cases.filter(process_id=process_id)
    return cases


PUBLIC_STATES = (CaseState.PUBLISHED, CaseState.OUT_OF_SCOPE)


def how_used_totals(cases) -> dict:
    """Counts for a process page: inputs, answered and waiting cases, cases per decision."""
    from .models import CaseInput

    counts = cases.aggregate(
        answered=Count("pk", filter=Q(state__in=PUBLIC_STATES)),
        waiting=Count("pk", filter=~Q(state__in=PUBLIC_STATES)),
        out_of_scope=Count("pk", filter=Q(state=CaseState.OUT_OF_SCOPE)),
    )
    decisions = dict(
        cases.filter(state=CaseState.PUBLISHED)
        .values_list("answer__decision")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out_of_scope = counts["out_of_scope"]
    if out_of_scope:
        decisions["out_of_scope"] = decisions.get("out_of_scope", 0) + out_of_scope
    return {
        "inputs": CaseInput.objects.filter(case__in=cases).count(),
        "answered": counts["answered"],
        "waiting": counts["waiting"],
        "decisions": decisions,
    }


HOW_USED_CACHE_SECONDS = 60


def how_used_totals_cached(cases, *, key: str) -> dict:
    """how_used_totals of a process page's (filtered) cases, computed at most once a minute per
    `key`: counting every input of a large process on each request is the page's main cost."""
    from django.core.cache import cache

    return cache.get_or_set(
        f"feedback_loop:how_used:{key}", lambda: how_used_totals(cases), HOW_USED_CACHE_SECONDS
    )


def how_used_order(cases):
    """Theme, topic and department together (by id: an index serves the order, where sorting by
    translated names would sort every case of the process per page)."""
    return cases.order_by("theme", "topic_id", "department_id", "-created_at", "pk")


SAMPLE_INPUTS = 5
# On public pages a sample is drawn from this many first inputs per sample place, so that a
# few inputs the public may not see in a row still leave a full sample.
PUBLIC_SAMPLE_DEPTH = 3


def with_input_samples(
    cases: list, size: int = SAMPLE_INPUTS, count: bool = True, public: bool = False
) -> list:
    """Give each case `sample_inputs` (its first `size` inputs) and, with `count`, `input_count`
    and `more_inputs`: a case that groups hundreds of answers shows a few of them. Two queries
    (one without `count`), whatever the group sizes.

    With `public`, samples hold only inputs the owning apps show the public (not withdrawn,
    not hidden, survey answers only once results are public; see ``sources.visibility``: a
    few more queries per kind of input, never per input) and `withheld` says a case has input
    that is not shown; `input_count` still counts every input."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from .models import CaseInput
    from .sources.visibility import public_input_ids

    ids = [case.pk for case in cases]
    counts = (
        dict(
            CaseInput.objects.filter(case_id__in=ids)
            .order_by()
            .values_list("case_id")
            .annotate(n=Count("pk"))
        )
        if count
        else {}
    )
    depth = size * PUBLIC_SAMPLE_DEPTH if public else size
    rows = list(
        CaseInput.objects.filter(case_id__in=ids)
        .annotate(rank=Window(RowNumber(), partition_by=F("case_id"), order_by=F("pk").asc()))
        .filter(rank__lte=depth)
        .order_by("case_id", "pk")
    )
    shown = public_input_ids(rows) if public else None
    samples: dict = {}
    withheld: set = set()
    for item in rows:
        if shown is not None and item.pk not in shown:
            withheld.add(item.case_id)
            continue
        found = samples.setdefault(item.case_id, [])
        if len(found) < size:
            found.append(item)
    for case in cases:
        case.sample_inputs = samples.get(case.pk, [])
        case.input_count = counts.get(case.pk, len(case.sample_inputs))
        case.more_inputs = max(0, case.input_count - len(case.sample_inputs))
        case.withheld = case.pk in withheld or (public and not case.sample_inputs)
        if public:
            case.source_label = sources.get(case.source).label if case.source in sources else ""
    return cases


def how_used_groups(cases):
    """Cases (one page of them) grouped by theme (or topic) and department, each with a sample
    of the inputs the public may see and the number of all, and, once published, its decision
    and answer. Four queries, and a few per kind of input for what the public may see."""
    from django.db.models import Prefetch

    from .models import Attachment

    cases = list(
        cases.select_related("department", "topic", "answer").prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(public=True),
                to_attr="public_attachments",
            ),
        )
    )
    with_input_samples(cases, public=True)
    groups: dict = {}
    for case in cases:
        case.public_answer = case.answer_or_none if case.state == CaseState.PUBLISHED else None
        theme = case.theme or (case.topic.name if case.topic else "")
        key = (theme, case.department.name if case.department else "")
        groups.setdefault(key, []).append(case)
    return [
        {"theme": theme, "department": department, "cases": items}
        for (theme, department), items in groups.items()
    ]


def recent_answers(limit: int = 5):
    """The latest published answers of public processes (or of none), for the home page, each
    with its first input the public may see."""
    from wagtail.models import Page

    public_processes = Page.objects.live().public().values("pk")
    return with_input_samples(
        list(
            Case.objects.filter(state=CaseState.PUBLISHED)
            .filter(Q(process__isnull=True) | Q(process__in=public_processes))
            .select_related("answer", "department", "process")
            .order_by("-answered_at", "-pk")[:limit]
        ),
        size=1,
        count=False,
        public=True,
    )
