"""Participatory budgeting: rounds (process pages), proposals, the voter roll, ballots, tallies
and the implementation of funded projects.

Ballot secrecy is a property of the schema: who voted (`VoterRecord`) and what was chosen
(`Ballot`, `PaperEntry`) share no foreign key, the content rows have random primary keys and no
timestamps, so neither insertion order nor time joins them. The only link is a keyed hash
(`Ballot.voter_tag`) that needs the server's secret, used to replace a ballot that is changed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable
from wagtail.search import index

from civitas.core.text import validate_clean_text
from civitas.participation.models import CONTRIBUTION_SEARCH_FIELDS, Contribution, ProcessPage

from .counting.rules import RULES


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose up to k projects")
    KNAPSACK = "knapsack", _("Knapsack: choose projects up to the budget")
    CUMULATIVE = "cumulative", _("Cumulative: spread N points")
    RANKED = "ranked", _("Ranked: order your top k")


class TieOrder(models.TextChoices):
    EQUALSHARES = "equalshares", _("Lower cost, then more votes, then a published lot")
    PABUTOOLS = "pabutools", _("Project identifiers in text order")


class Verification(models.TextChoices):
    EMAIL = "email", _("Verified e-mail address")
    CODE = "code", _("Single-use voting code")
    LIST = "list", _("List of eligible residents")
    IN_PERSON = "in_person", _("In-person check by a facilitator")


RULE_CHOICES = [(rule, rule) for rule in RULES]


class BudgetRoundPage(RoutablePageMixin, ProcessPage):
    """A participatory budgeting round: proposals, review, voting, results, implementation.

    `total_budget` is the city-wide pot; districts listed in `district_budgets` have their own.
    """

    phase_types = (
        "budgeting.propose",
        "budgeting.review",
        "budgeting.vote",
        "budgeting.results",
        "budgeting.implementation",
    )
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []

    total_budget = models.PositiveBigIntegerField(
        _("city-wide budget"), default=0, help_text=_("In whole currency units.")
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    ballot_type = models.CharField(
        _("ballot type"), max_length=12, choices=BallotType.choices, default=BallotType.APPROVAL
    )
    min_selections = models.PositiveSmallIntegerField(_("minimum selections"), default=0)
    max_selections = models.PositiveSmallIntegerField(
        _("maximum selections (k)"),
        null=True,
        blank=True,
        help_text=_("Per pot (city-wide and district). Empty: no limit."),
    )
    points = models.PositiveIntegerField(
        _("points to spread"), default=10, help_text=_("Cumulative ballots only.")
    )
    rank_points = models.CharField(
        _("points per rank"),
        max_length=100,
        blank=True,
        help_text=_("Ranked ballots: points for 1st, 2nd... place, e.g. 3,2,1."),
    )
    ballots_changeable = models.BooleanField(
        _("ballots can be changed until voting closes"), default=True
    )
    counting_rule = models.CharField(
        _("counting rule"), max_length=20, choices=RULE_CHOICES, default="mes-add1-greedy"
    )
    tie_order = models.CharField(
        _("tie-breaking order"), max_length=12, choices=TieOrder.choices, default="equalshares"
    )
    tie_lot = models.JSONField(
        _("published lot"),
        default=dict,
        blank=True,
        help_text=_("Project id -> lot number, drawn and published before counting."),
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    require_residence = models.BooleanField(
        _("district ballots need residence in the district"), default=True
    )
    verification = models.CharField(
        _("verification"), max_length=12, choices=Verification.choices, default="email"
    )
    paper_double_entry = models.BooleanField(
        _("paper ballots are entered twice, by two facilitators"), default=False
    )
    pabulib_meta = models.JSONField(_("pabulib META"), default=dict, blank=True, editable=False)

    content_panels = [
        *ProcessPage.content_panels,
        MultiFieldPanel([FieldPanel("total_budget"), FieldPanel("currency")], heading=_("Budget")),
        InlinePanel("district_budgets", label=_("District budgets")),
        InlinePanel("categories", label=_("Categories")),
    ]
    settings_panels = [
        *ProcessPage.settings_panels,
        MultiFieldPanel(
            [
                FieldPanel("ballot_type"),
                FieldPanel("min_selections"),
                FieldPanel("max_selections"),
                FieldPanel("points"),
                FieldPanel("rank_points"),
                FieldPanel("ballots_changeable"),
                FieldPanel("counting_rule"),
                FieldPanel("tie_order"),
                FieldPanel("tie_lot"),
            ],
            heading=_("Voting and counting"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("verification"),
                FieldPanel("min_age"),
                FieldPanel("require_residence"),
                FieldPanel("paper_double_entry"),
            ],
            heading=_("Eligibility and verification"),
        ),
    ]

    class Meta:
        verbose_name = _("budgeting round")
        verbose_name_plural = _("budgeting rounds")

    def rank_scores(self) -> tuple[int, ...] | None:
        """Points per rank for ranked ballots ((3, 2, 1) for Kraków), or None."""
        parts = [p.strip() for p in self.rank_points.split(",") if p.strip()]
        return tuple(int(p) for p in parts) if parts else None

    def counting_scores(self):
        """What a ballot gives each project it names, as the counting engine's `scores` argument.

        Ranked rounds use their points per rank and cumulative rounds the points voters spread.
        Rounds imported from pabulib count as pabutools does (one vote per project named), so
        that their outcomes compare with the published ones.
        """
        if self.ballot_type == BallotType.CUMULATIVE and not self.pabulib_meta:
            return "points"
        return self.rank_scores()

    def budget_rows(self) -> list:
        """The district budgets with their districts, read once per page instance."""
        rows = getattr(self, "_budget_rows", None)
        if rows is None:
            rows = self._budget_rows = list(self.district_budgets.select_related("district"))
        return rows

    def get_view_restrictions(self):
        """Wagtail's view restrictions, read once per page instance: serving the page checks
        them and so does the permission that the page is public (two queries each time)."""
        restrictions = self.__dict__.get("_view_restrictions")
        if restrictions is None:
            restrictions = super().get_view_restrictions()
            len(restrictions)  # evaluate now; iteration and exists() then use the result cache
            self._view_restrictions = restrictions
        return restrictions

    def pots(self) -> list[dict]:
        """[{"district": District or None, "budget": int}], city-wide pot first."""
        result = [{"district": None, "budget": self.total_budget}] if self.total_budget else []
        result += [{"district": row.district, "budget": row.budget} for row in self.budget_rows()]
        return result

    # Routes under the round page; each view asks its permission once.
    @path("")
    def round_index(self, request):
        from .views import round_index

        return round_index(request, self)

    @path("propose/")
    def proposal_new(self, request):
        from .views import proposal_new

        return proposal_new(request, self)

    @path("proposals/<int:proposal_id>/")
    def proposal_detail(self, request, proposal_id):
        from .views import proposal_detail

        return proposal_detail(request, self, proposal_id)

    @path("proposals/<int:proposal_id>/edit/")
    def proposal_edit(self, request, proposal_id):
        from .views import proposal_edit

        return proposal_edit(request, self, proposal_id)

    @path("proposals/<int:proposal_id>/review/")
    def proposal_review(self, request, proposal_id):
        from .views import proposal_review

        return proposal_review(request, self, proposal_id)

    @path("proposals/<int:proposal_id>/implementation/")
    def implementation_update(self, request, proposal_id):
        from .views import implementation_update

        return implementation_update(request, self, proposal_id)

    @path("vote/")
    def ballot(self, request):
        from .views import ballot

        return ballot(request, self)

    @path("vote/done/")
    def ballot_done(self, request):
        from .views import ballot_done

        return ballot_done(request, self)

    @path("receipts/")
    def receipts(self, request):
        from .views import receipts

        return receipts(request, self)

    @path("paper/")
    def paper_entry(self, request):
        from .views import paper_entry

        return paper_entry(request, self)

    @path("manage/")
    def manage(self, request):
        from .views import manage

        return manage(request, self)

    @path("results/")
    def results(self, request):
        from .views import results

        return results(request, self)

    @path("results/csv/")
    def results_csv(self, request):
        from .views import results_csv

        return results_csv(request, self)

    @path("pabulib/")
    def export_pabulib(self, request):
        from .views import export_pabulib

        return export_pabulib(request, self)


class DistrictBudget(Orderable):
    """A district's own pot in a round, beside the city-wide one."""

    page = ParentalKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="district_budgets")
    district = models.ForeignKey(
        "participation.District", verbose_name=_("district"), on_delete=models.PROTECT
    )
    budget = models.PositiveBigIntegerField(_("budget"))

    panels = [FieldPanel("district"), FieldPanel("budget")]

    class Meta(Orderable.Meta):
        verbose_name = _("district budget")
        constraints = [
            models.UniqueConstraint(fields=["page", "district"], name="one_budget_per_district")
        ]

    def __str__(self):
        return f"{self.district}: {self.budget}"


class Category(Orderable):
    """A category of proposals in a round; proposals in it go to its department for review."""

    page = ParentalKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=80, validators=[validate_clean_text])
    department_name = models.CharField(
        _("reviewing department"), max_length=120, blank=True, validators=[validate_clean_text]
    )

    panels = [FieldPanel("name"), FieldPanel("department_name")]

    class Meta(Orderable.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    FEASIBLE = "feasible", _("Feasible: on the ballot")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")
    MERGED = "merged", _("Merged into another proposal")


class ImplementationStatus(models.TextChoices):
    NOT_FUNDED = "", _("Not funded")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ProposalQuerySet(models.QuerySet):
    def public(self):
        return self.filter(hidden_at__isnull=True, process__live=True)

    def on_ballot(self, round_page):
        """Proposals residents can vote for: feasible ones of the round."""
        return self.filter(process=round_page, status=ProposalStatus.FEASIBLE, hidden_at=None)


class Proposal(index.Indexed, Contribution):
    """A project proposed for a round's budget; `process` is the BudgetRoundPage."""

    title = models.CharField(_("title"), max_length=150, validators=[validate_clean_text])
    description = models.TextField(
        _("description"), max_length=5000, blank=True, validators=[validate_clean_text]
    )
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost"))
    district = models.ForeignKey(
        "participation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the city-wide pot."),
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    location_text = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_clean_text]
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Review
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
        db_index=True,
    )
    department_name = models.CharField(
        _("department"), max_length=120, blank=True, validators=[validate_clean_text]
    )
    public_reason = models.TextField(_("reason given"), blank=True, max_length=5000)
    revised_cost = models.PositiveBigIntegerField(_("revised cost"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_proposals",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # Counting and implementation
    pabulib_id = models.CharField(_("pabulib project id"), max_length=64, blank=True)
    pabulib_extra = models.JSONField(default=dict, blank=True, editable=False)
    funded = models.BooleanField(_("funded"), default=False)
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=12,
        choices=ImplementationStatus.choices,
        default="",
        blank=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    objects = ProposalQuerySet.as_manager()

    search_fields = [
        *CONTRIBUTION_SEARCH_FIELDS,
        index.FilterField("status"),
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("description"),
    ]

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["pk"]
        indexes = [models.Index(fields=["process", "status", "district"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_known"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="proposal_title_not_empty"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="proposal_progress_pct"),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="proposal_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(process__isnull=False), name="proposal_belongs_to_a_round"
            ),
            models.UniqueConstraint(
                fields=["process", "pabulib_id"],
                condition=~Q(pabulib_id=""),
                name="one_pabulib_id_per_round",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.process.url}proposals/{self.pk}/"

    @property
    def cost(self) -> int:
        """The cost that counts: the department's revised cost, else the author's estimate."""
        return self.revised_cost if self.revised_cost is not None else self.estimated_cost

    @property
    def project_id(self) -> str:
        """The id counting and pabulib files use: the imported id, else the primary key."""
        return self.pabulib_id or str(self.pk)

    def contribution_text(self) -> str:
        return f"{self.title}\n\n{self.description}"


class Milestone(models.Model):
    """A step in the implementation of a funded project."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=150, validators=[validate_clean_text])
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title


class ImplementationUpdate(models.Model):
    """News about a funded project's implementation, with an optional photo."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("update"), max_length=5000, validators=[validate_clean_text])
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("implementation update")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"update #{self.pk} of proposal #{self.proposal_id}"


# --- who may vote, and who did --------------------------------------------------------------


class VotingCode(models.Model):
    """A single-use voting code, printed and mailed; only its hash is stored."""

    round = models.ForeignKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    district = models.ForeignKey(
        "participation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    # Keyed hash of whoever used it, so the same person may come back to change their ballot.
    holder_tag = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("voting code")

    def __str__(self):
        return f"voting code #{self.pk}"


class EligibleResident(models.Model):
    """One line of an uploaded list of eligible residents: a keyed hash of their identifier."""

    round = models.ForeignKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="+")
    identifier_hash = models.CharField(max_length=64)
    district = models.ForeignKey(
        "participation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    born_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("eligible resident")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "identifier_hash"], name="one_eligible_resident_row"
            )
        ]

    def __str__(self):
        return f"eligible resident #{self.pk}"


class InPersonCheck(models.Model):
    """A facilitator saw a person's documents and let them vote online in this round."""

    round = models.ForeignKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "participation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_in_person_check")
        ]

    def __str__(self):
        return f"in-person check #{self.pk}"


class VoterRecord(models.Model):
    """The voter roll: this voter has voted in this round (never what they chose).

    `voter_key` is a keyed hash of the voter's identity (account, code or resident identifier);
    the unique constraint is what guarantees one ballot per voter, on any channel.
    """

    round = models.ForeignKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="+")
    voter_key = models.CharField(max_length=64)
    channel = models.CharField(max_length=20)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voter record")
        constraints = [
            models.UniqueConstraint(fields=["round", "voter_key"], name="one_vote_per_voter")
        ]

    def __str__(self):
        return f"voter record #{self.pk}"


class Ballot(models.Model):
    """What one voter chose, without who: random primary key, no timestamp, no voter link.

    `choices` are proposal primary keys (rank order for ranked ballots), `points` the points
    per choice for cumulative ballots. `receipt_hash` is the SHA-256 of the receipt the voter
    keeps. `voter_tag` (a keyed hash, null for imported ballots) lets the server replace a
    changed ballot and, being unique per round, is a second guarantee of one ballot per voter.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "participation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    choices = models.JSONField(default=list)
    points = models.JSONField(null=True, blank=True)
    channel = models.CharField(max_length=20, default="online")
    receipt_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    voter_tag = models.CharField(max_length=64, null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("ballot")
        constraints = [
            models.UniqueConstraint(fields=["round", "voter_tag"], name="one_ballot_per_voter_tag")
        ]

    def __str__(self):
        return f"ballot {self.pk}"


class PaperEntryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the second entry")
    CONFIRMED = "confirmed", _("Counted")
    MISMATCH = "mismatch", _("The two entries differ: check the sheet")
    REJECTED = "rejected", _("Not counted")


class PaperEntry(models.Model):
    """One typing of one paper ballot sheet; with double entry two must agree before it counts.

    Like Ballot it has a random key and no timestamp, and no link to the voter roll.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="+")
    sheet = models.CharField(_("sheet number"), max_length=40)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    district = models.ForeignKey(
        "participation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    choices = models.JSONField(default=list)
    points = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=PaperEntryStatus.choices)

    class Meta:
        verbose_name = _("paper ballot entry")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "sheet", "entered_by"], name="one_entry_per_sheet_and_person"
            )
        ]

    def __str__(self):
        return f"paper sheet {self.sheet}"


# --- counting ------------------------------------------------------------------------------


class TallyStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Counting")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Tally(models.Model):
    """One count of a round's ballots, run as a background task; `pots` holds each pot's result.

    Each pot: {"district": id or None, "budget", "winners" (proposal ids), "spent",
    "voter_budget", "steps", "votes" ({proposal id: votes})}. `checksum` is the SHA-256 of the
    canonical ballots and configuration, so anyone can check a recount used the same input.
    """

    round = models.ForeignKey(BudgetRoundPage, on_delete=models.CASCADE, related_name="tallies")
    rule = models.CharField(max_length=20)
    tie_order = models.CharField(max_length=12)
    status = models.CharField(max_length=8, choices=TallyStatus.choices, default="queued")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    pots = models.JSONField(default=list)
    checksum = models.CharField(max_length=64, blank=True)
    ballot_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TallyStatus.values), name="tally_status_known"
            )
        ]

    def __str__(self):
        return f"tally #{self.pk} ({self.rule})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
