"""Events: venues, event pages with sessions, registrations, attendance and the input logged
at events by facilitators or by participants on the live board."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from civitas.core.text import validate_clean_text
from civitas.participation.models import Contribution


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    PUBLIC_MEETING = "public_meeting", _("Public meeting")
    CITIZENS_ASSEMBLY = "citizens_assembly", _("Citizens' assembly")
    CO_CREATION = "co_creation", _("Co-creation workshop")
    HACKATHON = "hackathon", _("Hackathon")
    TRAINING = "training", _("Training or bootcamp")
    LIVING_LAB = "living_lab", _("Living-lab session")
    INFORMATION = "information", _("Information session")
    VOTING_STATION = "voting_station", _("Voting station")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid: in person and online")


class VenueKind(models.TextChoices):
    LIBRARY = "library", _("Library")
    SCHOOL = "school", _("School")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    TOWN_HALL = "town_hall", _("Town hall")
    SPORTS_HALL = "sports_hall", _("Sports hall")
    OUTDOORS = "outdoors", _("Outdoors")
    OTHER = "other", _("Other")


# Accessibility features a venue may offer: (field name, label). Filters, badges and the
# registration form read this one list.
ACCESSIBILITY_FEATURES = (
    ("step_free_access", _("Step-free access")),
    ("accessible_toilet", _("Accessible toilet")),
    ("hearing_loop", _("Hearing loop")),
    ("sign_language", _("Sign-language interpretation")),
    ("spoken_interpretation", _("Spoken-language interpretation")),
    ("childcare", _("Childcare")),
    ("quiet_room", _("Quiet room")),
    ("public_transport", _("Public transport nearby")),
)


def language_choices():
    return list(settings.LANGUAGES)


class Venue(index.Indexed, models.Model):
    """A place where events happen, with its structured accessibility (a reusable snippet)."""

    name = models.CharField(_("name"), max_length=150, validators=[validate_clean_text])
    kind = models.CharField(_("kind"), max_length=30, choices=VenueKind.choices)
    address = models.CharField(_("address"), max_length=250, validators=[validate_clean_text])
    district = models.ForeignKey(
        "participation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    sign_language = models.BooleanField(_("sign-language interpretation"), default=False)
    spoken_interpretation = models.BooleanField(_("spoken-language interpretation"), default=False)
    interpretation_languages = models.CharField(
        _("interpretation languages"),
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("Languages interpreted into, separated by commas (for example: es, ar)."),
    )
    childcare = models.BooleanField(_("childcare"), default=False)
    quiet_room = models.BooleanField(_("quiet room"), default=False)
    public_transport = models.BooleanField(_("public transport nearby"), default=False)
    accessibility_notes = models.TextField(
        _("accessibility notes"),
        blank=True,
        validators=[validate_clean_text],
        help_text=_("Anything else people should know: entrance, parking, lift, lighting."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("address"),
        FieldPanel("district"),
        MultiFieldPanel(
            [FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Point on the map")
        ),
        MultiFieldPanel(
            [FieldPanel(name) for name, _label in ACCESSIBILITY_FEATURES]
            + [FieldPanel("interpretation_languages"), FieldPanel("accessibility_notes")],
            heading=_("Accessibility"),
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="venue_point_complete_and_in_range",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("A point on the map needs both coordinates."))

    @property
    def features(self) -> list[tuple[str, str]]:
        """The accessibility features this venue offers, as (key, label)."""
        return [(key, label) for key, label in ACCESSIBILITY_FEATURES if getattr(self, key)]

    @property
    def languages(self) -> list[str]:
        return [x.strip() for x in self.interpretation_languages.split(",") if x.strip()]


class EventIndexPage(RoutablePageMixin, Page):
    """The events listing: filters, a map, the calendar feed and the public receipt lookup."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("events listing")

    @path("")
    def listing(self, request):
        from .views import event_list

        return event_list(request, self)

    @path("calendar/")
    def calendar(self, request):
        from .views import calendar_feed

        return calendar_feed(request, self)

    @path("receipt/")
    def receipt(self, request):
        from .views import receipt_lookup

        return receipt_lookup(request, self)

    @path("representativeness/<int:process_id>/")
    def representativeness(self, request, process_id):
        from .views import representativeness

        return representativeness(request, self, process_id)


class EventPage(RoutablePageMixin, Page):
    """An event with one or more sessions, at a venue and/or online; optionally part of a
    process. Its routes hold registration, the facilitator console, the live board and the
    closing report."""

    kind = models.CharField(_("kind of event"), max_length=30, choices=EventKind.choices)
    intro = RichTextField(_("introduction"), blank=True)
    mode = models.CharField(
        _("how to take part"),
        max_length=20,
        choices=AttendanceMode.choices,
        default=AttendanceMode.IN_PERSON,
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    online_link = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("Shown only to people registered for a session."),
    )
    process = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The consultation, budget round or idea challenge this event feeds."),
    )
    languages = models.CharField(
        _("languages spoken"),
        max_length=100,
        default="en",
        help_text=_("Language codes separated by commas (for example: en, fr)."),
    )
    board_moderated = models.BooleanField(
        _("moderate the live board"),
        default=False,
        help_text=_("Input appears on the room's screen only after a facilitator approves it."),
    )
    join_code = models.CharField(
        _("join code"), max_length=8, unique=True, null=True, blank=True, editable=False
    )
    # Closing report, written after the event.
    summary = RichTextField(_("summary"), blank=True)
    minutes = RichTextField(_("minutes"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("mode"),
                FieldPanel("venue"),
                FieldPanel("online_link"),
                FieldPanel("languages"),
            ],
            heading=_("Where and how"),
        ),
        FieldPanel("process"),
        InlinePanel("sessions", label=_("Sessions"), heading=_("Sessions"), min_num=1),
        FieldPanel("board_moderated"),
        MultiFieldPanel(
            [
                FieldPanel("summary"),
                FieldPanel("minutes"),
                InlinePanel("photos", label=_("Photos")),
            ],
            heading=_("Closing report"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.mode != AttendanceMode.ONLINE and self.venue_id is None:
            raise ValidationError({"venue": _("An event in person needs a venue.")})
        if self.mode != AttendanceMode.IN_PERSON and not self.online_link:
            raise ValidationError({"online_link": _("An online event needs its link.")})

    def save(self, *args, **kwargs):
        if not self.join_code:
            self.join_code = new_join_code()
        return super().save(*args, **kwargs)

    @property
    def language_list(self) -> list[str]:
        return [x.strip() for x in self.languages.split(",") if x.strip()]

    def session_list(self):
        """Sessions in time order; uses prefetched rows when there are some."""
        return sorted(self.sessions.all(), key=lambda s: (s.starts_at, s.pk or 0))

    @property
    def starts_at(self):
        sessions = self.session_list()
        return sessions[0].starts_at if sessions else None

    @property
    def ends_at(self):
        sessions = self.session_list()
        return max(s.ends_at for s in sessions) if sessions else None

    def is_past(self, at=None) -> bool:
        ends = self.ends_at
        return ends is not None and ends <= (at or timezone.now())

    @path("")
    def detail(self, request):
        from .views import event_detail

        return event_detail(request, self)

    @path("ics/")
    def ics(self, request):
        from .views import event_ics

        return event_ics(request, self)

    @path("register/<int:session_id>/")
    def register(self, request, session_id):
        from .views import registration_new

        return registration_new(request, self, session_id)

    @path("registration/<int:registration_id>/cancel/")
    def cancel(self, request, registration_id):
        from .views import registration_cancel

        return registration_cancel(request, self, registration_id)

    @path("registrations/")
    def registrations(self, request):
        from .views import registration_overview

        return registration_overview(request, self)

    @path("console/")
    def console(self, request):
        from .console import console_home

        return console_home(request, self)

    @path("console/input/")
    def console_input(self, request):
        from .console import console_input

        return console_input(request, self)

    @path("console/sync/")
    def console_sync(self, request):
        from .console import console_sync

        return console_sync(request, self)

    @path("console/worker/")
    def console_worker(self, request):
        from .console import console_worker

        return console_worker(request, self)

    @path("console/attendance/")
    def console_attendance(self, request):
        from .console import console_attendance

        return console_attendance(request, self)

    @path("console/cards/")
    def console_cards(self, request):
        from .console import console_cards

        return console_cards(request, self)

    @path("console/moderate/<int:item_id>/")
    def console_moderate(self, request, item_id):
        from .console import console_moderate

        return console_moderate(request, self, item_id)

    @path("board/")
    def board(self, request):
        from .board import board_screen

        return board_screen(request, self)

    @path("board/items/")
    def board_items(self, request):
        from .board import board_items

        return board_items(request, self)

    @path("join/")
    def join(self, request):
        from .board import board_join

        return board_join(request, self)

    @path("join/vote/<int:item_id>/")
    def join_vote(self, request, item_id):
        from .board import board_vote

        return board_vote(request, self, item_id)

    @path("report/")
    def report(self, request):
        from .views import event_report

        return event_report(request, self)


def new_join_code() -> str:
    """A short code people type on their phones to join an event's live board."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(6))


class EventSession(Orderable):
    """One time slot of an event, with its own capacity (empty: no limit)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty when there is no limit."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("capacity"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="event_session_starts_before_end"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_session_capacity_positive",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        return self.title or str(self.page)

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)


class Registration(models.Model):
    """A person's place (or place on the waiting list) in one session, with the adjustments
    they asked for."""

    session = models.ForeignKey(
        EventSession, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    interpretation_language = models.CharField(_("interpretation into"), max_length=8, blank=True)
    childcare_children = models.PositiveSmallIntegerField(
        _("children needing childcare"), default=0, validators=[MaxValueValidator(10)]
    )
    step_free_seating = models.BooleanField(_("step-free seating"), default=False)
    other_needs = models.CharField(
        _("other needs"), max_length=500, blank=True, validators=[validate_clean_text]
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # One place (or waiting-list place) per person per session; cancelled ones stay.
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_person_and_session",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_known",
            ),
            models.CheckConstraint(
                condition=Q(childcare_children__lte=10), name="registration_childcare_bounded"
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self):
        return f"{self.user} – {self.session}"

    @property
    def has_adjustments(self) -> bool:
        return bool(
            self.interpretation_language
            or self.childcare_children
            or self.step_free_seating
            or self.other_needs
        )


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    AGE_18_29 = "18_29", _("18 to 29")
    AGE_30_44 = "30_44", _("30 to 44")
    AGE_45_64 = "45_64", _("45 to 64")
    AGE_65_PLUS = "65_plus", _("65 and over")


class Attendance(models.Model):
    """How many came to an event, with optional anonymous counts per age band and district.

    Only aggregates are kept: nobody's age or address is stored.
    """

    event = models.OneToOneField(EventPage, on_delete=models.CASCADE, related_name="attendance")
    total = models.PositiveIntegerField(_("people present"), default=0)
    by_age = models.JSONField(_("people per age band"), default=dict, blank=True)
    by_district = models.JSONField(_("people per district"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self):
        return f"{self.event}: {self.total}"


class EventPhoto(Orderable):
    """A photo of the event (flip charts, the room) for its closing report."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class BoardState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    SHOWN = "shown", _("Shown")
    REJECTED = "rejected", _("Not shown")


class EventInputQuerySet(models.QuerySet):
    def on_board(self):
        return self.filter(board_state=BoardState.SHOWN, hidden_at__isnull=True)


class EventInput(Contribution):
    """One piece of input gathered at an event: logged by a facilitator (channel offline
    event) or posted by a participant from their phone.

    `kind` names an input kind of the registry (idea, comment, dot vote, note...); when the
    kind hands the input on to a process app, `target` points at what it created there.
    """

    event = models.ForeignKey(EventPage, on_delete=models.PROTECT, related_name="inputs")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(
        _("title"), max_length=150, blank=True, validators=[validate_clean_text]
    )
    text = models.TextField(_("text"), max_length=5000, validators=[validate_clean_text])
    tally = models.PositiveIntegerField(_("dots"), default=0)
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    board_state = models.CharField(
        _("live board"), max_length=20, choices=BoardState.choices, default=BoardState.SHOWN
    )
    dot_votes = models.PositiveIntegerField(_("dot votes from the room"), default=0)

    objects = EventInputQuerySet.as_manager()

    class Meta:
        verbose_name = _("event input")
        verbose_name_plural = _("event inputs")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "board_state", "created_at"])]

    def __str__(self):
        return self.title or self.text[:60]

    def contribution_text(self) -> str:
        return f"{self.title}\n\n{self.text}" if self.title else self.text

    @property
    def kind_label(self) -> str:
        from .input_kinds import input_kinds

        return str(input_kinds.get(self.kind).label) if self.kind in input_kinds else self.kind

    @property
    def target_url(self) -> str:
        """The public address of what the input became in its process app, if any."""
        from .input_kinds import input_kinds

        target = self.target
        if target is None:
            return ""
        kind = input_kinds.get(self.kind) if self.kind in input_kinds else None
        if kind is not None and kind.url is not None:
            return kind.url(target)
        return target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""

    @property
    def target(self):
        if self.target_type_id is None:
            return None
        cached = getattr(self, "_target", None)
        if cached is None:
            cached = self.target_type.get_object_for_this_type(pk=self.target_id)
            self._target = cached
        return cached


class InputPhoto(models.Model):
    """A photo of a flip chart attached to an input; stored without its metadata."""

    item = models.ForeignKey(EventInput, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="events/inputs/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("photo of an input")

    def __str__(self):
        return self.image.name


class BoardVote(models.Model):
    """One dot a participant put on an input shown on the live board."""

    item = models.ForeignKey(EventInput, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "voter_key"], name="one_dot_per_voter_and_item")
        ]

    def __str__(self):
        return f"dot on {self.item_id}"


class ReceiptCard(models.Model):
    """A printed card with a receipt code; attached to an input, it lets the participant look
    up what became of it without an account."""

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="receipt_cards")
    code = models.CharField(_("code"), max_length=14, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.code


class Baseline(models.Model):
    """Figures the editor enters for a process (share of residents per district and age band),
    against which the representativeness of participants is shown."""

    process = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    by_age = models.JSONField(_("share per age band (percent)"), default=dict, blank=True)
    by_district = models.JSONField(_("share per district (percent)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("baseline figures")
        verbose_name_plural = _("baseline figures")

    def __str__(self):
        return str(self.process)
