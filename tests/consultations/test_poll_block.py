"""A quick poll placed as a StreamField block: on a consultation page's body and in any other
page's stream; voting without JavaScript comes back to the page; one vote per person."""

import pytest
from django.template import Context, Template
from wagtail import blocks

from consultations.blocks import QuickPollBlock
from consultations.models import Poll, PollVote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(make_page, poll):
    """Another consultation whose body places the poll of the first one, after some text."""
    page = make_page("open", title="Mobility plan")
    page.body = [("text", "<p>Tell us quickly:</p>"), ("poll", {"poll": poll})]
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_the_block_votes_and_comes_back_to_the_page_without_javascript(client, host, poll):
    resident = UserFactory()
    client.force_login(resident)
    html = client.get(host.url).content.decode()
    assert "Tell us quickly:" in html
    assert f'action="{poll.consultation.url}polls/{poll.pk}/"' in html
    assert f'name="next" value="{host.url}#poll-{poll.pk}"' in html
    response = client.post(
        f"{poll.consultation.url}polls/{poll.pk}/",
        {"choice": "yes", "next": f"{host.url}#poll-{poll.pk}"},
    )
    assert response.status_code == 302 and response["Location"] == f"{host.url}#poll-{poll.pk}"
    html = client.get(host.url).content.decode()
    assert "Thank you for voting." in html and "You have voted." in html
    assert 'role="img"' in html and "100.0%" in html and 'name="choice"' not in html
    # A second vote from the same person changes nothing.
    again = client.post(
        f"{poll.consultation.url}polls/{poll.pk}/", {"choice": "no", "next": host.url}
    )
    assert again.status_code == 302
    assert list(PollVote.objects.filter(poll=poll).values_list("choice", flat=True)) == ["yes"]


def test_results_after_close_stay_hidden_after_voting(client, host, poll):
    poll.results_shown = "after_close"
    poll.save()
    resident = UserFactory()
    client.force_login(resident)
    client.post(f"{poll.consultation.url}polls/{poll.pk}/", {"choice": "no", "next": host.url})
    html = client.get(host.url).content.decode()
    assert "Results are shown when the consultation closes" in html
    assert "100.0%" not in html and 'name="choice"' not in html


def test_visitors_are_asked_to_sign_in_and_closed_polls_show_results(client, host, make_page):
    html = client.get(host.url).content.decode()
    assert "Sign in to vote" in html and 'name="choice"' not in html
    closed = make_page("closed", title="Last year")
    old = Poll.objects.create(consultation=closed, question="Night buses?", choices="y | Y\nn | N")
    PollVote.objects.create(poll=old, author=UserFactory(), choice="n", process=closed)
    host.body = [("poll", {"poll": old})]
    host.save_revision().publish()
    html = client.get(host.url).content.decode()
    assert "This poll is closed." in html and "100.0%" in html


def test_any_page_type_adds_the_block_to_its_stream(rf, poll):
    """What another app's page does: a stream with ("poll", QuickPollBlock()) in its list."""
    stream = blocks.StreamBlock([("text", blocks.RichTextBlock()), ("poll", QuickPollBlock())])
    value = stream.to_python([{"type": "poll", "value": {"poll": poll.pk}}])
    request = rf.get("/news/")
    request.user = UserFactory()
    html = Template(
        "{% load wagtailcore_tags %}{% for b in body %}{% include_block b %}{% endfor %}"
    )
    html = html.render(Context({"request": request, "body": value, "csrf_token": "t"}))
    assert f'action="{poll.consultation.url}polls/{poll.pk}/"' in html
    assert 'name="next" value="/news/#poll-' in html


def test_polls_of_unpublished_consultations_are_not_shown(rf, make_page):
    draft = make_page("open", title="Draft", live=False)
    poll = Poll.objects.create(consultation=draft, question="Secret?", choices="a\nb")
    request = rf.get("/news/")
    request.user = UserFactory()
    html = QuickPollBlock().render({"poll": poll}, context={"request": request})
    assert "Secret?" not in html


def test_the_admin_edits_the_page_body_with_a_poll_chooser(client, host):
    from civitas.accounts.models import Role
    from civitas.accounts.services import role_assign

    admin = UserFactory()
    role_assign(user=admin, role=Role.ADMINISTRATOR, by=None)
    client.force_login(admin)
    html = client.get(f"/admin/pages/{host.pk}/edit/").content.decode()
    assert "body_en" in html and "Quick poll" in html


def test_the_page_with_a_poll_block_costs_the_same_queries_with_more_votes(
    client, host, poll, django_assert_max_num_queries
):
    viewer = UserFactory()
    PollVote.objects.create(poll=poll, author=viewer, choice="no", process=poll.consultation)
    client.force_login(viewer)
    assert "100.0%" in client.get(host.url).content.decode()
    with django_assert_max_num_queries(40) as few:
        assert client.get(host.url).status_code == 200
    for _ in range(15):
        PollVote.objects.create(
            poll=poll, author=UserFactory(), choice="yes", process=poll.consultation
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(host.url).status_code == 200
