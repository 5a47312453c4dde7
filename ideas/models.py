"""Idea challenges (process pages) and the ideas residents contribute to them."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from civitas.core.text import validate_clean_text
from civitas.participation.models import CONTRIBUTION_SEARCH_FIELDS, Contribution, ProcessPage


class IdeaChallengePage(RoutablePageMixin, ProcessPage):
    """A time-boxed call for ideas around a theme; with one long phase it is an idea box.

    The page lists its ideas; proposing one and an idea's own page are routes under it.
    """

    phase_types = ("ideas.submit", "ideas.support", "ideas.review", "ideas.result")
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []

    @path("")
    def idea_list(self, request):
        from .views import idea_list

        return idea_list(request, self)

    @path("export/")
    def idea_export(self, request):
        from .views import idea_export

        return idea_export(request, self)

    @path("new/")
    def idea_new(self, request):
        from .views import idea_new

        return idea_new(request, self)

    @path("<int:idea_id>/")
    def idea_detail(self, request, idea_id):
        from .views import idea_detail

        return idea_detail(request, self, idea_id)

    @path("<int:idea_id>/edit/")
    def idea_edit(self, request, idea_id):
        from .views import idea_edit

        return idea_edit(request, self, idea_id)

    @path("<int:idea_id>/image/remove/")
    def idea_image_remove(self, request, idea_id):
        from .views import idea_image_remove

        return idea_image_remove(request, self, idea_id)

    @path("<int:idea_id>/withdraw/")
    def idea_withdraw(self, request, idea_id):
        from .views import idea_withdraw

        return idea_withdraw(request, self, idea_id)

    @path("<int:idea_id>/moderate/")
    def idea_moderate(self, request, idea_id):
        from .views import idea_moderate

        return idea_moderate(request, self, idea_id)

    @path("<int:idea_id>/status/")
    def idea_status(self, request, idea_id):
        from .views import idea_status

        return idea_status(request, self, idea_id)

    class Meta:
        verbose_name = _("idea challenge")
        verbose_name_plural = _("idea challenges")


class IdeasIndexPage(RoutablePageMixin, Page):
    """Every idea of every live challenge in one list, with the same filters and sorts."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []
    max_count = 1

    @path("")
    def idea_list(self, request):
        from .views import city_idea_list

        return city_idea_list(request, self)

    class Meta:
        verbose_name = _("city-wide ideas list")
        verbose_name_plural = _("city-wide ideas lists")


class StatusMeaning(models.TextChoices):
    """What a status means for the code: filters, answers from case decisions, closed badges.

    A closed set: editors name, describe, order and add statuses, each with one of these.
    """

    OPEN = "open", _("Open: received, not looked at yet")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


# Meanings after which nothing more happens to an idea.
CLOSED_MEANINGS = (StatusMeaning.DONE, StatusMeaning.DECLINED)


class IdeaStatusQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def initial(self):
        """The status new ideas get: the first active one meaning "open"."""
        return self.active().filter(meaning=StatusMeaning.OPEN).order_by("sort_order", "pk").first()


def initial_status_code():
    """Default of Idea.status: the code of the first active "open" status."""
    status = IdeaStatus.objects.initial()
    return status.code if status is not None else None


class IdeaStatus(models.Model):
    """A status an idea can have, managed by editors; ideas point at it by its code.

    The code stays the same once ideas use it (it is in links and the API); the label and
    description are translated; the meaning is what the code relies on.
    """

    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_(
            "Used in links and the API, e.g. ?status=accepted. It cannot change once ideas "
            "have this status."
        ),
    )
    label = models.CharField(_("label"), max_length=60)
    description = models.CharField(
        _("public description"),
        max_length=300,
        blank=True,
        help_text=_("One sentence shown with the status on an idea's page."),
    )
    meaning = models.CharField(
        _("meaning"),
        max_length=20,
        choices=StatusMeaning.choices,
        help_text=_(
            "What the status means for the platform: answers to cases pick a status by its "
            "meaning, and done or declined ideas are shown as closed."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lists show statuses from the lowest number up.")
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "An inactive status stays on the ideas that have it but can no longer be chosen."
        ),
    )

    objects = IdeaStatusQuerySet.as_manager()

    panels = [
        FieldPanel("code"),
        FieldPanel("label"),
        FieldPanel("description"),
        FieldPanel("meaning"),
        FieldPanel("sort_order"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("idea status")
        verbose_name_plural = _("idea statuses")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.label

    @property
    def is_closed(self) -> bool:
        return self.meaning in CLOSED_MEANINGS

    def in_use(self) -> bool:
        return self.ideas.exists() or IdeaHistoryEntry.objects.filter(status=self).exists()

    def clean(self):
        """The code is frozen once used; one active "open" status must remain for new ideas."""
        super().clean()
        if self.pk is None:
            return
        stored = IdeaStatus.objects.filter(pk=self.pk).first()
        if stored is None:
            return
        if stored.code != self.code and stored.in_use():
            raise ValidationError({"code": _("Ideas have this status, so its code cannot change.")})
        if is_last_open(stored) and (not self.active or self.meaning != StatusMeaning.OPEN):
            raise ValidationError(
                _(
                    "New ideas get this status: keep it active and open, or first make "
                    "another status active and open."
                )
            )


def is_last_open(status: IdeaStatus) -> bool:
    """Whether `status` is the only active "open" status (the one new ideas get)."""
    if not status.active or status.meaning != StatusMeaning.OPEN:
        return False
    others = IdeaStatus.objects.active().filter(meaning=StatusMeaning.OPEN).exclude(pk=status.pk)
    return not others.exists()


class IdeaQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden_at__isnull=True)

    def public(self):
        """Ideas anyone may see: not hidden, not withdrawn, of a live challenge."""
        return self.filter(hidden_at__isnull=True, withdrawn_at__isnull=True, process__live=True)

    def by_author(self, user):
        return self.filter(author=user)


# Stored counts that only ideas.counters writes.
COUNTER_FIELDS = ("support_count", "comment_count")

# Ideas shown in lists (see selectors.listed_ideas).
LISTED = Q(hidden_at__isnull=True, withdrawn_at__isnull=True, merged_into__isnull=True)


class Idea(index.Indexed, Contribution):
    """An idea for the city; `process` is the IdeaChallengePage it was proposed in."""

    title = models.CharField(_("title"), max_length=150, validators=[validate_clean_text])
    body = models.TextField(_("description"), max_length=5000, validators=[validate_clean_text])
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
    location_text = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("An address or a description of the place."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    image = models.ImageField(_("image"), upload_to="ideas/%Y/%m/", blank=True)
    image_alt = models.CharField(
        _("image description"),
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("What the image shows, for people who cannot see it."),
    )
    # Points at the status by its code (the column keeps the code, as links and the API use it).
    status = models.ForeignKey(
        IdeaStatus,
        verbose_name=_("status"),
        to_field="code",
        db_column="status",
        on_delete=models.PROTECT,
        default=initial_status_code,
        related_name="ideas",
    )
    official_answer = models.TextField(_("official answer"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_ideas",
    )
    comments_locked_at = models.DateTimeField(
        _("comments locked at"), null=True, blank=True, editable=False
    )
    # Stored for the "most supported" and "most discussed" orders; kept by ideas.counters
    # whenever a support or comment of the idea changes.
    support_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)

    objects = IdeaQuerySet.as_manager()

    search_fields = [
        *CONTRIBUTION_SEARCH_FIELDS,
        index.FilterField("withdrawn_at"),
        index.FilterField("merged_into_id"),
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["process", "hidden_at", "withdrawn_at", "created_at"]),
            # Lists show only ideas that are neither hidden, withdrawn nor merged: partial
            # indexes let counting and "newest first" read these alone, per challenge or city-wide.
            models.Index(
                fields=["process", "-created_at", "-id"],
                condition=LISTED,
                name="idea_listed_by_challenge",
            ),
            models.Index(fields=["-created_at", "-id"], condition=LISTED, name="idea_listed"),
            # The popular orders, per challenge and city-wide, read in index order.
            models.Index(
                fields=["process", "-support_count", "-created_at", "-id"],
                condition=LISTED,
                name="idea_supported_by_challenge",
            ),
            models.Index(
                fields=["-support_count", "-created_at", "-id"],
                condition=LISTED,
                name="idea_supported",
            ),
            models.Index(
                fields=["process", "-comment_count", "-created_at", "-id"],
                condition=LISTED,
                name="idea_discussed_by_challenge",
            ),
            models.Index(
                fields=["-comment_count", "-created_at", "-id"],
                condition=LISTED,
                name="idea_discussed",
            ),
        ]
        constraints = [
            # A point needs both coordinates, inside the globe's ranges.
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__isnull=False)
                    & Q(longitude__isnull=False)
                    & Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="idea_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="idea_not_merged_into_itself"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="idea_title_not_empty"),
            models.CheckConstraint(
                condition=Q(process__isnull=False), name="idea_belongs_to_a_challenge"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The stored counts belong to ideas.counters: a full save of an idea loaded earlier
        # must not write back counts that changed meanwhile.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in COUNTER_FIELDS
            ]
        super().save(*args, **kwargs)

    @property
    def challenge(self):
        """The IdeaChallengePage of this idea (the Contribution `process`)."""
        return self.process.specific

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def comments_locked(self) -> bool:
        return self.comments_locked_at is not None

    def get_absolute_url(self) -> str:
        return f"{self.process.url}{self.pk}/"

    def get_status_display(self) -> str:
        """The status as people read it, in the active language (as other contributions with
        a status offer it to generic templates, such as an event's list of inputs)."""
        return self.status.label

    def contribution_text(self) -> str:
        return f"{self.title}\n\n{self.body}"

    def is_open_for(self, interaction: str) -> bool:
        """Whether new comments, supports or follows may be added (a withdrawn or merged idea
        takes none; a moderator may lock its comments)."""
        if self.withdrawn_at is not None or self.merged_into_id is not None:
            return False
        return not (interaction == "comment" and self.comments_locked_at is not None)


class HistoryKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    ANSWER = "answer", _("Official answer updated")
    EDITED = "edited", _("Edited by the author")
    MODERATED = "moderated", _("Edited by a moderator")
    MERGED = "merged", _("Merged into another idea")
    ABSORBED = "absorbed", _("Another idea was merged into this one")
    COMMENTS_LOCKED = "comments_locked", _("Comments locked")
    COMMENTS_UNLOCKED = "comments_unlocked", _("Comments unlocked")
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")


POINT_LABEL = _("point on the map")


class IdeaHistoryEntry(models.Model):
    """One public step in an idea's life, shown as its timeline; never holds personal data."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=20, choices=HistoryKind.choices)
    status = models.ForeignKey(
        IdeaStatus,
        to_field="code",
        db_column="status",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Names of the fields an edit changed (never their values: the timeline says what
    # changed, the idea itself shows the text now).
    fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("idea history entry")
        verbose_name_plural = _("idea history entries")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.kind} of idea {self.idea_id}"

    def changed_labels(self) -> list[str]:
        """What the edit changed, as people read it: each field once, both coordinates as one
        point on the map; names no longer on the model are left out."""
        labels = []
        for name in self.fields or ():
            if name in ("latitude", "longitude"):
                label = str(POINT_LABEL)
            else:
                try:
                    label = str(Idea._meta.get_field(name).verbose_name)
                except FieldDoesNotExist:
                    continue
            if label not in labels:
                labels.append(label)
        return labels


class IdeaRedaction(models.Model):
    """A moderator's edit for privacy: who, when, why and the text before it, for staff only."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="redactions")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    previous = models.JSONField(_("previous text"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("privacy edit")
        verbose_name_plural = _("privacy edits")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"privacy edit of idea {self.idea_id}"
