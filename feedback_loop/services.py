"""Services of the feedback loop: every change to a case goes through here.

Each service writes inside ``transaction.atomic()``, records the change on the case's timeline
and in Wagtail's audit log, and hands live updates, webhooks and notifications to the commit.
Services that a person triggers check the person's permission themselves (NotAllowed), so the
views, the API and the commands cannot forget it; ``by=None`` means the system itself.
"""

import datetime as dt
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from modeltranslation.utils import get_language as active_site_language
from wagtail.log_actions import log

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.core.text import normalise_text
from civitas.core.working_days import add_working_days, working_days_between

from . import attribution, live, signals, webhooks
from .models import (
    CLOSED_STATES,
    OPEN_STATES,
    Answer,
    AnswerContribution,
    Attachment,
    Case,
    CaseEvent,
    CaseInput,
    CaseState,
    Decision,
    Department,
    DepartmentToken,
    Priority,
    RoutingRule,
)
from .notices import department_notice
from .selectors import (
    city_settings,
    department_members,
    settings_for_process,
    taskforce_members,
)
from .sources import Group, Snapshot, SourceAdapter, adapter_for, sources

REASON_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 10_000
# Department members are reminded this many working days before the due date.
REMINDER_WORKING_DAYS = 3


def _require(by, perm: str, case=None) -> None:
    if by is not None and not by.has_perm(perm, case):
        raise NotAllowed(_("You may not do this with this case."))


def _text(value, *, code: str, required: bool, limit: int, message) -> str:
    text = normalise_text(value or "")
    if required and not text:
        raise DomainError(message, code=code)
    if len(text) > limit:
        raise DomainError(_("Keep it under %(limit)s characters.") % {"limit": limit}, code=code)
    return text


def record(case: Case, action: str, *, by=None, note: str = "", department=None, data=None):
    """Put one step on the case's timeline and in the audit log (inside the caller's atomic),
    naming the department API token that caused it, if one did."""
    data = {**(data or {}), **attribution.current()}
    event = CaseEvent.objects.create(
        case=case, action=action, actor=by, department=department, note=note, data=data or {}
    )
    log(
        instance=case,
        action=f"feedback_loop.case.{action}",
        user=by,
        title=f"case #{case.pk}",
        data={"state": case.state, "department": case.department_id, **(data or {})},
    )
    return event


def _after_commit(case: Case, *, webhook_event: str | None = None, added: bool = False) -> None:
    """After commit: tell the open inboxes that show the case (`added`: it just arrived in an
    inbox, which may show its row), and send the webhook event."""
    department_ids = {case.department_id} if case.department_id else set()
    transaction.on_commit(
        partial(
            live.push_changed,
            department_ids,
            case_ids=[case.pk],
            added=[case.pk] if added else [],
        ),
        robust=True,
    )
    if webhook_event:
        transaction.on_commit(
            partial(webhooks.dispatch, case_id=case.pk, event=webhook_event), robust=True
        )


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def due_date_for(case: Case, start: dt.date | None = None) -> dt.date:
    """The date an answer is due: the process's working days after `start` (today)."""
    days = settings_for_process(case.process_id).answer_working_days
    return add_working_days(start or timezone.localdate(), days, city_settings())


def working_days_left(case: Case, today: dt.date | None = None, calendar=None) -> int | None:
    """Working days until the due date (negative when overdue), None without a due date."""
    if case.due_date is None:
        return None
    return working_days_between(
        today or timezone.localdate(), case.due_date, calendar or city_settings()
    )


def becomes_case(adapter: SourceAdapter, process_id) -> bool:
    """Whether contributions of this source in this process are turned into cases."""
    chosen = settings_for_process(process_id).case_sources
    return adapter.key in chosen if chosen else adapter.default_on


# --- cases from contributions -------------------------------------------------------------


def case_open(*, contribution, adapter: SourceAdapter | None = None, route: bool = True):
    """Make a case from a contribution and route it; (case or None, created).

    Idempotent: a contribution that already has a case returns that case (the unique
    constraint on the contribution reference settles concurrent deliveries of one event).
    Returns (None, False) when the process does not turn this type into cases.
    """
    adapter = adapter or adapter_for(contribution)
    if adapter is None:
        raise DomainError(_("This kind of input cannot become a case."), code="source")
    content_type = ContentType.objects.get_for_model(contribution)
    existing = CaseInput.objects.filter(content_type=content_type, object_id=contribution.pk)
    found = existing.select_related("case").first()
    if found is not None:
        return found.case, False
    snap = adapter.snapshot(contribution)
    if not becomes_case(adapter, snap.process_id):
        return None, False
    try:
        with transaction.atomic():
            case = _case_from(adapter, snap)
            CaseInput.objects.create(
                case=case,
                source=adapter.key,
                content_type=content_type,
                object_id=contribution.pk,
                receipt_code=snap.receipt_code,
                title=snap.title[:200],
                url=snap.url[:400],
            )
            case = _opened(case, adapter, route=route)
    except IntegrityError:
        # Another delivery of the same event won the race: its case is the case.
        found = existing.select_related("case").first()
        if found is None:
            raise
        return found.case, False
    return case, True


# How often a grouped input looks again after losing a race (another first input of the
# group, or the same event delivered twice at once); each retry finds the winner's row.
COLLECT_ATTEMPTS = 5
# Case states whose inputs may still change (nothing has been told to the public yet).
UNANSWERED_STATES = (CaseState.NEW, CaseState.TRIAGE, *OPEN_STATES)


def _open_group_case(group: Group, *, adapter: SourceAdapter, snap) -> tuple[Case, bool]:
    """The open case of `group`, locked, or a new one (call inside an atomic block)."""
    case = (
        Case.objects.select_for_update()
        .filter(group_key=group.key)
        .exclude(state__in=CLOSED_STATES)
        .first()
    )
    if case is not None:
        return case, False
    case = _case_from(
        adapter,
        snap,
        group_key=group.key,
        title=group.title,
        text=group.text,
        topic_id=group.topic_id,
        district_id=group.district_id,
        channel="",
        theme=group.theme,
    )
    return case, True


def _case_from(adapter: SourceAdapter, snap, **fields) -> Case:
    """A new case with the snapshot's facts, `fields` taking precedence."""
    values = {
        "source": adapter.key,
        "title": snap.title,
        "text": snap.text,
        "topic_id": snap.topic_id,
        "district_id": snap.district_id,
        "process_id": snap.process_id,
        "channel": snap.channel,
        "language": snap.language,
        "theme": snap.theme,
        **fields,
    }
    values["title"], values["theme"] = values["title"][:200], values["theme"][:120]
    return Case.objects.create(**values)


def _opened(case: Case, adapter: SourceAdapter, *, route: bool = True, **data) -> Case:
    """Timeline, event, webhook and routing of a case just made (inside its atomic block)."""
    record(case, "created", data={"source": adapter.key, **data})
    signals.case_created.send_on_commit(sender=Case, case=case)
    _after_commit(case, webhook_event="case.created", added=True)
    return case_route(case=case) if route else case


def case_collect(
    *,
    contribution,
    part: str,
    text: str,
    adapter: SourceAdapter,
    group=None,
    title: str = "",
    theme: str = "",
) -> tuple[Case | None, bool]:
    """Put one part of a contribution (an open-text answer: `part` is its question) into the open
    case of its group, opening and routing that case when there is none, or into a case of its
    own when `group()` (called once, lazily) gives None; (case or None, added).

    Idempotent per (contribution, part): a repeated event updates the text while the case is
    unanswered and returns the case. Concurrent first inputs of one group settle on one case
    (unique open group key). Returns (None, False) when the process takes no such cases.
    """
    content_type = ContentType.objects.get_for_model(contribution)
    existing = CaseInput.objects.filter(
        content_type=content_type, object_id=contribution.pk, part=part
    ).select_related("case")
    found = existing.first()
    if found is not None:
        return _refresh_part(found, text), False
    snap = adapter.snapshot(contribution)
    if not becomes_case(adapter, snap.process_id):
        return None, False
    chosen = group() if callable(group) else group
    for _attempt in range(COLLECT_ATTEMPTS):
        try:
            with transaction.atomic():
                if chosen is None:
                    case = _case_from(
                        adapter, snap, title=title or snap.title, text=text, theme=theme
                    )
                    opened = True
                else:
                    case, opened = _open_group_case(chosen, adapter=adapter, snap=snap)
                CaseInput.objects.create(
                    case=case,
                    source=adapter.key,
                    content_type=content_type,
                    object_id=contribution.pk,
                    part=part,
                    receipt_code=snap.receipt_code,
                    title=(title or snap.title)[:200],
                    text=text,
                    url=snap.url[:400],
                )
                if opened:
                    case = _opened(case, adapter, group=chosen.key if chosen else "")
                else:
                    _after_commit(case)
            return case, True
        except IntegrityError:
            found = existing.first()
            if found is not None:
                return found.case, False
    raise Conflict(_("The input could not be added to a case; try again."))


def _refresh_part(found: CaseInput, text: str) -> Case:
    """A part delivered again (or changed by its author): keep its newest text while the case
    has not been answered in public."""
    if found.text == text:
        return found.case
    with transaction.atomic():
        case = _locked(found.case)
        if case.state in UNANSWERED_STATES:
            CaseInput.objects.filter(pk=found.pk).update(text=text)
            record(case, "input_edited", data={"input": found.pk})
            _after_commit(case)
    return case


def case_parts_kept(*, contribution, parts, adapter: SourceAdapter) -> int:
    """The contribution was changed and only `parts` still carry input: the other parts leave
    the unanswered cases they were in (answered cases keep them). Returns how many left."""
    content_type = ContentType.objects.get_for_model(contribution)
    gone = list(
        CaseInput.objects.filter(
            content_type=content_type, object_id=contribution.pk, source=adapter.key
        ).exclude(part__in=set(parts))
    )
    removed = 0
    for item in gone:
        with transaction.atomic():
            case = _locked(item.case)
            if case.state not in UNANSWERED_STATES:
                continue
            CaseInput.objects.filter(pk=item.pk).delete()
            record(case, "input_withdrawn", data={"part": item.part})
            _after_commit(case)
            removed += 1
    return removed


def case_sort_by_theme(*, case: Case, by) -> dict:
    """Move the inputs of an unanswered case that now carry a theme into their theme's open
    case (opened and routed when missing); {case id: inputs moved}. Inputs without a theme
    stay. Sorting again moves nothing more."""
    _require(by, "feedback_loop.triage_case", case)
    adapter = sources.get(case.source) if case.source in sources else None
    themes_of = adapter.extra.get("themes_of") if adapter else None
    if themes_of is None:
        raise DomainError(_("The inputs of this case have no themes."), code="source")
    theme_group = adapter.extra["theme_group"]
    with transaction.atomic():
        case = _locked(case)
        if case.state not in UNANSWERED_STATES:
            raise Conflict(_("The inputs of an answered case stay with it."))
        items = list(case.inputs.filter(source=adapter.key).exclude(part=""))
        themes = themes_of((item.object_id, item.part) for item in items)
        by_group: dict = {}
        for item in items:
            theme = themes.get((item.object_id, item.part))
            if theme is not None:
                group = theme_group(theme)
                if group.key != case.group_key:
                    by_group.setdefault(group.key, (group, []))[1].append(item.pk)
        moved = {}
        for group, ids in by_group.values():
            target = _move_into_group(case, group, ids, adapter=adapter, by=by)
            moved[target.pk] = len(ids)
        if moved:
            record(case, "inputs_sorted", by=by, data={"to": {str(k): v for k, v in moved.items()}})
            _after_commit(case)
    return moved


def _move_into_group(case: Case, group: Group, ids, *, adapter: SourceAdapter, by) -> Case:
    """Move the inputs `ids` of the locked `case` into the open case of `group`, opened and
    routed when there is none, and say so on that case's timeline (inside an atomic block)."""
    snap = Snapshot(title="", text="", process_id=case.process_id, language=case.language)
    try:
        with transaction.atomic():
            target, opened = _open_group_case(group, adapter=adapter, snap=snap)
    except IntegrityError as exc:
        raise Conflict(_("Another change to these cases came first; try again.")) from exc
    CaseInput.objects.filter(pk__in=ids).update(case=target)
    if opened:
        target = _opened(target, adapter, group=group.key)
    record(target, "inputs_joined", by=by, data={"from": case.pk, "count": len(ids)})
    _after_commit(target)
    return target


def case_input_regroup(
    *, contribution, part: str, group: Group, adapter: SourceAdapter, by=None
) -> Case | None:
    """One part of a contribution now belongs to `group` (an open-text answer a moderator
    tagged with a theme, tagged otherwise, or untagged: back to its question's group). It
    leaves the unanswered group case it is in for the open case of `group`, opened and routed
    when there is none; both timelines say so. A case left with no input and no answer is
    closed as grouped into the new one. Returns the part's case afterwards (None: it has none).

    Idempotent: a part already in the group's case stays, so a repeated event changes
    nothing. Parts of answered cases, and cases of their own, stay where they are.
    """
    content_type = ContentType.objects.get_for_model(contribution)
    items = CaseInput.objects.filter(
        content_type=content_type, object_id=contribution.pk, part=part, source=adapter.key
    )
    for _attempt in range(COLLECT_ATTEMPTS):
        item = items.select_related("case").first()
        if item is None:
            return None
        # The move locks the case it leaves and the case it joins: in id order, so two moves
        # in opposite directions between the same cases cannot deadlock.
        joined_id = (
            Case.objects.filter(group_key=group.key)
            .exclude(state__in=CLOSED_STATES)
            .values_list("pk", flat=True)
            .first()
        )
        with transaction.atomic():
            if joined_id is not None and joined_id < item.case_id:
                list(Case.objects.select_for_update().filter(pk=joined_id).values_list("pk"))
            case = _locked(item.case)
            if not items.filter(pk=item.pk, case=case).exists():
                continue  # moved by a concurrent change after it was read: read it again
            if case.group_key in ("", group.key) or case.state not in UNANSWERED_STATES:
                return case
            target = _move_into_group(case, group, [item.pk], adapter=adapter, by=by)
            record(case, "inputs_sorted", by=by, data={"to": {str(target.pk): 1}})
            if not case.inputs.exists() and not Answer.objects.filter(case=case).exists():
                Case.objects.filter(pk=case.pk).update(state=CaseState.MERGED, merged_into=target)
                case.state = CaseState.MERGED
                record(case, "grouped_into", by=by, data={"into": target.pk})
            _after_commit(case)
            return target
    raise Conflict(_("Another change to these cases came first; try again."))


def case_input_changed(*, contribution, adapter: SourceAdapter, action: str) -> Case | None:
    """The contribution behind a case was edited, withdrawn or hidden: note it on the timeline
    (and refresh the snapshot while nobody has answered yet)."""
    content_type = ContentType.objects.get_for_model(contribution)
    found = CaseInput.objects.filter(content_type=content_type, object_id=contribution.pk).first()
    if found is None:
        return None
    with transaction.atomic():
        case = _locked(found.case)
        snap = adapter.snapshot(contribution)
        found.title = snap.title[:200]
        found.save(update_fields=["title"])
        if (
            action == "edited"
            and case.state
            in (
                CaseState.NEW,
                CaseState.TRIAGE,
                CaseState.ROUTED,
                CaseState.ASSIGNED,
            )
            and case.inputs.count() == 1
        ):
            case.title, case.text = snap.title[:200], snap.text
            case.save(update_fields=["title", "text"])
        record(case, f"input_{action}", data={"input": found.pk})
        _after_commit(case)
    return case


def case_inputs_merged(*, duplicate, kept, adapter: SourceAdapter, by=None) -> Case | None:
    """The owning app merged one contribution into another: the duplicate's case is grouped
    into the kept one's (opened if needed); closed cases only get a timeline note."""
    content_type = ContentType.objects.get_for_model(duplicate)
    found = CaseInput.objects.filter(content_type=content_type, object_id=duplicate.pk).first()
    if found is None:
        return None
    target, _created = case_open(contribution=kept, adapter=adapter)
    if target is None or target.pk == found.case_id:
        return target
    try:
        return case_group(
            case=target,
            others=[found.case],
            by=None,
            reason=str(_("The input was merged into another by moderation.")),
        )
    except (Conflict, DomainError):
        with transaction.atomic():
            record(found.case, "input_merged", data={"into_case": target.pk})
        return target


def matching_rule(case: Case, rules=None) -> RoutingRule | None:
    """The first active rule (by priority) whose criteria all match the case."""
    if rules is None:
        rules = RoutingRule.objects.filter(active=True).order_by("priority", "pk")
    return next((rule for rule in rules if rule.matches(case)), None)


def case_route(*, case: Case, rules=None, today=None) -> Case:
    """Route a new case by the rules: to the first matching department, else to triage."""
    with transaction.atomic():
        case = _locked(case)
        if case.state != CaseState.NEW:
            raise Conflict(_("This case was already routed."))
        rule = matching_rule(case, rules)
        if rule is None:
            case.state = CaseState.TRIAGE
            case.save(update_fields=["state"])
            record(case, "triage")
            _after_commit(case, added=True)
            return case
        case.state = CaseState.ROUTED
        case.department_id = rule.department_id
        case.routed_at = timezone.now()
        case.due_date = due_date_for(case, today)
        case.save(update_fields=["state", "department", "routed_at", "due_date"])
        record(case, "routed", department=rule.department, data={"rule": rule.pk})
        _notify_department(case)
        _after_commit(case, webhook_event="case.assigned", added=True)
    return case


def cases_route_pending(*, batch_size: int = 500, today=None) -> dict:
    """Route every case still new (after an import, or if routing failed when it was made), in
    batches of one transaction each; the timeline, audit log and department notices are
    written in bulk. Returns {"routed": n, "triage": n}."""
    from wagtail.models import ModelLogEntry

    from .models import Webhook

    rules = list(RoutingRule.objects.filter(active=True).order_by("priority", "pk"))
    today = today or timezone.localdate()
    calendar = city_settings()
    due_dates: dict = {}
    process_days: dict = {}
    content_type = ContentType.objects.get_for_model(Case)
    hooks = Webhook.objects.filter(active=True).exists()
    totals = {"routed": 0, "triage": 0}
    while True:
        with transaction.atomic():
            batch = list(
                Case.objects.select_for_update()
                .filter(state=CaseState.NEW)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            now = timezone.now()
            events, entries, per_department = [], [], {}
            for case in batch:
                rule = matching_rule(case, rules)
                if rule is None:
                    case.state = CaseState.TRIAGE
                    action, data = "triage", {}
                else:
                    if case.process_id not in process_days:
                        process_days[case.process_id] = settings_for_process(
                            case.process_id
                        ).answer_working_days
                    days = process_days[case.process_id]
                    if days not in due_dates:
                        due_dates[days] = add_working_days(today, days, calendar)
                    case.state = CaseState.ROUTED
                    case.department_id = rule.department_id
                    case.routed_at = now
                    case.due_date = due_dates[days]
                    action, data = "routed", {"rule": rule.pk}
                    per_department.setdefault(rule.department_id, []).append(case)
                events.append(
                    CaseEvent(
                        case=case,
                        action=action,
                        department_id=case.department_id,
                        data=data,
                        created_at=now,
                    )
                )
                entries.append(
                    ModelLogEntry(
                        content_type=content_type,
                        object_id=str(case.pk),
                        label=f"case #{case.pk}",
                        action=f"feedback_loop.case.{action}",
                        data={"state": case.state, "department": case.department_id, **data},
                        timestamp=now,
                    )
                )
                totals["routed" if rule else "triage"] += 1
            Case.objects.bulk_update(batch, ["state", "department", "routed_at", "due_date"])
            CaseEvent.objects.bulk_create(events)
            ModelLogEntry.objects.bulk_create(entries)
            for department_id, cases in per_department.items():
                department_notice(
                    department=department_id,
                    kind="feedback_loop.case_assigned",
                    title=_("%(count)s new cases for your department"),
                    params={"count": len(cases)},
                    url=reverse("feedback_loop:inbox"),
                )
                if hooks:
                    for case in cases:
                        transaction.on_commit(
                            partial(webhooks.dispatch, case_id=case.pk, event="case.assigned"),
                            robust=True,
                        )
            transaction.on_commit(
                partial(live.push_changed, set(per_department), added=[case.pk for case in batch]),
                robust=True,
            )
    return totals


def _notify_department(case: Case) -> None:
    department_notice(
        department=case.department_id,
        kind="feedback_loop.case_assigned",
        title=_("New case for your department: %(title)s"),
        params={"title": case.title},
        url=case_url(case),
    )


def case_url(case: Case) -> str:
    return reverse("feedback_loop:case", args=[case.pk])


# --- triage -------------------------------------------------------------------------------


def case_assign(*, case: Case, department: Department, by, reason: str = "") -> Case:
    """Give a case to a department (from triage, or reassign with a reason); due date restarts."""
    reason = _text(reason, code="reason", required=False, limit=REASON_MAX_LENGTH, message="")
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.triage_case", case)
        if case.state not in (CaseState.NEW, CaseState.TRIAGE, *OPEN_STATES):
            raise Conflict(_("This case is closed."))
        if case.department_id == department.pk and case.state != CaseState.TRIAGE:
            raise Conflict(_("The case is already with this department."))
        reassigning = case.department_id is not None
        if reassigning and not reason:
            raise DomainError(_("Say why the case moves to another department."), code="reason")
        old = case.department_id
        case.department = department
        case.state = CaseState.ASSIGNED
        case.routed_at = timezone.now()
        case.due_date = due_date_for(case)
        case.reminded_at = case.escalated_at = None
        case.save(
            update_fields=[
                "department",
                "state",
                "routed_at",
                "due_date",
                "reminded_at",
                "escalated_at",
            ]
        )
        record(
            case,
            "reassigned" if reassigning else "assigned",
            by=by,
            note=reason,
            department=department,
            data={"from": old},
        )
        _notify_department(case)
        if old:
            transaction.on_commit(partial(live.push_changed, {old}), robust=True)
        _after_commit(case, webhook_event="case.assigned", added=True)
    return case


def case_return(*, case: Case, by, reason: str) -> Case:
    """A member of the lead department sends a case that is not theirs back to triage with a
    reason (required): the department and its due date are cleared, the taskforce is told.
    Refused once the answer is approved (NotAllowed, Conflict under a concurrent change)."""
    reason = _text(
        reason,
        code="reason",
        required=True,
        limit=REASON_MAX_LENGTH,
        message=_("Say why this case is not for your department."),
    )
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.return_case", case)
        if case.state not in (CaseState.ROUTED, CaseState.ASSIGNED, CaseState.DRAFTED):
            raise Conflict(_("This case can no longer be returned to the taskforce."))
        department = case.department
        case.state = CaseState.TRIAGE
        case.department = None
        case.due_date = None
        case.reminded_at = case.escalated_at = None
        case.save(update_fields=["state", "department", "due_date", "reminded_at", "escalated_at"])
        record(
            case,
            "returned",
            by=by,
            note=reason,
            department=department,
            data={"from": department.pk},
        )
        from civitas.notifications.services import notify

        notify(
            recipients=list(taskforce_members()),
            kind="feedback_loop.case_returned",
            title=_("%(department)s returned a case to triage: %(title)s"),
            # "%" doubled: the body is filled in with the params too.
            body=reason.replace("%", "%%"),
            params={"department": department.name, "title": case.title},
            url=case_url(case),
        )
        transaction.on_commit(partial(live.push_changed, {department.pk}), robust=True)
        _after_commit(case, added=True)
    return case


def case_set_priority(*, case: Case, priority: int, by) -> Case:
    try:
        priority = Priority(int(priority))
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Choose one of the listed priorities."), code="priority") from exc
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.triage_case", case)
        if case.priority == priority:
            return case
        old = case.priority
        case.priority = priority
        case.save(update_fields=["priority"])
        record(case, "priority", by=by, data={"from": old, "to": int(priority)})
        _after_commit(case)
    return case


def case_mark_out_of_scope(*, case: Case, reason: str, by) -> Case:
    """Close a case as outside what the city can decide: a published outcome whose answer
    (decision "out of scope", in the active language) is the public reason. The owning apps
    hear it and the people concerned are told as for any published answer; a draft answer is
    replaced. Marking it again with the same reason changes and tells nothing."""
    reason = _text(
        reason,
        code="reason",
        required=True,
        limit=REASON_MAX_LENGTH,
        message=_("Give the public reason why this is out of scope."),
    )
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.triage_case", case)
        if case.state == CaseState.OUT_OF_SCOPE and case.out_of_scope_reason == reason:
            return case
        if case.state in (CaseState.PUBLISHED, CaseState.OUT_OF_SCOPE, CaseState.MERGED):
            raise Conflict(_("This case is closed."))
        now = timezone.now()
        language = active_site_language()
        answer = Answer.objects.filter(case=case).first() or Answer(case=case, drafted_by=by)
        replaced = answer.decision if answer.pk else None
        answer.decision = Decision.OUT_OF_SCOPE
        _set_texts(answer, {language: reason})
        answer.approved_by, answer.approved_at, answer.published_at = by, now, now
        answer.save()
        case.state = CaseState.OUT_OF_SCOPE
        case.out_of_scope_reason = reason
        case.answered_at = now
        case.save(update_fields=["state", "out_of_scope_reason", "answered_at"])
        record(
            case,
            "out_of_scope",
            by=by,
            note=reason,
            data={"language": language, "replaced_draft": replaced},
        )
        _announce(case, answer, by)
        signals.answer_published.send_on_commit(sender=Case, case=case, answer=answer)
        _after_commit(case, webhook_event="case.answered")
    return case


def case_group(*, case: Case, others, by, reason: str = "") -> Case:
    """Group other open cases into `case` (duplicates, one theme): their inputs move over and
    are answered with it; the others are closed as grouped."""
    _require(by, "feedback_loop.triage_case", case)
    reason = _text(reason, code="reason", required=False, limit=REASON_MAX_LENGTH, message="")
    other_ids = sorted({o.pk for o in others} - {case.pk})
    if not other_ids:
        raise DomainError(_("Choose at least one other case to group."), code="cases")
    closed = (CaseState.PUBLISHED, CaseState.OUT_OF_SCOPE, CaseState.MERGED)
    with transaction.atomic():
        # Lock in id order so two groupings of overlapping cases cannot deadlock.
        locked = list(
            Case.objects.select_for_update()
            .filter(pk__in=sorted([case.pk, *other_ids]))
            .order_by("pk")
        )
        target = next(c for c in locked if c.pk == case.pk)
        moved = [c for c in locked if c.pk != case.pk]
        if target.state in closed or any(c.state in closed for c in moved):
            raise Conflict(_("Closed cases cannot be grouped."))
        if len(moved) != len(other_ids):
            raise DomainError(_("Some of these cases do not exist."), code="cases")
        CaseInput.objects.filter(case_id__in=other_ids).update(case=target)
        Case.objects.filter(pk__in=other_ids).update(state=CaseState.MERGED, merged_into=target)
        for other in moved:
            other.state = CaseState.MERGED
            record(other, "grouped_into", by=by, note=reason, data={"into": target.pk})
        record(target, "grouped", by=by, note=reason, data={"cases": other_ids})
        _after_commit(target)
        departments = {c.department_id for c in moved if c.department_id}
        transaction.on_commit(partial(live.push_changed, departments), robust=True)
    return target


def case_add_contributing_department(*, case: Case, department: Department, by) -> Case:
    """Ask another department to contribute to the case's answer (it then sees the case)."""
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.triage_case", case)
        if department.pk == case.department_id:
            raise Conflict(_("This is the case's own department."))
        if case.contributing_departments.filter(pk=department.pk).exists():
            return case
        case.contributing_departments.add(department)
        record(case, "department_invited", by=by, department=department)
        department_notice(
            department=department,
            kind="feedback_loop.contribution_requested",
            title=_("Your department is asked to contribute to an answer: %(title)s"),
            params={"title": case.title},
            url=case_url(case),
        )
        transaction.on_commit(
            partial(live.push_changed, {department.pk}, case_ids=[case.pk], added=[case.pk]),
            robust=True,
        )
    return case


BULK_ACTIONS = ("assign", "priority", "out_of_scope")


def cases_bulk(*, cases, action: str, by, department=None, priority=None, reason: str = "") -> int:
    """Apply one triage action to many cases, all or nothing; returns how many changed."""
    if action not in BULK_ACTIONS:
        raise DomainError(_("Unknown action."), code="action")
    if action == "assign" and department is None:
        raise DomainError(_("Choose a department."), code="department")
    changed = 0
    with transaction.atomic():
        for case in cases:
            if action == "assign":
                if case.department_id == department.pk:
                    continue
                case_assign(case=case, department=department, by=by, reason=reason)
            elif action == "priority":
                case_set_priority(case=case, priority=priority, by=by)
            else:
                case_mark_out_of_scope(case=case, reason=reason, by=by)
            changed += 1
    return changed


SYSTEM_STATUSES = ("received", "in_progress", "waiting")


def case_status_from_system(*, case: Case, department: Department, status: str, note: str = ""):
    """A department's own case system reports progress; it goes on the timeline only."""
    if status not in SYSTEM_STATUSES:
        raise DomainError(_("Unknown status."), code="status")
    note = _text(note, code="note", required=False, limit=REASON_MAX_LENGTH, message="")
    with transaction.atomic():
        case = _locked(case)
        if case.department_id != department.pk:
            raise NotAllowed(_("This case belongs to another department."))
        if case.state not in OPEN_STATES:
            raise Conflict(_("This case is closed."))
        record(case, "api_status", note=note, department=department, data={"status": status})
        _after_commit(case)
    return case


# --- answers ------------------------------------------------------------------------------


def _decision(value) -> str:
    if value not in Decision.values:
        raise DomainError(_("Choose one of the listed decisions."), code="decision")
    return value


def site_languages() -> list[str]:
    """Codes of the site's languages (settings.LANGUAGES), in order."""
    return [code for code, _name in settings.LANGUAGES]


def _set_texts(answer: Answer, texts: dict) -> list[str]:
    """Put `texts` ({language: public text}) on the answer and empty the other languages (None,
    so that readers of those languages get the fallback); returns the fields that changed."""
    changed = []
    for code in site_languages():
        field = build_localized_fieldname("public_text", code)
        value = texts.get(code) or None
        if getattr(answer, field) != value:
            setattr(answer, field, value)
            changed.append(field)
    return changed


def _translations(translations, *, original: str) -> dict:
    """{language: checked text} of the given translations, without the original language;
    DomainError for a language the site does not have."""
    checked = {}
    for code, text in (translations or {}).items():
        if code not in site_languages():
            raise DomainError(_("This site has no such language."), code="language")
        if code != original:
            checked[code] = _text(
                text,
                code=f"public_text_{code}",
                required=False,
                limit=ANSWER_MAX_LENGTH,
                message="",
            )
    return checked


def answer_language(case: Case) -> str:
    """The language the case's answer was written (and approved) in: the active language of
    its last draft or out-of-scope decision; the site's default for answers before that."""
    data = (
        case.events.filter(action__in=("drafted", "out_of_scope"))
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    language = (data or {}).get("language")
    return language if language in site_languages() else settings.LANGUAGE_CODE


def answer_draft(
    *,
    case: Case,
    by,
    decision: str,
    public_text: str,
    internal_notes: str = "",
    translations: dict | None = None,
) -> Answer:
    """Write or rewrite the answer of a case (state: drafted); the department or the taskforce.

    `public_text` is the answer in the active language, `translations` ({language: text}) the
    other site languages (empty: none). Without `translations`, the translations already there
    stay while the text is unchanged and are dropped when it changes (they would say
    something else)."""
    decision = _decision(decision)
    public_text = _text(
        public_text,
        code="public_text",
        required=True,
        limit=ANSWER_MAX_LENGTH,
        message=_("Write the public answer."),
    )
    internal_notes = _text(
        internal_notes, code="internal_notes", required=False, limit=ANSWER_MAX_LENGTH, message=""
    )
    language = active_site_language()
    given = _translations(translations, original=language)
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.draft_answer", case)
        if case.state not in (CaseState.ROUTED, CaseState.ASSIGNED, CaseState.DRAFTED):
            raise Conflict(_("The answer of this case can no longer be changed."))
        answer = Answer.objects.filter(case=case).first() or Answer(case=case)
        if translations is None and answer.pk:
            before = answer_language(case)
            field = build_localized_fieldname("public_text", before)
            if before == language and getattr(answer, field) == public_text:
                given = {
                    code: getattr(answer, build_localized_fieldname("public_text", code)) or ""
                    for code in site_languages()
                    if code != language
                }
        _set_texts(answer, {**given, language: public_text})
        answer.decision = decision
        answer.internal_notes = internal_notes
        answer.drafted_by = by
        answer.drafted_at = timezone.now()
        answer.save()
        case.state = CaseState.DRAFTED
        case.save(update_fields=["state"])
        record(
            case,
            "drafted",
            by=by,
            department=case.department,
            data={
                "decision": decision,
                "language": language,
                "translations": sorted(code for code, text in given.items() if text),
            },
        )
        _after_commit(case)
    return answer


ANSWERED_STATES = (CaseState.APPROVED, CaseState.PUBLISHED, CaseState.OUT_OF_SCOPE)


def answer_translate(*, case: Case, by, translations: dict) -> Answer:
    """The taskforce adds or corrects translations of an approved or published answer (or an
    out-of-scope reason) without approving it again; the text in the language it was written
    and approved in stays as it is (Conflict). Each change is on the timeline and in the audit
    log; sending the same translations again changes nothing."""
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.translate_answer", case)
        if case.state not in ANSWERED_STATES:
            raise Conflict(_("Translations are added here once the answer is approved."))
        answer = Answer.objects.select_for_update().filter(case=case).first()
        if answer is None:
            raise Conflict(_("This case has no answer to translate."))
        original = answer_language(case)
        original_field = build_localized_fieldname("public_text", original)
        sent_original = (translations or {}).get(original)
        if sent_original is not None and normalise_text(sent_original) not in (
            "",
            getattr(answer, original_field),
        ):
            raise Conflict(
                _("The answer in the language it was approved in can no longer be changed.")
            )
        given = _translations(translations, original=original)
        changed = []
        for code, text in given.items():
            field = build_localized_fieldname("public_text", code)
            if (getattr(answer, field) or "") != text:
                setattr(answer, field, text or None)
                changed.append(code)
        if changed:
            answer.save(
                update_fields=[build_localized_fieldname("public_text", c) for c in changed]
            )
            record(case, "translated", by=by, data={"languages": sorted(changed)})
            _after_commit(case)
    return answer


def answer_contribute(*, case: Case, department: Department, by, text: str) -> AnswerContribution:
    """A contributing department adds its part to the case's answer."""
    text = _text(
        text, code="text", required=True, limit=ANSWER_MAX_LENGTH, message=_("Write your part.")
    )
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.contribute_answer", case)
        if not case.contributing_departments.filter(pk=department.pk).exists():
            raise NotAllowed(_("This department was not asked to contribute."))
        answer = Answer.objects.filter(case=case).first()
        if answer is None:
            raise Conflict(_("The lead department has not drafted an answer yet."))
        part = AnswerContribution.objects.create(
            answer=answer, department=department, author=by, text=text
        )
        record(case, "contributed", by=by, department=department)
        _after_commit(case)
    return part


def answer_approve(*, case: Case, by) -> Case:
    """The taskforce approves a drafted answer; publication follows."""
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.approve_answer", case)
        if case.state != CaseState.DRAFTED:
            raise Conflict(_("Only a drafted answer can be approved."))
        Answer.objects.filter(case=case).update(approved_by=by, approved_at=timezone.now())
        case.state = CaseState.APPROVED
        case.save(update_fields=["state"])
        record(case, "approved", by=by)
        _after_commit(case)
    return case


def contributions_of(inputs) -> dict:
    """{(content type id, object id): contribution} of the inputs still there, one query per
    content type."""
    wanted: dict = {}
    for item in inputs:
        wanted.setdefault(item.content_type_id, set()).add(item.object_id)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for pk, obj in model._base_manager.in_bulk(ids).items():
            found[(type_id, pk)] = obj
    return found


def answer_publish(*, case: Case, by) -> Case:
    """Publish the answer: each input's owning app hears it, and everyone concerned whom no
    owning app told is told here. Needs approval unless the process switched it off."""
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.publish_answer", case)
        approval = settings_for_process(case.process_id).approval_required
        allowed = (CaseState.APPROVED,) if approval else (CaseState.DRAFTED, CaseState.APPROVED)
        if case.state not in allowed:
            raise Conflict(
                _("The answer must be approved before it is published.")
                if case.state == CaseState.DRAFTED
                else _("There is no answer ready to publish.")
            )
        answer = case.answer
        now = timezone.now()
        answer.published_at = now
        answer.save(update_fields=["published_at"])
        case.state = CaseState.PUBLISHED
        case.answered_at = now
        case.save(update_fields=["state", "answered_at"])
        _announce(case, answer, by)
        record(case, "published", by=by, data={"decision": answer.decision})
        signals.answer_published.send_on_commit(sender=Case, case=case, answer=answer)
        _after_commit(case, webhook_event="case.answered")
    return case


# Returned for a source whose owning app told everyone concerned with its contribution.
EVERYONE = object()


def concerned_people(contributions: dict) -> dict:
    """{key: {user ids}} of the author, supporters and followers of each contribution in
    `contributions` ({(content type id, object id): contribution}); two queries in all."""
    from civitas.interactions.models import Follow, Support

    people = {key: set() for key in contributions}
    by_type: dict = {}
    for (type_id, pk), contribution in contributions.items():
        by_type.setdefault(type_id, set()).add(pk)
        if getattr(contribution, "author_id", None):
            people[(type_id, pk)].add(contribution.author_id)
    if not by_type:
        return people
    targets = Q()
    for type_id, ids in by_type.items():
        targets |= Q(target_type_id=type_id, target_id__in=ids)
    for model in (Support, Follow):
        rows = model.objects.filter(targets).values_list("target_type_id", "target_id", "user_id")
        for type_id, pk, user_id in rows:
            people[(type_id, pk)].add(user_id)
    return people


def _announce(case: Case, answer: Answer, by) -> None:
    """Tell each input's owning app about the published outcome (once per contribution), then
    tell the authors, supporters and followers whom no owning app told, each once (inside the
    caller's atomic block; a constant number of queries besides the owning apps' own)."""
    from django.contrib.auth import get_user_model

    from civitas.notifications.services import notify

    inputs = list(case.inputs.all())
    contributions = contributions_of(inputs)
    owner_told: dict = {}
    for item in inputs:
        key = (item.content_type_id, item.object_id)
        contribution = contributions.get(key)
        if item.source not in sources or contribution is None or key in owner_told:
            continue
        adapter = sources.get(item.source)
        told = adapter.publish(contribution, case, answer, by)
        if told is None:
            told = EVERYONE if adapter.owner_notifies else set()
        owner_told[key] = told
    people = concerned_people({key: contributions[key] for key in owner_told})
    already = {getattr(by, "pk", None)}
    for key, told in owner_told.items():
        already |= people[key] if told is EVERYONE else set(told)
    recipients = set().union(*people.values()) - already
    if not recipients:
        return
    authors = {
        contributions[key].author_id
        for key in owner_told
        if getattr(contributions[key], "author_id", None) in recipients
    }
    url = next((item.url for item in inputs if item.url), "") or (
        reverse("feedback_loop:how_used", args=[case.process_id])
        if case.process_id
        else reverse("feedback_loop:receipt")
    )
    # The answer in each reader's language (notify renders the body once per language);
    # "%" is doubled because the body is filled in with the title's placeholder.
    body = lazy(lambda: (answer.public_text or "")[:500].replace("%", "%%"), str)()
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=recipients)}
    for ids, title in (
        (authors, _("The city answered your input: %(title)s")),
        (recipients - authors, _("The city answered “%(title)s”, which you support or follow")),
    ):
        if ids:
            notify(
                recipients=[users[pk] for pk in sorted(ids) if pk in users],
                kind="feedback_loop.answer_published",
                title=title,
                body=body,
                params={"title": case.title},
                url=url,
            )


def case_review_proposal(
    *, case: Case, item: CaseInput, by, feasible: bool | None, reason: str = "", revised_cost=None
) -> Case:
    """The department answering a case reviews the budget proposal behind `item` through the
    budgeting app's review service: feasibility (None: still under review), a public reason
    (required when not feasible) and a revised cost. Raises NotAllowed, Conflict, DomainError."""
    reason = _text(reason, code="reason", required=False, limit=REASON_MAX_LENGTH, message="")
    with transaction.atomic():
        case = _locked(case)
        _require(by, "feedback_loop.review_proposal", case)
        if case.state not in (CaseState.ROUTED, CaseState.ASSIGNED, CaseState.DRAFTED):
            raise Conflict(_("This case is no longer open for an answer."))
        adapter = sources.get(item.source) if item.source in sources else None
        review = adapter.extra.get("review") if adapter else None
        if item.case_id != case.pk or review is None:
            raise DomainError(_("Choose a proposal of this case."), code="item")
        contribution = contributions_of([item]).get((item.content_type_id, item.object_id))
        if contribution is None:
            raise Conflict(_("This proposal no longer exists."))
        reviewed = review(
            contribution,
            by=by,
            feasible=feasible,
            reason=reason,
            revised_cost=revised_cost,
            department_name=case.department.name if case.department else None,
        )
        record(
            case,
            "proposal_reviewed",
            by=by,
            department=case.department,
            note=reason,
            data={
                "input": item.pk,
                "feasible": feasible,
                "revised_cost": getattr(reviewed, "revised_cost", None),
            },
        )
        _after_commit(case)
    return case


def attachment_add(*, case: Case, by, file, title: str, public: bool) -> Attachment:
    _require(by, "feedback_loop.draft_answer", case)
    title = _text(
        title, code="title", required=True, limit=150, message=_("Give the file a title.")
    )
    with transaction.atomic():
        attachment = Attachment.objects.create(
            case=case, file=file, title=title, public=bool(public), uploaded_by=by
        )
        record(case, "attachment_added", by=by, data={"attachment": attachment.pk})
    return attachment


# --- deadlines ----------------------------------------------------------------------------


def _chase(cases, *, stamp: str, action: str, recipients, title) -> int:
    """Stamp each case once (reminded_at / escalated_at), note it and tell `recipients(case)`;
    the stamp, read again under the row lock, keeps concurrent runs from telling twice."""
    from civitas.notifications.services import notify

    told = 0
    for case in cases.iterator():
        with transaction.atomic():
            case = _locked(case)
            if getattr(case, stamp) is not None:
                continue
            setattr(case, stamp, timezone.now())
            case.save(update_fields=[stamp])
            record(case, action, data={"due_date": case.due_date.isoformat()})
            notify(
                recipients=recipients(case),
                kind="feedback_loop.deadline",
                title=title,
                params={"date": case.due_date.isoformat(), "title": case.title},
                url=case_url(case),
            )
            _after_commit(case)
            told += 1
    return told


def deadlines_run(*, today: dt.date | None = None) -> dict:
    """Remind departments of cases due soon and escalate overdue cases to the taskforce.

    Each case is reminded once and escalated once (per assignment), so running this as often
    as a scheduler likes sends nothing twice.
    """
    today = today or timezone.localdate()
    soon = add_working_days(today, REMINDER_WORKING_DAYS, city_settings())
    reminded = _chase(
        Case.objects.open().filter(
            reminded_at__isnull=True, due_date__gte=today, due_date__lte=soon
        ),
        stamp="reminded_at",
        action="reminded",
        recipients=lambda case: list(department_members([case.department_id])),
        title=_("An answer is due on %(date)s: %(title)s"),
    )
    escalated = _chase(
        Case.objects.overdue(today).filter(escalated_at__isnull=True),
        stamp="escalated_at",
        action="escalated",
        recipients=lambda case: list(taskforce_members()),
        title=_("Overdue since %(date)s: %(title)s"),
    )
    return {"reminded": reminded, "escalated": escalated}


# --- API tokens of departments' own case systems ----------------------------------------

TOKEN_LABEL_MAX_LENGTH = 80


def token_issue(*, department: Department, label: str, by) -> tuple[DepartmentToken, str]:
    """A new API token for `department`; (token, raw value). The raw value is shown once and
    only its hash is stored."""
    _require(by, "feedback_loop.manage_tokens")
    label = _text(
        label,
        code="label",
        required=True,
        limit=TOKEN_LABEL_MAX_LENGTH,
        message=_("Give the token a name, such as the system that will use it."),
    )
    with transaction.atomic():
        token, raw = DepartmentToken.issue(department=department, label=label)
        log(
            instance=token,
            action="feedback_loop.token.issued",
            user=by,
            title=str(token),
            data={"department": department.pk, "label": label},
        )
    return token, raw


def token_revoke(*, token, by):
    """Revoke a token: the department's system is refused from now on. Revoking twice is
    harmless (the first revocation stands)."""
    _require(by, "feedback_loop.manage_tokens")
    with transaction.atomic():
        token = DepartmentToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log(
            instance=token,
            action="feedback_loop.token.revoked",
            user=by,
            title=str(token),
            data={"department": token.department_id},
        )
    return token


# --- people -------------------------------------------------------------------------------


def forget_person(user) -> None:
    """Account deletion: drop the person from timelines and answers they wrote (kept anonymous)."""
    CaseEvent.objects.filter(actor=user).update(actor=None)
    Answer.objects.filter(drafted_by=user).update(drafted_by=None)
    Answer.objects.filter(approved_by=user).update(approved_by=None)
    AnswerContribution.objects.filter(author=user).update(author=None)
    Attachment.objects.filter(uploaded_by=user).update(uploaded_by=None)
