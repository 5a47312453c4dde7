"""The survey in the browser without JavaScript: pages, drafts, errors, done; paper entry."""

import pytest

from consultations.models import Response

pytestmark = pytest.mark.django_db


def url(page, rest=""):
    return f"{page.url}{rest}"


def test_overview_shows_every_part_to_visitors(client, consultation, poll, document, debate):
    response = client.get(url(consultation))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Mobility survey", "Free buses at night?", "Strategy draft", "Cameras in parks?"):
        assert text in html
    assert "Sign in to answer" in html


def test_visitors_are_sent_to_sign_in_and_residents_answer_page_by_page(client, survey, resident):
    page = survey.consultation
    form_url = url(page, f"surveys/{survey.pk}/")
    assert client.get(form_url).status_code == 302
    client.force_login(resident)
    first = client.get(form_url)
    assert first.status_code == 200
    html = first.content.decode()
    assert 'name="q-transport"' in html and 'name="q-idea"' not in html
    # The conditional question on the same page comes with its condition for scripts.
    assert 'data-show-if="transport"' in html

    step = client.post(
        form_url,
        {"page": "1", "q-transport": "bike", "q-bike-safety": "4", "q-priorities": ["air"]},
    )
    assert step.status_code == 302 and step["Location"].endswith("?page=2")
    second = client.get(step["Location"]).content.decode()
    assert 'name="q-bike-detail"' in second  # its condition holds (earlier page)
    done = client.post(
        form_url,
        {
            "page": "2",
            "action": "submit",
            "q-trips": "3",
            "q-rank-a": "2",
            "q-rank-b": "1",
            "q-rank-c": "3",
            "q-grid-buses": "4",
            "q-bike-detail": "River",
        },
    )
    assert done.status_code == 302 and done["Location"].endswith("/done/")
    response = Response.objects.get(author=resident)
    assert response.status == "submitted"
    assert response.answers["rank"] == ["b", "a", "c"] and response.answers["grid"] == {"buses": 4}


def test_a_later_page_hides_questions_whose_condition_fails(client, survey, resident):
    client.force_login(resident)
    form_url = url(survey.consultation, f"surveys/{survey.pk}/")
    client.post(form_url, {"page": "1", "q-transport": "bus", "q-priorities": ["air"]})
    html = client.get(form_url + "?page=2").content.decode()
    assert 'name="q-bike-detail"' not in html
    answered_hidden = client.post(
        form_url, {"page": "2", "action": "submit", "q-bike-detail": "sneaky"}
    )
    assert answered_hidden.status_code == 400
    assert "does not apply" in answered_hidden.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q-transport": "plane"}, "Choose one of the listed options."),
        ({"q-transport": "bike", "q-bike-safety": "9"}, "Choose a value from 1 to 5."),
        ({"q-transport": "bus", "q-bike-safety": "3"}, "does not apply"),
        ({"q-transport": "bus", "q-priorities": ["air", "noise", "price"]}, "at most 2"),
        ({}, "Answer this question."),
    ],
)
def test_bad_input_answers_400_with_a_summary_and_keeps_the_draft(
    client, survey, resident, data, message
):
    client.force_login(resident)
    form_url = url(survey.consultation, f"surveys/{survey.pk}/")
    client.post(form_url, {"page": "1", "q-transport": "car", "q-priorities": ["air"]})
    bad = client.post(form_url, {"page": "1", **data})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "There is a problem" in html and message in html
    assert Response.objects.get(author=resident).draft_answers["transport"] == "car"


def test_save_and_finish_later_keeps_the_draft_for_the_next_visit(client, survey, resident):
    client.force_login(resident)
    form_url = url(survey.consultation, f"surveys/{survey.pk}/")
    left = client.post(
        form_url, {"page": "1", "action": "save", "q-transport": "car", "q-priorities": ["air"]}
    )
    assert left.status_code == 302
    resumed = client.get(form_url)  # opens on the page reached
    assert resumed.status_code == 200
    assert 'name="q-idea"' in resumed.content.decode()
    back = client.get(form_url + "?page=1").content.decode()
    assert 'value="car" checked' in back


def test_anonymous_surveys_give_a_receipt_and_trap_bots(client, make_page):
    survey = make_page("open", title="Open to all", response_mode="anonymous").surveys.get()
    form_url = url(survey.consultation, f"surveys/{survey.pk}/")
    bot = client.post(form_url, {"page": "1", "q-transport": "bus", "website": "http://spam"})
    assert bot.status_code == 400
    assert Response.objects.count() == 0
    client.post(form_url, {"page": "1", "q-transport": "bus", "q-priorities": ["air"]})
    done = client.post(form_url, {"page": "2", "action": "submit"}, follow=True)
    assert done.status_code == 200
    response = Response.objects.get()
    assert response.status == "submitted" and response.author is None
    assert response.receipt_code in done.content.decode()


def test_anonymous_submissions_are_rate_limited(client, make_page, settings):
    settings.CIVITAS_SUBMISSION_RATE = "2/m"
    survey = make_page("open", title="Open to all", response_mode="anonymous").surveys.get()
    form_url = url(survey.consultation, f"surveys/{survey.pk}/")
    codes = [client.post(form_url, {"page": "1", "q-transport": "x"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_facilitators_type_in_paper_responses_residents_may_not(
    client, survey, resident, role_user
):
    paper_url = url(survey.consultation, f"surveys/{survey.pk}/paper/")
    client.force_login(resident)
    assert client.get(paper_url).status_code == 403
    facilitator = role_user("facilitator", scope=survey.consultation)
    client.force_login(facilitator)
    assert client.get(paper_url).status_code == 200
    key = "5b2b1c8e-1a35-4a43-8c5c-0f5a3d1b2e11"
    data = {
        "channel": "paper",
        "source_detail": "Library box",
        "submission_key": key,
        "q-transport": "bus",
        "q-priorities": ["price"],
        "q-nps": "7",
    }
    assert client.post(paper_url, data).status_code == 302
    assert client.post(paper_url, data).status_code == 302  # a double click saves once
    response = Response.objects.get()
    assert (response.channel, response.entered_by, response.source_detail) == (
        "paper",
        facilitator,
        "Library box",
    )
    bad = client.post(paper_url, {**data, "submission_key": "", "q-nps": "12"})
    assert bad.status_code == 400 and "from 0 to 10" in bad.content.decode()
    assert (
        client.post(paper_url, {**data, "channel": "telepathy", "submission_key": ""}).status_code
        == 400
    )
