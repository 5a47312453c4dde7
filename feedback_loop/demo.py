"""Demo data of the feedback loop: departments with members, rules, and cases in every state.

Runs after the process apps' builders: ideas already in the demo become cases; when there are
none, a small idea challenge is created so the loop can be shown on its own.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.participation.models import Channel, District, Phase, Topic

DEPARTMENTS = [
    (
        "Mobility and Streets",
        "mobility-streets",
        "streets@demo.civitas",
        "Roads, crossings, cycling and public transport.",
        ["mobility", "safer-streets"],
    ),
    (
        "Parks and Green Spaces",
        "parks",
        "parks@demo.civitas",
        "Parks, trees, playgrounds and green corridors.",
        ["green-spaces"],
    ),
    (
        "Environment",
        "environment",
        "environment@demo.civitas",
        "Energy, waste and recycling.",
        ["energy", "waste"],
    ),
    (
        "Culture",
        "culture",
        "culture@demo.civitas",
        "Libraries, festivals and the arts.",
        ["culture"],
    ),
]

DEMO_IDEAS = [
    ("Zebra crossing at the primary school", "mobility", "old-town"),
    ("Protected bike lane on River Road", "mobility", "riverside"),
    ("More benches in Riverside Park", "green-spaces", "riverside"),
    ("Solar panels on the sports hall", "energy", "north-hill"),
    ("Street lights on the station path", "safer-streets", "north-hill"),
    ("Repair café in the library", "culture", "old-town"),
    ("Bottle bank near the market", "waste", "old-town"),
    ("Dog park at the old quarry", None, "north-hill"),
    ("Night bus on weekends", None, None),
    ("Trees along Market Street", "green-spaces", "old-town"),
]


def _departments(stdout):
    from .models import Department

    departments = {}
    for name, slug, email, description, topics in DEPARTMENTS:
        department, _ = Department.objects.update_or_create(
            slug=slug, defaults={"name": name, "contact_email": email, "description": description}
        )
        department.topics.set(Topic.objects.filter(slug__in=topics))
        departments[slug] = department
    stdout.write(f"  {len(departments)} departments")
    return departments


def _rules(departments):
    from .models import RoutingRule

    for priority, (_name, slug, _email, _description, topics) in enumerate(DEPARTMENTS, start=1):
        for topic in Topic.objects.filter(slug__in=topics):
            RoutingRule.objects.get_or_create(
                department=departments[slug],
                topic=topic,
                district=None,
                process=None,
                source="",
                defaults={"priority": priority * 10},
            )
    # Trees in the Old Town are the parks department's, even when filed under mobility: a
    # deliberate overlap with a higher priority, which the admin lists as such.
    RoutingRule.objects.get_or_create(
        department=departments["parks"],
        topic=Topic.objects.filter(slug="green-spaces").first(),
        district=District.objects.filter(slug="old-town").first(),
        defaults={"priority": 5},
    )


def _challenge(home, users):
    from ideas.models import IdeaChallengePage

    challenge = IdeaChallengePage.objects.filter(slug="better-neighbourhoods").first()
    if challenge is not None:
        return challenge
    challenge = IdeaChallengePage(
        title="Better neighbourhoods",
        slug="better-neighbourhoods",
        intro="<p>What would make your neighbourhood better? Every idea gets an answer.</p>",
    )
    home.add_child(instance=challenge)
    now = timezone.now()
    Phase.objects.create(
        page=challenge,
        phase_type="ideas.submit",
        starts_at=now - dt.timedelta(days=60),
        ends_at=now + dt.timedelta(days=60),
        sort_order=0,
    )
    challenge.save_revision().publish()
    return challenge


def _ideas(home, users, stdout):
    """The demo's ideas: those of the ideas app's builder, or a few of our own."""
    from ideas.models import Idea
    from ideas.services import idea_submit

    if Idea.objects.exists():
        return list(Idea.objects.filter(hidden_at__isnull=True).order_by("pk"))
    challenge = _challenge(home, users)
    ideas = []
    for index, (title, topic, district) in enumerate(DEMO_IDEAS):
        offline = index == 5
        idea, _ = idea_submit(
            challenge=challenge,
            author=None if offline else users["resident"],
            data={
                "title": title,
                "body": f"{title}: suggested by residents of the neighbourhood.",
                "topic": Topic.objects.filter(slug=topic).first() if topic else None,
                "district": District.objects.filter(slug=district).first() if district else None,
            },
            channel=Channel.PAPER if offline else Channel.ONLINE,
            entered_by=users["facilitator"] if offline else None,
        )
        ideas.append(idea)
    return ideas


DEMO_SURVEY_ANSWERS = 200


def _survey_answers(departments, stdout) -> None:
    """The consultations' open-text answers, one case per question, routed to Environment: the
    process takes them as cases now, so the answers given so far are delivered again (each
    joins its question's case once, however often this runs)."""
    from django.apps import apps

    if not apps.is_installed("consultations"):
        return
    from consultations.models import ConsultationPage, Response, ResponseStatus

    from .models import ProcessSettings, RoutingRule
    from .sources import consultations as source

    RoutingRule.objects.get_or_create(
        department=departments["environment"],
        topic=None,
        district=None,
        process=None,
        source=source.FREE_TEXT,
        defaults={"priority": 100},
    )
    delivered = 0
    for consultation in ConsultationPage.objects.all():
        ProcessSettings.objects.update_or_create(
            process=consultation,
            defaults={"case_sources": [source.FREE_TEXT], "free_text_grouping": "question"},
        )
        responses = (
            Response.objects.filter(process=consultation, status=ResponseStatus.SUBMITTED)
            .select_related("survey")
            .order_by("pk")[:DEMO_SURVEY_ANSWERS]
        )
        questions = {}
        for response in responses:
            if response.survey_id not in questions:
                questions[response.survey_id] = [
                    q for q in response.survey.questions.all() if q.is_free_text
                ]
            for question in questions[response.survey_id]:
                text = response.answers.get(question.key)
                if isinstance(text, str) and text.strip():
                    source.on_free_text(
                        Response,
                        response=response,
                        question_key=question.key,
                        question_text=question.text,
                        text=text,
                    )
                    delivered += 1
    stdout.write(f"  {delivered} open-text survey answers grouped into cases by question")


ANSWERS = [
    ("adopted", "We will paint the crossing and add a school-zone sign this spring."),
    ("partly_adopted", "A bike lane is planned on the river side; the other side is too narrow."),
    ("already_planned", "New benches are part of the park renovation planned for next year."),
    ("not_adopted", "The roof cannot carry panels; we are looking at the school roof instead."),
]


# Proposals are answered as feasible while their round is in voting: a "not adopted" answer
# would take them off the ballot.
PROPOSAL_ANSWERS = [
    ("adopted", "The site is ours and the cost estimate holds: the project can go on the ballot."),
    ("partly_adopted", "Feasible in a smaller form; the revised scope stays within the budget."),
]
OUT_OF_SCOPE_REASON = (
    "This is decided by the regional authority, not the city; we have passed your input on to them."
)
GROUP_REASON = "The same request, made twice: answered together."
APPROVED_ANSWER = (
    "partly_adopted",
    "Part of this fits in this year's maintenance budget; the rest is planned for next year.",
)
DRAFT_ANSWER = (
    "already_planned",
    "This is part of work already planned; we will publish the dates once the contract is signed.",
)


def _members(departments, users) -> dict:
    """{department id: member}: one member per department, with the demo password (the demo
    department member for Mobility and Streets, a login of its own for each other one)."""
    from allauth.account.models import EmailAddress
    from django.conf import settings

    from civitas.accounts.models import User
    from civitas.accounts.services import terms_accept

    template = users["department_member"]
    members = {}
    for _name, slug, _email, _description, _topics in DEPARTMENTS:
        if slug == "mobility-streets":
            member = template
        else:
            email = f"{slug}.member@demo.civitas"
            member, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "display_name": f"{departments[slug].name} member",
                    "password": template.password,
                },
            )
            if created:
                EmailAddress.objects.update_or_create(
                    user=member, email=email, defaults={"verified": True, "primary": True}
                )
                terms_accept(user=member, version=settings.CIVITAS_TERMS_VERSION)
        role_assign(
            user=member,
            role=Role.DEPARTMENT_MEMBER,
            scope=departments[slug],
            by=None,
            note="demo",
        )
        members[departments[slug].pk] = member
    return members


def _proposal_rules(departments) -> None:
    """Budget proposals without a topic rule of their own go to Mobility and Streets."""
    from .models import RoutingRule
    from .sources.budgeting import KEY

    RoutingRule.objects.get_or_create(
        department=departments["mobility-streets"],
        topic=None,
        district=None,
        process=None,
        source=KEY,
        defaults={"priority": 90},
    )


def _proposal_cases(stdout) -> list:
    """Cases of the proposals still open to review (their round's events are heard only after
    the demo's transaction commits, so they are opened here); the last one is left new."""
    from django.apps import apps

    if not apps.is_installed("budgeting"):
        return []
    from budgeting.models import Proposal, ProposalStatus

    from . import services
    from .sources import adapter_for

    proposals = list(
        Proposal.objects.filter(
            status__in=[
                ProposalStatus.SUBMITTED,
                ProposalStatus.UNDER_REVIEW,
                ProposalStatus.FEASIBLE,
            ],
            funded=False,
        ).order_by("pk")[:12]
    )
    cases = []
    for index, proposal in enumerate(proposals):
        last = index == len(proposals) - 1
        case, _made = services.case_open(
            contribution=proposal, adapter=adapter_for(proposal), route=not last
        )
        if case is not None:
            cases.append(case)
    return cases


def _publish(case, *, decision, text, lead, taskforce) -> None:
    from . import services

    services.answer_draft(case=case, by=lead, decision=decision, public_text=text)
    services.answer_approve(case=case, by=taskforce)
    services.answer_publish(case=case, by=taskforce)


def _lead(case, members, taskforce):
    """The member of the case's department, else the taskforce."""
    return members.get(case.department_id, taskforce)


def _states(ideas, proposal_cases, members, taskforce, stdout) -> None:
    """Make sure the demo has a case in every state of the workflow; each step runs only while
    its state is missing, so running the demo again changes nothing."""
    from . import services
    from .models import Case, CaseState, Department

    def routed(process_id=None):
        cases = Case.objects.filter(state=CaseState.ROUTED).order_by("pk")
        if process_id is not None:
            cases = cases.filter(process_id=process_id)
        return list(cases)

    now = timezone.now()
    idea_process = ideas[0].process_id if ideas else None
    # Published answers to ideas, spread over the past months so the dashboard has a history.
    if (
        idea_process
        and not Case.objects.filter(process_id=idea_process, state=CaseState.PUBLISHED).exists()
    ):
        for index, case in enumerate(routed(idea_process)[:3]):
            decision, text = ANSWERS[index]
            _publish(
                case,
                decision=decision,
                text=text,
                lead=_lead(case, members, taskforce),
                taskforce=taskforce,
            )
            created_at = now - dt.timedelta(days=90 - 25 * index)
            Case.objects.filter(pk=case.pk).update(
                created_at=created_at, answered_at=created_at + dt.timedelta(days=9 + 6 * index)
            )
    # Published answers to budget proposals.
    round_ids = {case.process_id for case in proposal_cases}
    for process_id in sorted(round_ids):
        if Case.objects.filter(process_id=process_id, state=CaseState.PUBLISHED).exists():
            continue
        for (decision, text), case in zip(PROPOSAL_ANSWERS, routed(process_id), strict=False):
            _publish(
                case,
                decision=decision,
                text=text,
                lead=_lead(case, members, taskforce),
                taskforce=taskforce,
            )
    # An answer approved and waiting for publication.
    if not Case.objects.filter(state=CaseState.APPROVED).exists():
        for case in routed()[:1]:
            decision, text = APPROVED_ANSWER
            services.answer_draft(
                case=case, by=_lead(case, members, taskforce), decision=decision, public_text=text
            )
            services.answer_approve(case=case, by=taskforce)
    # A drafted answer waiting for approval.
    if not Case.objects.filter(state=CaseState.DRAFTED).exists():
        for case in routed()[:1]:
            decision, text = DRAFT_ANSWER
            services.answer_draft(
                case=case, by=_lead(case, members, taskforce), decision=decision, public_text=text
            )
    # Taken from triage to a department, which asks another to contribute: in progress.
    if not Case.objects.filter(state=CaseState.ASSIGNED).exists():
        triage = Case.objects.filter(state=CaseState.TRIAGE).order_by("pk")
        for case in triage[:1]:
            departments = list(Department.objects.order_by("pk")[:2])
            services.case_assign(case=case, department=departments[0], by=taskforce)
            services.case_add_contributing_department(
                case=case, department=departments[1], by=taskforce
            )
    # Out of scope, with its public reason.
    if not Case.objects.filter(state=CaseState.OUT_OF_SCOPE).exists():
        candidates = Case.objects.filter(state__in=[CaseState.TRIAGE, CaseState.ROUTED])
        for case in candidates.order_by("-pk")[:1]:
            services.case_mark_out_of_scope(case=case, reason=OUT_OF_SCOPE_REASON, by=taskforce)
    # Two duplicates grouped into one case.
    if not Case.objects.filter(state=CaseState.MERGED).exists():
        open_cases = routed()
        by_department: dict = {}
        for case in open_cases:
            by_department.setdefault(case.department_id, []).append(case)
        pair = next((cases for cases in by_department.values() if len(cases) >= 2), None)
        if pair:
            services.case_group(case=pair[0], others=[pair[1]], by=taskforce, reason=GROUP_REASON)
    # One case past its due date.
    open_states = [CaseState.ROUTED, CaseState.ASSIGNED, CaseState.DRAFTED]
    today = timezone.localdate()
    if not Case.objects.filter(state__in=open_states, due_date__lt=today).exists():
        for case in routed()[-1:]:
            Case.objects.filter(pk=case.pk).update(
                created_at=now - dt.timedelta(days=45), due_date=today - dt.timedelta(days=5)
            )


def build_demo(stdout, home, users) -> None:
    """Departments each with a member, rules for ideas and proposals, and cases in every state
    of the workflow (idempotent)."""
    from . import services
    from .models import Case, CaseInput, CaseState, ProcessSettings
    from .sources import adapter_for

    stdout.write("Feedback loop: departments, rules and cases")
    departments = _departments(stdout)
    _rules(departments)
    _proposal_rules(departments)
    members = _members(departments, users)
    ideas = _ideas(home, users, stdout)
    for process_id in {idea.process_id for idea in ideas}:
        ProcessSettings.objects.get_or_create(process_id=process_id)
    idea_type = ContentType.objects.get_for_model(ideas[0]) if ideas else None
    known = set(
        CaseInput.objects.filter(content_type=idea_type).values_list("object_id", flat=True)
    )
    created = 0
    for idea in ideas:
        if idea.pk not in known:
            _case, made = services.case_open(contribution=idea, adapter=adapter_for(idea))
            created += made
    stdout.write(f"  {created} new cases from {len(ideas)} ideas")
    proposal_cases = _proposal_cases(stdout)
    _survey_answers(departments, stdout)
    _states(ideas, proposal_cases, members, users["taskforce"], stdout)
    counts = {state: Case.objects.filter(state=state).count() for state in CaseState.values}
    stdout.write("  cases: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    paper = CaseInput.objects.exclude(receipt_code="").first()
    if paper:
        stdout.write(
            f"  receipt code of an offline idea: {paper.receipt_code} (/feedback/receipt/)"
        )
