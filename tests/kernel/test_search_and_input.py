import pytest

from civitas.participation.models import Channel
from tests.dummy_process.services import note_submit
from tests.factories import UserFactory, make_dummy_process

pytestmark = pytest.mark.django_db


def test_search_finds_pages_and_registered_contributions(client, home_page):
    process = make_dummy_process(home_page, title="Riverside parks plan")
    note_submit(process=process, author=UserFactory(), text="Plant chestnut trees")
    hidden, _ = note_submit(process=process, author=UserFactory(), text="chestnut spam")
    hidden.hidden_at = hidden.created_at
    hidden.save()
    body = client.get("/search/?q=parks").content.decode()
    assert "Riverside parks plan" in body
    body = client.get("/search/?q=chestnut").content.decode()
    assert "Plant chestnut trees" in body
    assert "chestnut spam" not in body


def test_search_refuses_oversized_queries_with_a_message(client, home_page):
    response = client.get("/search/?q=" + "a" * 500)
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_search_survives_odd_input(client, home_page):
    for query in [
        "%00",
        "<script>alert(1)</script>",
        "'; DROP TABLE x; --",
        "\u202e",
        "AND OR NOT",
        '"*',
        '"unclosed quote',
        "NEAR(a b)",
        "title:park*",
    ]:
        response = client.get("/search/", {"q": query})
        assert response.status_code in (200, 400)
        assert b"<script>alert(1)</script>" not in response.content


def test_oversized_body_gets_413(client, settings):
    settings.CIVITAS_MAX_REQUEST_BYTES = 1000
    response = client.post("/search/", data="x" * 5000, content_type="text/plain")
    assert response.status_code == 413


def test_invalid_content_length_gets_400(client):
    response = client.generic("POST", "/search/", b"", CONTENT_LENGTH="banana")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "text,status",
    [
        ("", 400),
        ("x" * 2001, 400),
        ("bell\x07char", 400),
        ("null\x00byte", 400),
        ("<script>alert('x')</script> & <b>bold</b>", 302),
    ],
)
def test_note_form_bad_input_is_a_4xx_and_html_is_escaped(client, home_page, text, status):
    process = make_dummy_process(home_page)
    client.force_login(UserFactory())
    response = client.post(f"/dummy/{process.pk}/notes/new/", {"text": text})
    assert response.status_code == status
    page = client.get(process.url).content.decode()
    assert "<script>alert('x')</script>" not in page
    if status == 302:
        assert (
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
            in page
        )


def test_invalid_utf8_in_a_form_is_not_a_server_error(client, home_page):
    process = make_dummy_process(home_page)
    client.force_login(UserFactory())
    response = client.generic(
        "POST",
        f"/dummy/{process.pk}/notes/new/",
        b"text=caf\xc3\x28\xff\xfe",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400)


def test_lone_surrogates_are_refused_by_the_service(home_page):
    from django.core.exceptions import ValidationError

    process = make_dummy_process(home_page)
    with pytest.raises(ValidationError):
        note_submit(process=process, author=UserFactory(), text="bad \ud800 text")


def test_offline_note_needs_its_enterer(home_page):
    from civitas.core.errors import DomainError

    process = make_dummy_process(home_page)
    with pytest.raises(DomainError):
        note_submit(process=process, author=None, text="x", channel=Channel.PAPER)


def test_search_syntax_typed_by_a_resident_is_searched_as_words(client, home_page):
    make_dummy_process(home_page, title="Riverside parks plan")
    response = client.get("/search/", {"q": '"parks*'})
    assert response.status_code == 200
    assert "Riverside parks plan" in response.content.decode()
