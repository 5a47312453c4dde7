"""Views of the feedback loop: staff inboxes and case pages, and the public accountability pages.

Staff pages start from ``cases_visible_to(user)``, so a case of another department is simply
not found (404); actions ask ``has_perm`` once (403) and the services change state.
"""

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from modeltranslation.utils import build_localized_fieldname
from wagtail.models import Page

from civitas.core.errors import DomainError
from civitas.core.exports import safe_cell
from civitas.core.working_days import holiday_calendar, is_working_day

from . import dashboard as dashboard_module
from . import selectors, services
from .forms import (
    AnswerForm,
    AnswerTranslationForm,
    AssignForm,
    AttachmentForm,
    BulkForm,
    ContributionForm,
    GroupForm,
    HowUsedFilterForm,
    InboxFilterForm,
    InviteForm,
    OutOfScopeForm,
    PriorityForm,
    ProposalReviewForm,
    ReceiptForm,
    ReturnForm,
    TokenForm,
    translation_field_name,
)
from .models import (
    OPEN_STATES,
    Attachment,
    Case,
    CaseInput,
    CaseState,
    Decision,
    Department,
    DepartmentToken,
    FreeTextGrouping,
    Priority,
)
from .sources import reviewable_sources

PER_PAGE = 25
HOW_USED_PER_PAGE = 100
PRINT_PER_PAGE = 1000


def _staff(request, perm="feedback_loop.view_inbox", obj=None):
    """None when the person may see this staff page, else a login redirect; 403 otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    return None


class DueDates:
    """Working days left per due date, with one holiday calendar for the whole page."""

    def __init__(self, today=None, request=None):
        self.today = today or timezone.localdate()
        self.calendar = selectors.city_settings(request)
        self._days_off = None
        self._cache: dict = {}

    def days_off(self, years):
        if self._days_off is None:
            self._days_off = holiday_calendar(self.calendar, years)
        return self._days_off

    def left(self, due: dt.date | None) -> int | None:
        if due is None:
            return None
        if due not in self._cache:
            start, end = sorted((self.today, due))
            days_off = self.days_off(range(self.today.year - 1, self.today.year + 3))
            count, day = 0, start
            while day < end:
                day += dt.timedelta(days=1)
                if is_working_day(day, days_off):
                    count += 1
            self._cache[due] = count if due >= self.today else -count
        return self._cache[due]

    @staticmethod
    def label(case) -> str:
        if case.days_left is None:
            return ""
        if case.overdue:
            return ngettext(
                "overdue by %(n)s working day", "overdue by %(n)s working days", case.days_overdue
            ) % {"n": case.days_overdue}
        return ngettext("%(n)s working day left", "%(n)s working days left", case.days_left) % {
            "n": case.days_left
        }

    def annotate(self, cases):
        for case in cases:
            case.days_left = self.left(case.due_date) if case.state in OPEN_STATES else None
            case.overdue = case.days_left is not None and case.due_date < self.today
            case.days_overdue = -case.days_left if case.overdue else 0
            case.due_label = self.label(case)
        return cases


def _filtered(request, cases, departments):
    form = InboxFilterForm(request.GET or None, departments=departments)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            cases = cases.filter(state=data["state"])
        for name in ("department", "topic", "district"):
            if data[name]:
                cases = cases.filter(**{name: data[name]})
        if data["overdue"]:
            cases = cases.overdue(timezone.localdate())
        if data["q"]:
            cases = cases.filter(Q(title__icontains=data["q"]) | Q(text__icontains=data["q"]))
    return form, cases


INBOX_ORDER = ("-priority", "due_date", "-created_at", "-pk")
# What an inbox row shows (the case's text stays in the database).
INBOX_COLUMNS = (
    "state",
    "priority",
    "title",
    "due_date",
    "created_at",
    "department",
    "topic",
    "district",
)


class InboxPaginator(Paginator):
    """An inbox's pages. The number of cases is the inbox's counters' total (no second count),
    and a page first reads its ids in the inbox's order, narrow rows that an index serves,
    then joins departments, topics and districts to those 25 cases only (joining every
    matching case before sorting was most of the page's database time)."""

    def __init__(self, cases, per_page, *, count):
        super().__init__(cases.order_by(*INBOX_ORDER), per_page)
        self.count = count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self.object_list.values("pk")[bottom : bottom + self.per_page]
        rows = (
            Case.objects.filter(pk__in=ids)
            .select_related("department", "topic", "district")
            .only(*INBOX_COLUMNS)
            .order_by(*INBOX_ORDER)
        )
        return self._get_page(rows, number, self)


def _with_labels(cases):
    """Each row's state and priority in words, each label translated once per page:
    `get_state_display` looks up every choice's translation again on every row."""
    states = {value: str(label) for value, label in CaseState.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    for case in cases:
        case.state_label = states.get(case.state, case.state)
        case.priority_label = priorities.get(case.priority, case.priority)
    return cases


def _inbox_page(
    request, cases, *, title, departments, template="feedback_loop/inbox.html", extra=None
):
    form, cases = _filtered(request, cases, departments)
    counts = selectors.inbox_counts(cases)
    page_obj = InboxPaginator(cases, PER_PAGE, count=counts["total"]).get_page(
        request.GET.get("page")
    )
    DueDates(request=request).annotate(page_obj.object_list)
    _with_labels(page_obj.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    can_manage = request.user.has_perm("feedback_loop.manage_cases")
    context = {
        "title": title,
        "filter_form": form,
        "counts": counts,
        "page_obj": page_obj,
        "cases": page_obj.object_list,
        "query_string": query.urlencode(),
        "can_manage": can_manage,
        "bulk_form": BulkForm(cases=Case.objects.none()) if can_manage else None,
        # The filter's own list: the menu and the select read the departments once.
        "departments": form.fields["department"].queryset,
        **(extra or {}),
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, template, context, status=status)


def _visible(request):
    return selectors.cases_visible_to(request.user).exclude(state=CaseState.MERGED)


def _main_inbox(request):
    """(cases, title) of the person's main inbox before its filters."""
    cases = _visible(request)
    if request.user.has_perm("feedback_loop.manage_cases") and not request.GET:
        # The taskforce opens on the cases that wait for it.
        cases = cases.filter(state__in=[CaseState.NEW, CaseState.TRIAGE])
        return cases, _("Taskforce inbox: cases waiting for triage")
    if request.user.has_perm("feedback_loop.manage_cases"):
        return cases, _("Taskforce inbox")
    return cases, _("Your departments' cases")


def inbox(request):
    """The taskforce inbox (every case, triage first) or a member's cases of their departments."""
    denied = _staff(request)
    if denied:
        return denied
    cases, title = _main_inbox(request)
    return _inbox_page(
        request,
        cases,
        title=title,
        departments=selectors.departments_visible_to(request.user),
        extra={"live_groups": "all", "row_url": reverse("feedback_loop:inbox_row", args=[0])},
    )


def _department_cases(department):
    # Every case of the department is visible to whoever may open its inbox (its members and
    # the taskforce): one department filter, not the person's visibility on top of it.
    return Case.objects.exclude(state=CaseState.MERGED).filter(
        selectors.of_departments([department.pk])
    )


def department_inbox(request, slug):
    """One department's cases, with due dates in working days; members of it and the taskforce."""
    department = get_object_or_404(Department, slug=slug)
    denied = _staff(request, "feedback_loop.view_department", department)
    if denied:
        return denied
    return _inbox_page(
        request,
        _department_cases(department),
        title=_("Cases of %(department)s") % {"department": department.name},
        departments=Department.objects.filter(pk=department.pk),
        extra={
            "department": department,
            "row_url": reverse("feedback_loop:department_row", args=[department.slug, 0]),
        },
    )


def inbox_row(request, pk, slug=None):
    """One case's row as the inbox (the main one, or a department's with `slug`) shows it with
    the same GET parameters, for the live inbox to insert a case that arrived: 204 when the
    case is not in that list, 404 when the person may not see it at all."""
    if slug is None:
        denied = _staff(request)
        if denied:
            return denied
        cases, _title = _main_inbox(request)
        departments = selectors.departments_visible_to(request.user)
    else:
        department = get_object_or_404(Department, slug=slug)
        denied = _staff(request, "feedback_loop.view_department", department)
        if denied:
            return denied
        cases = _department_cases(department)
        departments = Department.objects.filter(pk=department.pk)
    if not _visible(request).filter(pk=pk).exists():
        raise Http404
    form, cases = _filtered(request, cases, departments)
    if form.is_bound and form.errors:
        return HttpResponseBadRequest(_("The filter is not valid."))
    case = (
        cases.filter(pk=pk)
        .select_related("department", "topic", "district")
        .only(*INBOX_COLUMNS)
        .first()
    )
    if case is None:
        response = HttpResponse(status=204)
    else:
        DueDates(request=request).annotate([case])
        _with_labels([case])
        response = TemplateResponse(
            request,
            "feedback_loop/includes/case_row.html",
            {"case": case, "can_manage": request.user.has_perm("feedback_loop.manage_cases")},
        )
    # A staff list's content: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def approvals(request):
    """Drafted answers waiting for the taskforce's approval."""
    denied = _staff(request, "feedback_loop.manage_cases")
    if denied:
        return denied
    cases = _visible(request).filter(state=CaseState.DRAFTED)
    return _inbox_page(
        request,
        cases,
        title=_("Answers waiting for approval"),
        departments=Department.objects.all(),
    )


@require_POST
def bulk(request):
    denied = _staff(request, "feedback_loop.manage_cases")
    if denied:
        return denied
    form = BulkForm(request.POST, cases=_visible(request))
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
        return redirect("feedback_loop:inbox")
    data = form.cleaned_data
    try:
        changed = services.cases_bulk(
            cases=list(data["cases"].order_by("pk")),
            action=data["action"],
            by=request.user,
            department=data["department"],
            priority=data["priority"],
            reason=data["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("feedback_loop:inbox")
    messages.success(request, _("%(count)s cases changed.") % {"count": changed})
    return redirect("feedback_loop:inbox")


def export_csv(request):
    """The cases the person sees (filtered like the inbox), as CSV without personal data."""
    denied = _staff(request)
    if denied:
        return denied
    _form, cases = _filtered(
        request, _visible(request), selectors.departments_visible_to(request.user)
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "id",
            "state",
            "priority",
            "department",
            "topic",
            "district",
            "title",
            "created_at",
            "due_date",
            "answered_at",
        ]
    )
    for case in cases.select_related("department", "topic", "district").order_by("pk").iterator():
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    case.pk,
                    case.state,
                    case.priority,
                    case.department.name if case.department else "",
                    case.topic.name if case.topic else "",
                    case.district.name if case.district else "",
                    case.title,
                    case.created_at.isoformat(),
                    case.due_date.isoformat() if case.due_date else "",
                    case.answered_at.isoformat() if case.answered_at else "",
                )
            ]
        )
    return response


# --- one case -----------------------------------------------------------------------------

ACTION_FORMS = {
    "assign": AssignForm,
    "priority": PriorityForm,
    "out-of-scope": OutOfScopeForm,
    "group": GroupForm,
    "invite": InviteForm,
    "answer": AnswerForm,
    "translate": AnswerTranslationForm,
    "contribute": ContributionForm,
    "attach": AttachmentForm,
    "review": ProposalReviewForm,
    "return": ReturnForm,
}
ACTION_PERMS = {
    "assign": "feedback_loop.triage_case",
    "priority": "feedback_loop.triage_case",
    "out-of-scope": "feedback_loop.triage_case",
    "group": "feedback_loop.triage_case",
    "invite": "feedback_loop.triage_case",
    "answer": "feedback_loop.draft_answer",
    "translate": "feedback_loop.translate_answer",
    "contribute": "feedback_loop.contribute_answer",
    "attach": "feedback_loop.draft_answer",
    "approve": "feedback_loop.approve_answer",
    "publish": "feedback_loop.publish_answer",
    "review": "feedback_loop.review_proposal",
    "sort": "feedback_loop.triage_case",
    "return": "feedback_loop.return_case",
}
INPUTS_PER_PAGE = 50


def _form_kwargs(case, action) -> dict:
    """Arguments a case's action form needs beyond its data: the proposals a review is about,
    the language an approved answer was written in."""
    if action == "review":
        return {"items": case.inputs.filter(source__in=reviewable_sources())}
    if action == "translate":
        return {"original": services.answer_language(case)}
    return {}


def _answer_texts(answer) -> dict:
    """{form field: text} of the answer in each site language, as stored (no fallback)."""
    if answer is None:
        return {}
    language = services.active_site_language()
    texts = {}
    for code in services.site_languages():
        value = getattr(answer, build_localized_fieldname("public_text", code)) or ""
        texts["public_text" if code == language else translation_field_name(code)] = value
    return texts


def _case_for(request, pk):
    case = (
        _visible(request)
        .select_related("department", "topic", "district", "process")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def _case_context(request, case, forms=None):
    user = request.user
    answer = case.answer_or_none
    perms = {action: user.has_perm(perm, case) for action, perm in ACTION_PERMS.items()}
    forms = forms or {}
    initial_answer = (
        {
            "decision": answer.decision,
            "internal_notes": answer.internal_notes,
            **_answer_texts(answer),
        }
        if answer
        else None
    )
    built = {}
    for action, form_class in ACTION_FORMS.items():
        if not perms[action]:
            continue
        if action in forms:
            built[action] = forms[action]
        elif action == "answer":
            built[action] = form_class(initial=initial_answer, prefix=action)
        elif action == "translate":
            built[action] = form_class(
                initial=_answer_texts(answer), prefix=action, **_form_kwargs(case, action)
            )
        elif action == "priority":
            built[action] = form_class(initial={"priority": case.priority}, prefix=action)
        else:
            built[action] = form_class(prefix=action, **_form_kwargs(case, action))
    DueDates(request=request).annotate([case])
    settings = selectors.settings_for_process(case.process_id)
    member_departments = set(selectors.department_ids_of(user))
    return {
        "case": case,
        "title": case.title,
        "answer": answer,
        "contributions": answer.contributions.select_related("department") if answer else [],
        "inputs": Paginator(case.inputs.order_by("pk"), INPUTS_PER_PAGE).get_page(
            request.GET.get("inputs")
        ),
        "events": case.events.select_related("actor", "department"),
        "attachments": case.attachments.all(),
        "contributing": case.contributing_departments.all(),
        "grouped": case.grouped_cases.all(),
        "can": perms,
        "forms": built,
        "member_departments": member_departments,
        "approval_required": settings.approval_required,
        "sorts_by_theme": bool(case.group_key)
        and settings.free_text_grouping == FreeTextGrouping.THEME,
    }


def case_detail(request, pk):
    denied = _staff(request)
    if denied:
        return denied
    case = _case_for(request, pk)
    return TemplateResponse(request, "feedback_loop/case_detail.html", _case_context(request, case))


@require_POST
def case_action(request, pk, action):
    """One action on a case from its page; invalid input re-renders the page with errors (400)."""
    denied = _staff(request)
    if denied:
        return denied
    case = _case_for(request, pk)
    if action not in ACTION_PERMS:
        raise Http404
    if not request.user.has_perm(ACTION_PERMS[action], case):
        raise PermissionDenied
    form = None
    if action in ACTION_FORMS:
        form = ACTION_FORMS[action](
            request.POST, request.FILES, prefix=action, **_form_kwargs(case, action)
        )
        if not form.is_valid():
            context = _case_context(request, case, {action: form})
            context["form"] = form
            return TemplateResponse(request, "feedback_loop/case_detail.html", context, status=400)
    try:
        message = _run_action(request, case, action, form.cleaned_data if form else {})
    except DomainError as exc:
        if form is not None:
            form.add_error(None, exc.message)
            context = _case_context(request, case, {action: form})
            context["form"] = form
            return TemplateResponse(
                request, "feedback_loop/case_detail.html", context, status=exc.status_code
            )
        messages.error(request, exc.message)
        return redirect("feedback_loop:case", pk=case.pk)
    messages.success(request, message)
    if action == "return" and not _visible(request).filter(pk=case.pk).exists():
        # The case left the department: its page is no longer the member's to see.
        return redirect("feedback_loop:inbox")
    return redirect("feedback_loop:case", pk=case.pk)


def _run_action(request, case, action, data) -> str:
    by = request.user
    if action == "assign":
        services.case_assign(case=case, department=data["department"], by=by, reason=data["reason"])
        return _("The case was assigned to %(department)s.") % {"department": data["department"]}
    if action == "priority":
        services.case_set_priority(case=case, priority=data["priority"], by=by)
        return _("Priority changed.")
    if action == "out-of-scope":
        services.case_mark_out_of_scope(case=case, reason=data["reason"], by=by)
        return _("The case was closed as out of scope.")
    if action == "group":
        others = list(_visible(request).filter(pk__in=data["others"]))
        if len(others) != len(data["others"] - {case.pk}) or not others:
            raise DomainError(_("Some of these case numbers were not found."), code="others")
        services.case_group(case=case, others=others, by=by, reason=data["reason"])
        return _("The cases were grouped into this case.")
    if action == "invite":
        services.case_add_contributing_department(case=case, department=data["department"], by=by)
        return _("%(department)s can now contribute.") % {"department": data["department"]}
    if action == "answer":
        services.answer_draft(
            case=case,
            by=by,
            decision=data["decision"],
            public_text=data["public_text"],
            internal_notes=data["internal_notes"],
            translations=_translations_in(data),
        )
        return _("The answer was saved as a draft.")
    if action == "translate":
        services.answer_translate(case=case, by=by, translations=_translations_in(data))
        return _("The translations of the answer were saved.")
    if action == "contribute":
        ids = selectors.department_ids_of(by)
        department = case.contributing_departments.filter(pk__in=ids).first()
        if department is None:
            raise DomainError(_("Your department was not asked to contribute."), code="text")
        services.answer_contribute(case=case, department=department, by=by, text=data["text"])
        return _("Your department's part was added.")
    if action == "attach":
        services.attachment_add(
            case=case, by=by, file=data["file"], title=data["title"], public=data["public"]
        )
        return _("The file was attached.")
    if action == "approve":
        services.answer_approve(case=case, by=by)
        return _("The answer was approved.")
    if action == "review":
        services.case_review_proposal(
            case=case,
            item=data["item"],
            by=by,
            feasible=ProposalReviewForm.VALUES[data["feasibility"]],
            reason=data["reason"],
            revised_cost=data["revised_cost"],
        )
        return _("The proposal's review was recorded.")
    if action == "return":
        services.case_return(case=case, by=by, reason=data["reason"])
        return _("Case #%(number)s was returned to the taskforce.") % {"number": case.pk}
    if action == "sort":
        moved = services.case_sort_by_theme(case=case, by=by)
        count = sum(moved.values())
        return ngettext(
            "%(n)s answer was sorted into theme cases.",
            "%(n)s answers were sorted into theme cases.",
            count,
        ) % {"n": count}
    services.answer_publish(case=case, by=by)
    return _("The answer was published.")


def _translations_in(data) -> dict:
    """{language: text} of an answer form's translation fields."""
    prefix = translation_field_name("")
    return {
        name.removeprefix(prefix): value
        for name, value in data.items()
        if name.startswith(prefix) and name != "public_text"
    }


def attachment(request, pk):
    """A case's file: staff who see the case, or anyone for public files of published answers."""
    item = get_object_or_404(Attachment.objects.select_related("case"), pk=pk)
    public = item.public and item.case.state == CaseState.PUBLISHED
    if not public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.cases_visible_to(request.user).filter(pk=item.case_id).exists():
            raise Http404
    response = FileResponse(item.file.open("rb"), as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


TOKENS_PER_PAGE = 50
LANDING_PROCESSES = 50


def tokens(request):
    """The taskforce issues API tokens for departments' own case systems (each value shown once,
    on the page that answers the form), sees when each was last used, and revokes them."""
    denied = _staff(request, "feedback_loop.manage_tokens")
    if denied:
        return denied
    form = TokenForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, raw = services.token_issue(
                    department=form.cleaned_data["department"],
                    label=form.cleaned_data["label"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_error("label", exc.message)
                status = exc.status_code
            else:
                issued = {"token": token, "raw": raw}
                form = TokenForm()
        else:
            status = 400
    page_obj = Paginator(
        DepartmentToken.objects.select_related("department").order_by(
            "revoked_at", "-created_at", "-pk"
        ),
        TOKENS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    response = TemplateResponse(
        request,
        "feedback_loop/tokens.html",
        {
            "title": _("API tokens of departments"),
            "form": form,
            "issued": issued,
            "page_obj": page_obj,
        },
        status=status,
    )
    # The page may carry a token's only showing: never keep it in a cache or the history.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request, pk):
    denied = _staff(request, "feedback_loop.manage_tokens")
    if denied:
        return denied
    token = get_object_or_404(DepartmentToken, pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(label)s” was revoked.") % {"label": token.label})
    return redirect("feedback_loop:tokens")


def landing(request):
    """The feedback loop's front door: staff get their inboxes, everyone the receipt lookup,
    the dashboard and the processes whose input is being answered."""
    user = request.user
    staff = user.is_authenticated and user.has_perm("feedback_loop.view_inbox")
    processes = (
        Page.objects.live()
        .public()
        .filter(pk__in=selectors.public_cases().values("process_id"))
        .order_by("title")[:LANDING_PROCESSES]
    )
    return TemplateResponse(
        request,
        "feedback_loop/landing.html",
        {
            "title": _("How the city answers your input"),
            "staff": staff,
            "can_manage": staff and user.has_perm("feedback_loop.manage_cases"),
            "departments": selectors.departments_visible_to(user) if staff else [],
            "receipt_form": ReceiptForm(),
            "processes": processes,
        },
    )


# --- public pages -------------------------------------------------------------------------


RECEIPT_ITEMS = 50


def receipt_lookup(request):
    """Anyone with a receipt code sees the status and answer of what they gave with it (one input,
    or each answer of a survey response), without an account."""
    form = ReceiptForm(request.GET or None)
    items = []
    status = 200
    if form.is_bound:
        if form.is_valid():
            items = list(
                CaseInput.objects.filter(receipt_code=form.cleaned_data["code"])
                .select_related("case", "case__department", "case__answer")
                .order_by("pk")[:RECEIPT_ITEMS]
            )
            if not items:
                form.add_error("code", _("No input has this receipt code. Check the code."))
                status = 404
        else:
            status = 400
    public = {
        case_id: []
        for case_id in {item.case_id for item in items if item.case.state == CaseState.PUBLISHED}
    }
    for attachment in Attachment.objects.filter(case_id__in=public, public=True):
        public[attachment.case_id].append(attachment)
    for item in items:
        item.public_attachments = public.get(item.case_id, [])
    return TemplateResponse(
        request,
        "feedback_loop/receipt.html",
        {"form": form, "items": items, "title": _("Look up your input")},
        status=status,
    )


def how_used(request, page_id):
    """Per process: every input, grouped by theme and department, with decisions and answers."""
    process = get_object_or_404(Page.objects.live().public(), pk=page_id)
    form = HowUsedFilterForm(request.GET or None)
    cases = selectors.public_cases(process_id=process.pk)
    department, decision = None, ""
    if form.is_bound and form.is_valid():
        department, decision = form.cleaned_data["department"], form.cleaned_data["decision"]
        if department:
            cases = cases.filter(department=department)
        if decision:
            cases = cases.filter(answer__decision=decision)
    totals = selectors.how_used_totals_cached(
        cases, key=f"{process.pk}:{department.pk if department else ''}:{decision}"
    )
    printable = request.GET.get("print") == "1"
    per_page = PRINT_PER_PAGE if printable else HOW_USED_PER_PAGE
    page_obj = Paginator(selectors.how_used_order(cases), per_page).get_page(
        request.GET.get("page")
    )
    groups = selectors.how_used_groups(page_obj.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "feedback_loop/how_used.html",
        {
            "process": process,
            "title": _("How your input was used: %(process)s") % {"process": process.title},
            "form": form,
            "groups": groups,
            "totals": totals,
            "decisions": Decision,
            "printable": printable,
            "page_obj": page_obj,
            "query_string": query.urlencode(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _dashboard_filter(request):
    """The dashboard's filter form and its valid choices (the default period when invalid)."""
    form = dashboard_module.DashboardFilter(request.GET or None)
    return form, form.filters()


def dashboard(request):
    """The public accountability dashboard: rates and times to answer per department, process
    and month, each table with charts of the same numbers; filters are GET parameters."""
    form, filters = _dashboard_filter(request)
    data = dashboard_module.figures_cached(**filters)
    department, process = filters.get("department"), filters.get("process")
    process_names = dict(form.fields["process"].choices)
    subject = department.name if department else process_names.get(process, "")
    months_table = (
        _("Figures by month of input: %(subject)s") % {"subject": subject}
        if subject
        else _("Figures by month of input")
    )
    tables = [
        {
            "id": "months",
            "heading": _("Over time"),
            "caption": months_table,
            "rows": data["months"],
            "first": _("Month"),
            "kind": "months",
        },
        {
            "id": "departments",
            "heading": _("By department"),
            "caption": _("Figures by department"),
            "rows": data["departments"],
            "first": _("Department"),
            "kind": "departments",
        },
        {
            "id": "processes",
            "heading": _("By process"),
            "caption": _("Figures by process"),
            "rows": data["processes"],
            "first": _("Process"),
            "kind": "processes",
        },
    ]
    for table in tables:
        table["charts"] = dashboard_module.charts_for(
            table["rows"], prefix=table["id"], table=table["caption"]
        )
    query = request.GET.copy() if not form.errors else {}
    return TemplateResponse(
        request,
        "feedback_loop/dashboard.html",
        {
            "title": _("Accountability dashboard"),
            "form": form,
            "data": data,
            "tables": tables,
            "subject": subject,
            "csv_query": query.urlencode() if query else "",
        },
        status=400 if form.errors else 200,
    )


def dashboard_csv(request):
    """The dashboard's tables, with the same filter, as CSV (UTF-8 with a byte order mark so
    that spreadsheets read it as such; names made safe from formulas)."""
    form, filters = _dashboard_filter(request)
    if form.errors:
        return HttpResponseBadRequest(
            _("The filter is not valid: check the department, process and period."),
            content_type="text/plain; charset=utf-8",
        )
    data = dashboard_module.figures_cached(**filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="accountability.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in dashboard_module.csv_rows(data):
        writer.writerow([safe_cell(cell) for cell in row])
    return response
