"""The participation kernel: taxonomy, process pages, phases and the contribution base."""

import secrets
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from civitas.core.text import validate_clean_text

from .forms import PhaseActionsWidget, ProcessPageForm
from .phases import action_label, phase_type_choices, phase_types


class Topic(index.Indexed, models.Model):
    """A theme the city works on (mobility, energy, waste...); departments own topics."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class District(index.Indexed, models.Model):
    """A part of the city, for routing input and district budgets."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    code = models.CharField(_("official code"), max_length=20, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("code")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PhaseQuerySet(models.QuerySet):
    def active(self, at=None):
        """Phases open at `at` (now by default): starts_at <= at < ends_at.

        This is the platform's one answer to "is it open?"; everything else asks it.
        """
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)

    def upcoming(self, at=None):
        return self.filter(starts_at__gt=at or timezone.now())

    def past(self, at=None):
        return self.filter(ends_at__lte=at or timezone.now())


class Phase(Orderable):
    """A time window of a process, of a registered phase type; phases of one page never overlap."""

    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="phases")
    phase_type = models.CharField(_("phase type"), max_length=64)
    title = models.CharField(_("title"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # None follows the phase type (so rows saved before editors could choose keep their
    # behaviour); a list switches the type's switchable actions on (listed) or off (not listed).
    enabled_actions = models.JSONField(
        _("what people can do"),
        null=True,
        blank=True,
        help_text=_(
            "Switch on or off what people can do in this phase. Only the actions this phase "
            "type can allow are accepted."
        ),
    )

    objects = PhaseQuerySet.as_manager()

    panels = [
        # Choices are read from the registry when the form renders; the page form then checks
        # the type is one this kind of process accepts.
        FieldPanel("phase_type", widget=forms.Select(choices=phase_type_choices)),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("enabled_actions", widget=PhaseActionsWidget),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="phase_starts_before_it_ends"
            )
        ]
        indexes = [models.Index(fields=["page", "starts_at", "ends_at"])]

    def __str__(self):
        return self.display_title

    @property
    def type(self):
        return phase_types.get(self.phase_type) if self.phase_type in phase_types else None

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return str(self.type.label) if self.type else self.phase_type

    @property
    def allowed_actions(self) -> frozenset[str]:
        """What this phase allows: its type's defaults, or what an editor switched on."""
        if self.type is None:
            return frozenset()
        return self.type.allowed_with(self.enabled_actions)

    def allows(self, action: str) -> bool:
        return action in self.allowed_actions

    def action_errors(self) -> list[str]:
        """Why `enabled_actions` does not fit the phase type; empty when it does."""
        if self.enabled_actions is None or self.type is None:
            return []
        chosen = self.enabled_actions
        if not isinstance(chosen, list) or not all(isinstance(a, str) for a in chosen):
            return [_("Choose the actions of a phase from the list.")]
        refused = [a for a in chosen if a not in self.type.switchable]
        if not refused:
            return []
        return [
            _("Phase “%(title)s” cannot allow: %(actions)s. It can allow: %(allowed)s.")
            % {
                "title": self.display_title,
                "actions": ", ".join(action_label(a) for a in refused),
                "allowed": ", ".join(action_label(a) for a in sorted(self.type.switchable))
                or _("nothing that can be switched"),
            }
        ]

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at

    def clean(self):
        super().clean()
        if self.phase_type not in phase_types:
            raise ValidationError({"phase_type": _("Unknown phase type.")})
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            raise ValidationError({"ends_at": _("A phase must end after it starts.")})
        if action_errors := self.action_errors():
            raise ValidationError({"enabled_actions": action_errors})


def validate_phases(phases, allowed_types=None) -> None:
    """Raise ValidationError if phases have unknown types, actions their type cannot allow, end
    before they start, or overlap."""
    errors = []
    dated = []
    for phase in phases:
        if phase.phase_type not in phase_types:
            errors.append(_("Unknown phase type: %(type)s.") % {"type": phase.phase_type})
        elif allowed_types is not None and phase.phase_type not in allowed_types:
            errors.append(
                _("Phase type %(type)s is not available for this kind of process.")
                % {"type": phase.phase_type}
            )
        else:
            errors.extend(phase.action_errors())
        if phase.starts_at and phase.ends_at:
            if phase.starts_at >= phase.ends_at:
                errors.append(
                    _("Phase “%(title)s” must end after it starts.")
                    % {"title": phase.display_title}
                )
            dated.append(phase)
    dated.sort(key=lambda p: p.starts_at)
    for earlier, later in zip(dated, dated[1:], strict=False):
        if later.starts_at < earlier.ends_at:
            errors.append(
                _("Phases “%(a)s” and “%(b)s” overlap.")
                % {"a": earlier.display_title, "b": later.display_title}
            )
    if errors:
        raise ValidationError(errors)


class ProcessPage(Page):
    """Abstract base of every process page (idea challenge, PB round, consultation).

    Pages stay editorial: intro, image, topics and phases. Behaviour lives in services.
    Subclasses set ``phase_types`` to the keys of the phase types they accept.
    """

    intro = RichTextField(_("introduction"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topics = ParentalManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="+")
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty for a city-wide process."),
    )

    phase_types: tuple[str, ...] = ()
    base_form_class = ProcessPageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("image"),
        MultiFieldPanel([FieldPanel("topics"), FieldPanel("district")], heading=_("Scope")),
        InlinePanel("phases", label=_("Phases"), heading=_("Phases")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        abstract = True

    @classmethod
    def allowed_phase_types(cls) -> list[tuple[str, str]]:
        return phase_type_choices(cls.phase_types or None)

    def phase_list(self):
        """Phases in time order; uses prefetched rows when there are some."""
        return sorted(self.phases.all(), key=lambda p: p.starts_at)

    def active_phase(self, at=None):
        """The phase open at `at`, or None (phases never overlap, so at most one)."""
        at = at or timezone.now()
        return next((p for p in self.phase_list() if p.is_active(at)), None)

    def allows(self, action: str, at=None) -> bool:
        """Whether the phase open at `at` allows `action` (e.g. "vote", "submit")."""
        phase = self.active_phase(at)
        return phase is not None and phase.allows(action)

    def status(self, at=None) -> str:
        """ "upcoming", "active", "between" (a gap between phases), "finished" or "unscheduled"."""
        at = at or timezone.now()
        phases = self.phase_list()
        if not phases:
            return "unscheduled"
        if any(p.is_active(at) for p in phases):
            return "active"
        if at < phases[0].starts_at:
            return "upcoming"
        if at >= max(p.ends_at for p in phases):
            return "finished"
        return "between"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE_EVENT = "offline_event", _("At an event")
    PAPER = "paper", _("On paper")
    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By e-mail")
    POST = "post", _("By post")


def new_receipt_code() -> str:
    """A short, unambiguous code a person can keep to look up their input without an account."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


# Contribution models that are searchable list these in their search_fields, so that site search
# can keep to visible input of public processes.
CONTRIBUTION_SEARCH_FIELDS = [
    index.FilterField("hidden_at"),
    index.FilterField("process_id"),
    index.FilterField("channel"),
    index.FilterField("created_at"),
]


class ContributionQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden_at__isnull=True)

    def by_author(self, user):
        return self.filter(author=user)


class Contribution(models.Model):
    """Abstract base of everything a person contributes, whatever the channel.

    Carries author (or receipt code when anonymous), process, channel, provenance, language,
    moderation state and an idempotency key for retried or offline-synced submissions.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    receipt_code = models.CharField(
        _("receipt code"), max_length=14, unique=True, null=True, blank=True, editable=False
    )
    process = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    # Provenance: who typed it in, where it came from, how many people stand behind it.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_detail = models.CharField(
        _("source detail"),
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("Table, group or sheet the input came from."),
    )
    people_count = models.PositiveIntegerField(_("people behind it"), default=1)
    language = models.CharField(_("language"), max_length=8, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_name(self) -> str:
        if self.author_id is None:
            return str(_("Anonymous"))
        return self.author.public_name

    def contribution_text(self) -> str:
        """Plain text that represents the contribution (for cases, search, exports)."""
        raise NotImplementedError


def new_submission_key() -> uuid.UUID:
    return uuid.uuid4()
