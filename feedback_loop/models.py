"""Cases made from contributions, the departments that answer them, and how they were answered."""

import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from civitas.core.text import validate_clean_text


class Department(models.Model):
    """A part of the city administration that answers input about the topics it owns."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_clean_text])
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, validators=[validate_clean_text])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    topics = models.ManyToManyField(
        "participation.Topic", verbose_name=_("topics owned"), blank=True, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("contact_email"),
        FieldPanel("topics"),
    ]

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class DepartmentToken(models.Model):
    """An API token of one department's own case system; only its hash is stored."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="tokens"
    )
    label = models.CharField(_("label"), max_length=80, validators=[validate_clean_text])
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("department API token")
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("department API tokens")

    def __str__(self):
        return f"{self.department}: {self.label}"

    @classmethod
    def issue(cls, *, department: Department, label: str) -> tuple["DepartmentToken", str]:
        """A new token for `department`; the raw value is returned once and never stored."""
        raw = "cvt_" + secrets.token_urlsafe(32)
        token = cls.objects.create(department=department, label=label, token_hash=hash_token(raw))
        return token, raw


class FreeTextGrouping(models.TextChoices):
    ANSWER = "answer", _("One case per answer")
    QUESTION = "question", _("One case per question")
    THEME = "theme", _("One case per theme (answers without a theme: per question)")


TOKEN_ACTIONS = {
    "issued": _("Department API token issued"),
    "revoked": _("Department API token revoked"),
}


class ProcessSettings(models.Model):
    """How the feedback loop treats the input of one process page."""

    process = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="feedback_settings",
    )
    case_sources = models.JSONField(
        _("contribution types that become cases"),
        default=list,
        blank=True,
        help_text=_("Source keys such as ideas.idea; empty means every type that does by default."),
    )
    approval_required = models.BooleanField(
        _("the taskforce approves answers before publication"), default=True
    )
    answer_working_days = models.PositiveSmallIntegerField(_("working days to answer"), default=20)
    free_text_grouping = models.CharField(
        _("open-text survey answers"),
        max_length=10,
        choices=FreeTextGrouping.choices,
        default=FreeTextGrouping.QUESTION,
        help_text=_(
            "How open-text answers become cases when the contribution types include "
            "consultations.freetext."
        ),
    )

    panels = [
        FieldPanel("process"),
        FieldPanel("case_sources"),
        FieldPanel("free_text_grouping"),
        FieldPanel("approval_required"),
        FieldPanel("answer_working_days"),
    ]

    class Meta:
        verbose_name = _("process feedback settings")
        verbose_name_plural = _("process feedback settings")

    def __str__(self):
        return str(self.process)


class RoutingRule(models.Model):
    """Cases matching every criterion that is set go to `department`; lowest priority wins."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="rules"
    )
    topic = models.ForeignKey(
        "participation.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    district = models.ForeignKey(
        "participation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    process = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(
        _("contribution type"),
        max_length=64,
        blank=True,
        help_text=_("A source key such as ideas.idea; empty matches every type."),
    )
    priority = models.PositiveIntegerField(_("priority"), default=100, help_text=_("Lower first."))
    active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("department"),
        FieldPanel("topic"),
        FieldPanel("district"),
        FieldPanel("process"),
        FieldPanel("source"),
        FieldPanel("priority"),
        FieldPanel("active"),
    ]

    CRITERIA = ("topic_id", "district_id", "process_id", "source")

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["priority", "pk"]

    def __str__(self):
        parts = [
            str(value)
            for value in (self.topic, self.district, self.process, self.source)
            if value not in (None, "")
        ]
        return f"{' + '.join(parts) or _('everything')} → {self.department}"

    def matches(self, case) -> bool:
        return all(
            getattr(self, name) in (None, "") or getattr(self, name) == getattr(case, name)
            for name in self.CRITERIA
        )

    def overlaps(self, other: "RoutingRule") -> bool:
        """Some case could match both rules (every criterion is equal or unset on one side)."""
        return all(
            getattr(self, name) in (None, "")
            or getattr(other, name) in (None, "")
            or getattr(self, name) == getattr(other, name)
            for name in self.CRITERIA
        )


class CaseState(models.TextChoices):
    NEW = "new", _("New")
    TRIAGE = "triage", _("Waiting for triage")
    ROUTED = "routed", _("Routed to a department")
    ASSIGNED = "assigned", _("Assigned to a department")
    DRAFTED = "drafted", _("Answer drafted")
    APPROVED = "approved", _("Answer approved")
    PUBLISHED = "published", _("Answer published")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    MERGED = "merged", _("Grouped into another case")


# States in which a department still owes an answer (the due date counts).
OPEN_STATES = (CaseState.ROUTED, CaseState.ASSIGNED, CaseState.DRAFTED, CaseState.APPROVED)
CLOSED_STATES = (CaseState.PUBLISHED, CaseState.OUT_OF_SCOPE, CaseState.MERGED)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)

    def for_department_ids(self, ids):
        return self.filter(department_id__in=list(ids))


class Case(models.Model):
    """One input (or a group of inputs) the city owes an answer to, with a snapshot of it."""

    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    contributing_departments = models.ManyToManyField(
        Department,
        verbose_name=_("contributing departments"),
        blank=True,
        related_name="contributed_cases",
        help_text=_("Other departments that see the case and add to its answer."),
    )
    # Snapshot of the first input, so the case reads the same if the input changes or goes.
    source = models.CharField(_("contribution type"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    topic = models.ForeignKey(
        "participation.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    district = models.ForeignKey(
        "participation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    process = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    # Set on a case that collects many inputs (a survey question, a theme): while the case is
    # open, every new input of the group joins it.
    group_key = models.CharField(max_length=120, blank=True, editable=False)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    out_of_scope_reason = models.TextField(_("public reason"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("grouped into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grouped_cases",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["department", "state", "due_date"]),
            models.Index(fields=["process", "state"]),
            # The inboxes' order, per state and per department: a page of 25 is read off the
            # index instead of sorting every matching case.
            models.Index(
                fields=["state", "-priority", "due_date", "-created_at", "-id"],
                name="case_inbox_by_state",
            ),
            models.Index(
                fields=["department", "-priority", "due_date", "-created_at", "-id"],
                name="case_inbox_by_department",
            ),
            # "How your input was used": one process's cases in the page's order.
            models.Index(
                fields=["process", "theme", "topic", "department", "-created_at", "id"],
                name="case_how_used_order",
            ),
            # The dashboard's figures: every column they read, so counting a year of cases
            # scans this index and never the wide rows with their text.
            models.Index(
                fields=["created_at", "state", "department", "process", "due_date", "answered_at"],
                name="case_dashboard_figures",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CaseState.values), name="case_state_known"
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        CaseState.NEW,
                        CaseState.TRIAGE,
                        CaseState.OUT_OF_SCOPE,
                        CaseState.MERGED,
                    ]
                )
                | Q(department__isnull=False),
                name="case_in_work_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="case_not_grouped_into_itself"
            ),
            # Concurrent inputs of one group settle on one open case.
            models.UniqueConstraint(
                fields=["group_key"],
                condition=~Q(group_key="") & ~Q(state__in=CLOSED_STATES),
                name="one_open_case_per_group",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state in OPEN_STATES and self.due_date is not None and self.due_date < today

    @cached_property
    def answer_or_none(self):
        try:
            return self.answer
        except Answer.DoesNotExist:
            return None


class CaseInput(models.Model):
    """A contribution (or one part of it, such as one answer of a survey response) a case
    answers; each belongs to one case only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inputs")
    source = models.CharField(max_length=64)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    # The part of the contribution (a survey question's key); empty for the whole of it.
    part = models.CharField(max_length=64, blank=True, default="")
    receipt_code = models.CharField(max_length=14, blank=True, db_index=True)
    title = models.CharField(max_length=200, blank=True)
    # The text of a part (an open-text answer), shown as a sample on a grouped case.
    text = models.TextField(blank=True)
    url = models.CharField(max_length=400, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # The same event delivered twice cannot make a second case.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "part"], name="one_case_per_contribution"
            )
        ]

    def __str__(self):
        return f"{self.source}#{self.object_id}{'/' + self.part if self.part else ''}"

    @property
    def contribution(self):
        return self.content_type.get_object_for_this_type(pk=self.object_id)


CASE_ACTIONS = {
    "created": _("Case created"),
    "triage": _("Case sent to triage"),
    "routed": _("Case routed by rule"),
    "assigned": _("Case assigned"),
    "reassigned": _("Case reassigned"),
    "returned": _("Case returned to the taskforce by the department"),
    "priority": _("Case priority changed"),
    "out_of_scope": _("Case marked out of scope"),
    "grouped": _("Cases grouped into this case"),
    "grouped_into": _("Case grouped into another"),
    "department_invited": _("Department asked to contribute"),
    "drafted": _("Answer drafted"),
    "contributed": _("Department contributed to the answer"),
    "approved": _("Answer approved"),
    "published": _("Answer published"),
    "attachment_added": _("Attachment added"),
    "reminded": _("Deadline reminder sent"),
    "escalated": _("Overdue case escalated"),
    "input_edited": _("Input edited by its author"),
    "input_withdrawn": _("Input withdrawn by its author"),
    "input_hidden": _("Input hidden by moderation"),
    "input_unhidden": _("Input shown again by moderation"),
    "input_merged": _("Input merged into another by moderation"),
    "api_status": _("Status posted by the department's system"),
    "inputs_sorted": _("Inputs sorted into theme cases"),
    "inputs_joined": _("Inputs joined from another case"),
    "proposal_reviewed": _("Budget proposal reviewed"),
    "translated": _("Answer translation edited"),
}


class CaseEvent(models.Model):
    """One line of a case's timeline (the audit log keeps the durable record too)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.action}"

    @property
    def label(self):
        return CASE_ACTIONS.get(self.action, self.action)


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    ALREADY_PLANNED = "already_planned", _("Already planned")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    FORWARDED = "forwarded", _("Forwarded")


class Answer(models.Model):
    """The city's answer to a case: decision, public text (translated) and internal notes."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="answer")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    public_text = models.TextField(_("public answer"), validators=[validate_clean_text])
    internal_notes = models.TextField(_("internal notes"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="answer_decision_known"
            )
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.case_id}"


class AnswerContribution(models.Model):
    """A department's part of an answer when several departments are involved."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="contributions")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(validators=[validate_clean_text])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.department}: {self.answer_id}"


def private_root() -> Path:
    """Where attachments live: CIVITAS_PRIVATE_MEDIA_ROOT, or beside MEDIA_ROOT (not inside it,
    so that nothing serving MEDIA_ROOT can serve them)."""
    configured = getattr(settings, "CIVITAS_PRIVATE_MEDIA_ROOT", None)
    if configured:
        return Path(configured)
    media = Path(settings.MEDIA_ROOT)
    return media.with_name(media.name + "_private")


class PrivateStorage(FileSystemStorage):
    """Files served only through a view that checks permissions; the root is read at use time."""

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage():
    return PrivateStorage()


class Attachment(models.Model):
    """A file attached to a case's answer; public ones are shown with the published answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="feedback_loop/%Y/%m/", storage=private_storage)
    title = models.CharField(_("title"), max_length=150, validators=[validate_clean_text])
    public = models.BooleanField(_("public with the answer"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.title


class Webhook(models.Model):
    """An outside system told about cases; each message is signed with HMAC-SHA256."""

    EVENTS = ("case.created", "case.assigned", "case.answered")

    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("URL"))
    secret = models.CharField(_("signing secret"), max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name=_("only cases of department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("secret"),
        FieldPanel("department"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One message to one webhook; the event key makes a retried event one delivery."""

    PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_key = models.CharField(max_length=120)
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Set while an attempt is under way (see webhooks.deliver): no second attempt starts before.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    STATUS_LABELS = {
        PENDING: _("Pending"),
        DELIVERED: _("Delivered"),
        FAILED: _("Failed"),
    }

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The delivery log of one endpoint, newest first.
            models.Index(fields=["webhook", "-created_at", "-id"], name="webhook_delivery_log"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event_key"], name="one_delivery_per_webhook_event"
            )
        ]

    def __str__(self):
        return f"{self.event_key} → {self.webhook}"

    @property
    def status_label(self):
        return self.STATUS_LABELS.get(self.status, self.status)

    @property
    def case_id(self):
        """The case the message is about, read from its payload."""
        return (self.payload or {}).get("case", {}).get("id")
