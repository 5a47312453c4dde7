"""Consultations: a process page holding surveys, quick polls, draft documents and debates.

Each part is a model of its own, edited in the Wagtail admin as a snippet that names its
consultation; the page shows its parts in the order of their `position`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable

from civitas.core.text import validate_clean_text
from civitas.participation.models import Contribution, ProcessPage

from .blocks import body_blocks

# --- the page ------------------------------------------------------------------------------


def _view(name: str):
    """A page route that calls ``views.<name>(request, page, **url_arguments)``."""

    def route(self, request, *args, **kwargs):
        from . import views

        return getattr(views, name)(request, self, *args, **kwargs)

    route.__name__ = name
    return route


class ConsultationPage(RoutablePageMixin, ProcessPage):
    """A public consultation: open (people take part) -> closed -> report published."""

    phase_types = ("consultations.open", "consultations.closed", "consultations.report")
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []

    report_summary = RichTextField(
        _("report"),
        blank=True,
        help_text=_("Findings and what happens next, published with the report phase."),
    )

    body = StreamField(
        body_blocks(),
        blank=True,
        verbose_name=_("more on the page"),
        help_text=_("Text and quick polls (also of other consultations) shown below the parts."),
    )

    content_panels = [
        *ProcessPage.content_panels,
        FieldPanel("body"),
        FieldPanel("report_summary"),
    ]

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def parts(self):
        """Surveys, polls, documents and debates of this consultation, by position."""
        found = [
            *self.surveys.all(),
            *self.polls.all(),
            *self.documents.all(),
            *self.debates.all(),
        ]
        return sorted(found, key=lambda part: (part.position, part.part_kind, part.pk))

    def report_is_published(self, at=None) -> bool:
        """A report phase has started: results and the report are public from then on."""
        at = at or timezone.now()
        return any(
            p.phase_type == "consultations.report" and p.starts_at <= at for p in self.phase_list()
        )

    # Routes: every view lives in views.py, named like the route, imported when called.
    overview = path("", name="overview")(_view("overview"))
    report = path("report/", name="report")(_view("report"))
    survey_form = path("surveys/<int:survey_id>/", name="survey_form")(_view("survey_form"))
    survey_done = path("surveys/<int:survey_id>/done/", name="survey_done")(_view("survey_done"))
    survey_paper = path("surveys/<int:survey_id>/paper/", name="survey_paper")(
        _view("survey_paper")
    )
    survey_results = path("surveys/<int:survey_id>/results/", name="survey_results")(
        _view("survey_results")
    )
    survey_answers = path(
        "surveys/<int:survey_id>/answers/<int:question_id>/", name="survey_answers"
    )(_view("survey_answers"))
    survey_export_csv = path("surveys/<int:survey_id>/csv/", name="survey_export_csv")(
        _view("survey_export_csv")
    )
    survey_exports = path("surveys/<int:survey_id>/exports/", name="survey_exports")(
        _view("survey_exports")
    )
    survey_export_download = path(
        "surveys/<int:survey_id>/exports/<uuid:job_id>/", name="survey_export_download"
    )(_view("survey_export_download"))
    poll_vote = path("polls/<int:poll_id>/", name="poll_vote")(_view("poll_vote"))
    document_detail = path("documents/<int:document_id>/", name="document_detail")(
        _view("document_detail")
    )
    paragraph_detail = path(
        "documents/<int:document_id>/paragraphs/<int:paragraph_id>/", name="paragraph_detail"
    )(_view("paragraph_detail"))
    debate_detail = path("debates/<int:debate_id>/", name="debate_detail")(_view("debate_detail"))
    argument_detail = path(
        "debates/<int:debate_id>/arguments/<int:argument_id>/", name="argument_detail"
    )(_view("argument_detail"))


class Part(models.Model):
    """Common fields of the parts of a consultation."""

    part_kind = ""
    intro = RichTextField(_("introduction"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Parts are shown on the page in this order.")
    )

    class Meta:
        abstract = True

    @property
    def process(self):
        return self.consultation


def consultation_field():
    return models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="+",
    )


# --- surveys -------------------------------------------------------------------------------


class ResponseMode(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed-in people only (one response each, editable until close)")
    ANONYMOUS = "anonymous", _("Anyone, also without an account (receipt code)")


class Survey(Part, ClusterableModel):
    part_kind = "survey"

    # A plain key: the page's revisions must not carry (and restore) its surveys.
    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    title = models.CharField(_("title"), max_length=200)
    response_mode = models.CharField(
        _("who may respond"),
        max_length=20,
        choices=ResponseMode.choices,
        default=ResponseMode.SIGNED_IN,
    )
    ask_about_person = models.BooleanField(
        _("ask for district and age band"),
        default=True,
        help_text=_("Optional questions on the last page, used only to filter results."),
    )
    results_while_open = models.BooleanField(
        _("show results while open"),
        default=False,
        help_text=_("Otherwise results are public once the report is published."),
    )

    panels = [
        FieldPanel("consultation"),
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("position"),
        MultiFieldPanel(
            [
                FieldPanel("response_mode"),
                FieldPanel("ask_about_person"),
                FieldPanel("results_while_open"),
            ],
            heading=_("Responses"),
        ),
        InlinePanel("questions", heading=_("Questions"), label=_("Question")),
    ]

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    @property
    def allows_anonymous(self) -> bool:
        return self.response_mode == ResponseMode.ANONYMOUS


class QuestionKind(models.TextChoices):
    HEADING = "heading", _("Section heading (no answer)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    SCALE = "scale", _("Scale")
    RANKING = "ranking", _("Ranking")
    MATRIX = "matrix", _("Matrix (rows × scale)")
    DATE = "date", _("Date")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}
OTHER_KEY = "other"


def parse_options(text: str) -> list[tuple[str, str]]:
    """(key, label) per non-empty line; a line is "label" or "key | label"."""
    options = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        key, sep, label = line.partition("|")
        if sep:
            key, label = key.strip(), label.strip()
        else:
            label = line
            key = slugify(line)[:40] or f"o{number}"
        options.append((key, label))
    return options


def translated_options(obj, field: str) -> list[tuple[str, str]]:
    """Options of a translated field: keys from the default language, labels from the active
    one (the default language's labels when a translation has a different number of lines)."""
    from modeltranslation.settings import DEFAULT_LANGUAGE
    from modeltranslation.utils import build_localized_fieldname

    base = parse_options(getattr(obj, build_localized_fieldname(field, DEFAULT_LANGUAGE), ""))
    shown = parse_options(getattr(obj, field) or "")
    if len(shown) != len(base):
        return base
    return [(key, label) for (key, _b), (_k, label) in zip(base, shown, strict=True)]


class Question(Orderable):
    """A survey question; `key` names it in answers, exports and conditions."""

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        _("key"),
        max_length=40,
        blank=True,
        help_text=_("Short name used in exports and conditions; filled in when left empty."),
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    page_number = models.PositiveSmallIntegerField(
        _("page"), default=1, help_text=_("Questions with the same number share a page.")
    )
    choices = models.TextField(
        _("options"),
        blank=True,
        help_text=_(
            "One per line, for choice and ranking questions. Write “key | label” to fix a key; "
            "translations must keep the same lines in the same order."
        ),
    )
    allow_other = models.BooleanField(_("offer “other” with a text"), default=False)
    rows = models.TextField(
        _("rows"), blank=True, help_text=_("Matrix questions: one row per line, like options.")
    )
    min_choices = models.PositiveSmallIntegerField(_("at least (choices)"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("at most (choices)"), null=True, blank=True)
    min_value = models.IntegerField(_("lowest value"), null=True, blank=True)
    max_value = models.IntegerField(_("highest value"), null=True, blank=True)
    label_min = models.CharField(_("label of the lowest value"), max_length=60, blank=True)
    label_max = models.CharField(_("label of the highest value"), max_length=60, blank=True)
    show_if_key = models.SlugField(
        _("show only if question"),
        max_length=40,
        blank=True,
        help_text=_("Key of an earlier question; empty: always shown."),
    )
    show_if_values = models.CharField(
        _("has one of the answers"),
        max_length=300,
        blank=True,
        help_text=_("Option keys or values, separated by commas."),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("key"), FieldPanel("page_number")]),
        FieldPanel("text"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("choices"),
        FieldPanel("allow_other"),
        FieldPanel("rows"),
        FieldRowPanel([FieldPanel("min_choices"), FieldPanel("max_choices")]),
        FieldRowPanel(
            [
                FieldPanel("min_value"),
                FieldPanel("max_value"),
                FieldPanel("label_min"),
                FieldPanel("label_max"),
            ]
        ),
        FieldRowPanel([FieldPanel("show_if_key"), FieldPanel("show_if_values")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "key"], condition=~Q(key=""), name="question_key_unique"
            )
        ]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        # A key is needed to store answers; derive one editors can read in exports.
        if not self.key:
            self.key = (slugify(self.text)[:30] or "q") + "-" + uuid.uuid4().hex[:6]
        super().save(*args, **kwargs)

    @property
    def options(self) -> list[tuple[str, str]]:
        return translated_options(self, "choices")

    @property
    def row_options(self) -> list[tuple[str, str]]:
        return translated_options(self, "rows")

    @property
    def scale_range(self) -> range:
        low = self.min_value if self.min_value is not None else 1
        high = self.max_value if self.max_value is not None else 5
        return range(low, high + 1)

    @property
    def condition_values(self) -> list[str]:
        return [v.strip() for v in self.show_if_values.split(",") if v.strip()]

    @property
    def is_answerable(self) -> bool:
        return self.kind != QuestionKind.HEADING

    @property
    def is_free_text(self) -> bool:
        return self.kind in TEXT_KINDS


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    FROM_18 = "18_29", _("18 to 29")
    FROM_30 = "30_44", _("30 to 44")
    FROM_45 = "45_64", _("45 to 64")
    FROM_65 = "65_plus", _("65 and over")


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Response(Contribution):
    """One person's answers to a survey: a draft until submitted; `answers` maps question keys
    to values (shapes in answers.py)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    # What was submitted (and counted) and the work in progress, kept apart so that editing a
    # submitted response never changes the results before it is submitted again.
    answers = models.JSONField(default=dict, blank=True)
    draft_answers = models.JSONField(default=dict, blank=True)
    page_reached = models.PositiveSmallIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    district = models.ForeignKey(
        "participation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            # One response per person and survey, whatever the timing of their requests.
            models.UniqueConstraint(
                fields=["survey", "author"],
                condition=Q(author__isnull=False),
                name="one_response_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ResponseStatus.values), name="response_status_known"
            ),
        ]
        indexes = [models.Index(fields=["survey", "status", "channel"])]

    def __str__(self):
        return f"{self.survey} #{self.pk}"

    def contribution_text(self) -> str:
        return "\n".join(f"{key}: {value}" for key, value in self.answers.items())


class Theme(models.Model):
    """A theme the taskforce tags free-text answers with, per consultation."""

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(_("name"), max_length=80, validators=[validate_clean_text])

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="theme_name_unique")
        ]

    def __str__(self):
        return self.name


class Answer(models.Model):
    """One value of a submitted response, a row per chosen option (or matrix row, or ranked
    item), so results are counted by the database. Channel, district, age band and people are
    copied from the response so filtered counts need no join."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answer_rows")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answer_rows")
    choice = models.CharField(max_length=40, blank=True)
    row = models.CharField(max_length=40, blank=True)
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    channel = models.CharField(max_length=20)
    district_id_copy = models.PositiveBigIntegerField(null=True, blank=True)
    age_band = models.CharField(max_length=10, blank=True)
    people = models.PositiveIntegerField(default=1)  # the response's people_count
    hidden_at = models.DateTimeField(null=True, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="answers")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["survey", "question", "choice", "row"]),
            models.Index(fields=["question", "response"]),
            # Number questions' values (their rows alone have a number and no choice), with
            # every column their distribution reads (`choice` too, which SQLite checks when
            # the query passes it as a parameter), so it is read from the index only.
            models.Index(
                fields=[
                    "question",
                    "number",
                    "channel",
                    "district_id_copy",
                    "age_band",
                    "people",
                    "choice",
                ],
                condition=Q(choice="", number__isnull=False),
                name="answer_number_covering",
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.choice or self.text[:40]}"


class ResultCount(models.Model):
    """Running totals of submitted answers by question, option (and matrix row), channel,
    district and age band, kept by the submit service in the same transaction, so results read
    a few hundred rows whatever the number of responses.

    `question_id` 0 counts responses; `choice` "*" counts people who answered the question;
    `total` sums numeric values (scale, number, rank) for averages; `district_id` 0 is none.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question_id = models.PositiveBigIntegerField()
    row = models.CharField(max_length=40, blank=True)
    choice = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20)
    district_id = models.PositiveBigIntegerField(default=0)
    age_band = models.CharField(max_length=10, blank=True)
    n = models.IntegerField(default=0)
    total = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "survey",
                    "question_id",
                    "row",
                    "choice",
                    "channel",
                    "district_id",
                    "age_band",
                ],
                name="result_count_unique",
            )
        ]

    def __str__(self):
        return f"{self.question_id}/{self.row}/{self.choice}: {self.n}"


# --- exports -------------------------------------------------------------------------------


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """An XLSX export written in the background; staff follow its progress and download it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"export {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


# --- quick polls ---------------------------------------------------------------------------


class PollResults(models.TextChoices):
    AFTER_VOTE = "after_vote", _("After voting")
    AFTER_CLOSE = "after_close", _("Only after the consultation closes")


class Poll(Part):
    """One question with options; shown on its consultation and on any page that places it."""

    part_kind = "poll"

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="polls",
    )
    question = models.CharField(_("question"), max_length=300)
    choices = models.TextField(_("options"), help_text=_("One per line, like survey options."))
    results_shown = models.CharField(
        _("results shown"),
        max_length=20,
        choices=PollResults.choices,
        default=PollResults.AFTER_VOTE,
    )

    panels = [
        FieldPanel("consultation"),
        FieldPanel("question"),
        FieldPanel("intro"),
        FieldPanel("choices"),
        FieldPanel("results_shown"),
        FieldPanel("position"),
    ]

    class Meta:
        verbose_name = _("quick poll")
        verbose_name_plural = _("quick polls")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.question

    @property
    def title(self):
        return self.question

    @property
    def options(self) -> list[tuple[str, str]]:
        return translated_options(self, "choices")


class PollVote(Contribution):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("poll vote")
        verbose_name_plural = _("poll votes")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "author"],
                condition=Q(author__isnull=False),
                name="one_poll_vote_per_person",
            )
        ]

    def contribution_text(self) -> str:
        return self.choice


# --- draft documents -----------------------------------------------------------------------


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=200)
    paragraphs = blocks.ListBlock(blocks.TextBlock(label=_("paragraph")), label=_("paragraphs"))

    class Meta:
        icon = "doc-full"
        label = _("Section")


class DraftDocument(Part):
    """A plan or policy in draft; saving it in the admin publishes a new version when the text
    changed, and comments stay with the version they were made on."""

    part_kind = "document"

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    body = StreamField([("section", SectionBlock())], verbose_name=_("text"), blank=True)

    panels = [
        FieldPanel("consultation"),
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("position"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("draft document")
        verbose_name_plural = _("draft documents")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(DraftDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"


class Paragraph(models.Model):
    """A paragraph of one version; `key` follows the same paragraph across versions."""

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="paragraphs"
    )
    key = models.CharField(max_length=64)
    section_heading = models.CharField(max_length=200)
    section_number = models.PositiveSmallIntegerField()
    position = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="paragraph_key_unique")
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def process(self):
        return self.version.document.consultation


class ParagraphComment(Contribution):
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(_("comment"), max_length=3000, validators=[validate_clean_text])

    class Meta:
        verbose_name = _("paragraph comment")
        verbose_name_plural = _("paragraph comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]

    def contribution_text(self) -> str:
        return self.body


# --- debates -------------------------------------------------------------------------------


class Debate(Part):
    part_kind = "debate"

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="debates",
    )
    question = models.CharField(_("question"), max_length=300)

    panels = [
        FieldPanel("consultation"),
        FieldPanel("question"),
        FieldPanel("intro"),
        FieldPanel("position"),
    ]

    class Meta:
        verbose_name = _("debate")
        verbose_name_plural = _("debates")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.question

    @property
    def title(self):
        return self.question


class Side(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")


class Argument(Contribution):
    """An argument for or against; supports and threaded replies come from interactions."""

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="arguments")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    body = models.TextField(_("argument"), max_length=2000, validators=[validate_clean_text])

    class Meta:
        verbose_name = _("argument")
        verbose_name_plural = _("arguments")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(side__in=Side.values), name="side_known")]

    def __str__(self):
        return self.body[:60]

    def contribution_text(self) -> str:
        return self.body

    def get_absolute_url(self) -> str:
        return f"{self.debate.consultation.url}debates/{self.debate_id}/arguments/{self.pk}/"
