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


def build_demo(stdout, home, users) -> None:
    """Departments with members, rules, and cases: triage, routed, overdue, answered, published."""
    from . import services
    from .models import Case, CaseInput, CaseState, ProcessSettings
    from .sources import adapter_for

    stdout.write("Feedback loop: departments, rules and cases")
    departments = _departments(stdout)
    _rules(departments)
    role_assign(
        user=users["department_member"],
        role=Role.DEPARTMENT_MEMBER,
        scope=departments["mobility-streets"],
        by=None,
        note="demo",
    )
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
    _survey_answers(departments, stdout)
    if Case.objects.exclude(state__in=[CaseState.NEW, CaseState.TRIAGE, CaseState.ROUTED]).exists():
        stdout.write("  cases already worked on; left as they are")
        return
    taskforce, member = users["taskforce"], users["department_member"]
    routed = list(Case.objects.filter(state=CaseState.ROUTED).order_by("pk"))
    now = timezone.now()
    # Published answers, spread over the past months so the dashboard has a history.
    for index, case in enumerate(routed[:3]):
        decision, text = ANSWERS[index]
        lead = member if case.department.slug == "mobility-streets" else taskforce
        services.answer_draft(case=case, by=lead, decision=decision, public_text=text)
        services.answer_approve(case=case, by=taskforce)
        services.answer_publish(case=case, by=taskforce)
        created_at = now - dt.timedelta(days=90 - 25 * index)
        Case.objects.filter(pk=case.pk).update(
            created_at=created_at, answered_at=created_at + dt.timedelta(days=9 + 6 * index)
        )
    # One drafted answer waiting for approval, one overdue case, the rest routed.
    if len(routed) > 3:
        decision, text = ANSWERS[3]
        services.answer_draft(case=routed[3], by=taskforce, decision=decision, public_text=text)
    if len(routed) > 4:
        Case.objects.filter(pk=routed[4].pk).update(
            created_at=now - dt.timedelta(days=45),
            due_date=timezone.localdate() - dt.timedelta(days=5),
        )
    counts = {state: Case.objects.filter(state=state).count() for state in CaseState.values}
    stdout.write("  cases: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    paper = CaseInput.objects.exclude(receipt_code="").first()
    if paper:
        stdout.write(
            f"  receipt code of an offline idea: {paper.receipt_code} (/feedback/receipt/)"
        )
