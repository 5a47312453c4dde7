"""Quick polls, draft documents with versions, debates, the report and the API."""

import pytest
from django.db import IntegrityError

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.interactions.models import Comment, Support
from consultations import services, signals
from consultations.models import Argument, Paragraph, ParagraphComment, PollVote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_one_vote_per_person_and_results_after_voting(client, poll, resident):
    page = poll.consultation
    client.force_login(resident)
    html = client.get(page.url).content.decode()
    assert 'name="choice"' in html and "Yes" in html
    assert client.post(f"{page.url}polls/{poll.pk}/", {"choice": "maybe"}).status_code == 400
    assert client.post(f"{page.url}polls/{poll.pk}/", {"choice": "yes"}).status_code == 302
    assert client.post(f"{page.url}polls/{poll.pk}/", {"choice": "no"}).status_code == 302
    assert list(PollVote.objects.values_list("choice", flat=True)) == ["yes"]
    html = client.get(page.url).content.decode()
    assert 'role="img"' in html and "100.0%" in html
    with pytest.raises(IntegrityError):
        PollVote.objects.create(poll=poll, author=resident, choice="no", process=page)


def test_poll_results_wait_for_close_when_configured(client, poll, resident):
    poll.results_shown = "after_close"
    poll.save()
    services.poll_vote(poll=poll, voter=resident, choice="yes")
    client.force_login(resident)
    html = client.get(poll.consultation.url).content.decode()
    assert "Results are shown when the consultation closes" in html and "100.0%" not in html


def test_closed_polls_refuse_votes(make_page, resident):
    from consultations.models import Poll

    page = make_page("closed")
    poll = Poll.objects.create(consultation=page, question="Q?", choices="a\nb")
    with pytest.raises(NotAllowed):
        services.poll_vote(poll=poll, voter=resident, choice="a")
    with pytest.raises(DomainError):
        services.poll_vote(poll=poll, voter=resident, choice="zzz")


def test_paragraph_comments_stay_with_their_version(
    client, document, resident, django_capture_on_commit_callbacks
):
    page = document.consultation
    first = Paragraph.objects.get(version__number=1, position=0)
    client.force_login(resident)
    paragraph_url = f"{page.url}documents/{document.pk}/paragraphs/{first.pk}/"
    assert client.post(paragraph_url, {"body": ""}).status_code == 400
    heard = []
    signals.paragraph_comment_added.connect(
        lambda sender, comment, **kw: heard.append(comment), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(paragraph_url, {"body": "Say who owns the data."}).status_code == 302
    finally:
        signals.paragraph_comment_added.disconnect(dispatch_uid="t")
    assert [c.body for c in heard] == ["Say who owns the data."]

    # A new version: the first paragraph changes, one is removed, one is added.
    body = document.body.get_prep_value()
    body[0]["value"]["paragraphs"][0]["value"] = "A connected and fair city."
    del body[0]["value"]["paragraphs"][1]
    body[1]["value"]["paragraphs"].append({"type": "item", "value": "Open standards."})
    document.body = body
    document.save()
    assert services.document_version_publish(document=document, by=None).number == 2
    assert services.document_version_publish(document=document, by=None) is None  # unchanged

    html = client.get(f"{page.url}documents/{document.pk}/").content.decode()
    assert "<ins>and fair</ins>" in html or "<ins>connected and fair</ins>" in html
    assert "1 on earlier versions" in html and "Removed in this version" in html
    assert "New in this version." in html
    # The old comment stays on version 1 and shows under the new paragraph's earlier comments.
    assert ParagraphComment.objects.get().paragraph == first
    new_first = Paragraph.objects.get(version__number=2, key=first.key)
    new_html = client.get(f"{page.url}documents/{document.pk}/paragraphs/{new_first.pk}/")
    assert "Say who owns the data." in new_html.content.decode()
    with pytest.raises(Conflict):
        services.paragraph_comment_add(paragraph=first, author=resident, body="Late")


def test_paragraph_comments_take_supports(client, document, resident):
    paragraph = Paragraph.objects.first()
    comment = services.paragraph_comment_add(paragraph=paragraph, author=resident, body="Yes")
    other = UserFactory()
    client.force_login(other)
    response = client.post(
        f"/i/consultations.paragraphcomment/{comment.pk}/support/",
        {"action": "add", "next": "/"},
    )
    assert response.status_code == 302
    assert Support.objects.count() == 1
    page = document.consultation
    html = client.get(f"{page.url}documents/{document.pk}/").content.decode()
    assert "1 comment" in html


def test_debate_arguments_supports_and_replies(
    client, debate, resident, django_capture_on_commit_callbacks
):
    page = debate.consultation
    debate_url = f"{page.url}debates/{debate.pk}/"
    assert client.post(debate_url, {"side": "for", "body": "x"}).status_code == 302  # sign in
    client.force_login(resident)
    assert client.post(debate_url, {"side": "maybe", "body": "Safer"}).status_code == 400
    assert client.post(debate_url, {"side": "for", "body": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(debate_url, {"side": "against", "body": "Privacy."}).status_code == 302
    assert callbacks
    argument = Argument.objects.get()
    other = UserFactory()
    client.force_login(other)
    client.post(f"/i/consultations.argument/{argument.pk}/support/", {"action": "add", "next": "/"})
    client.post(
        f"/i/consultations.argument/{argument.pk}/comments/", {"body": "Agreed", "next": "/"}
    )
    assert Comment.objects.get().body == "Agreed"
    html = client.get(debate_url).content.decode()
    assert "Privacy." in html and "1 support" in html and "1 reply" in html
    detail = client.get(f"{debate_url}arguments/{argument.pk}/")
    assert detail.status_code == 200 and "Agreed" in detail.content.decode()


def test_report_page_after_close(client, make_page, resident, role_user):
    page = make_page("report", title="Done")
    survey = page.surveys.get()
    staff = role_user("taskforce")
    services.response_submit(
        survey=survey,
        respondent=None,
        channel="paper",
        entered_by=staff,
        answers={"transport": "bus"},
    )
    response, _ = services.response_submit(
        survey=survey,
        respondent=None,
        channel="paper",
        entered_by=staff,
        answers={"transport": "bus", "idea": "Trees"},
        people_count=2,
    )
    theme = services.theme_add(consultation=page, name="Greenery", by=staff)
    services.answer_moderate(
        answer=response.answer_rows.get(text="Trees"), by=staff, themes=[theme]
    )
    response = client.get(f"{page.url}report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 responses to" in html and "On paper: 3" in html  # a sheet for two people
    assert "Themes in the written answers" in html and "Greenery" in html
    assert f'href="/feedback/processes/{page.pk}/"' in html and "How your input was used" in html
    open_page = make_page("open", title="Still open")
    client.force_login(resident)
    assert client.get(f"{open_page.url}report/").status_code == 403


def test_api_lists_consultations_questions_and_public_results(client, make_page, role_user):
    page = make_page("report", title="Done")
    survey = page.surveys.get()
    staff = role_user("taskforce")
    services.response_submit(
        survey=survey,
        respondent=None,
        channel="paper",
        entered_by=staff,
        answers={"transport": "bus", "trips": 4},
    )
    listing = client.get("/api/v1/consultations/").json()
    assert [c["title"] for c in listing] == ["Done"]
    questions = client.get(f"/api/v1/consultations/surveys/{survey.pk}/questions").json()
    assert questions[1]["show_if_key"] == "transport"
    results = client.get(f"/api/v1/consultations/surveys/{survey.pk}/results").json()
    assert results["responses"] == 1
    assert results["questions"][0]["options"][0] == {
        "key": "bus",
        "label": "Bus",
        "count": 1,
        "percent": 100.0,
    }
    trips = next(q for q in results["questions"] if q["key"] == "trips")
    assert (trips["mean"], trips["median"], trips["min"], trips["max"]) == (4, 4, 4, 4)
    assert trips["histogram"] == [{"key": "4", "label": "4", "count": 1, "percent": 100.0}]
    paper = f"/api/v1/consultations/surveys/{survey.pk}/results?channel=paper&age_band=65_plus"
    assert client.get(paper).json()["responses"] == 0
    assert client.get(paper.replace("65_plus", "ancient")).status_code == 400
    assert (
        client.get(f"/api/v1/consultations/surveys/{survey.pk}/results?channel=x").status_code
        == 400
    )
    still_open = make_page("open", title="Open").surveys.get()
    assert client.get(f"/api/v1/consultations/surveys/{still_open.pk}/results").status_code == 403
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/consultations/surveys/{survey_id}/results" in schema["paths"]


def test_a_poll_can_be_placed_on_any_page(rf, poll, resident):
    from django.template import Context, Template

    request = rf.get("/anywhere/")
    request.user = resident
    html = Template("{% load consultations_tags %}{% consultation_poll poll %}").render(
        Context({"request": request, "poll": poll})
    )
    assert f'action="{poll.consultation.url}polls/{poll.pk}/"' in html
    assert 'name="next" value="/anywhere/#poll-' in html
    assert (
        Template("{% load consultations_tags %}{% consultation_poll 999 %}")
        .render(Context({"request": request}))
        .strip()
        == ""
    )


def test_personal_data_lists_what_a_person_contributed(survey, resident, poll, debate):
    from civitas.core.privacy import export_personal_data

    services.response_submit(survey=survey, respondent=resident, answers={"transport": "bus"})
    services.poll_vote(poll=poll, voter=resident, choice="yes")
    services.argument_add(debate=debate, author=resident, side="for", body="Yes")
    section = export_personal_data(resident)["sections"]["consultations"]
    assert [item["type"] for item in section] == ["survey_response", "poll_vote", "argument"]
    assert section[0]["answers"] == {"transport": "bus"}


def test_a_poll_part_is_one_landmark_named_by_its_question(client, poll):
    """The poll is its own section named by its question; no second section around it with
    the same name (two landmarks alike confuse screen-reader navigation)."""
    html = client.get(poll.consultation.url).content.decode()
    assert html.count(f'aria-labelledby="poll-{poll.pk}-title"') == 1
    assert 'aria-labelledby="part-poll-' not in html
    assert '<div class="part part-poll">' in html
