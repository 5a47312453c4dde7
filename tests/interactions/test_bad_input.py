"""Whatever people send, the answer is a form error (4xx) or escaped output, never a 500."""

import pytest
from django.urls import reverse

from civitas.interactions import services
from civitas.interactions.models import Comment, Flag

pytestmark = pytest.mark.django_db

BAD_TEXT = {
    "empty": "",
    "blank": " \n\t ",
    "oversized": "x" * 5001,
    "null byte": "abc\x00def",
    "bell": "ring\x07",
    "escape sequence": "\x1b[31mred",
    "script": "<script>alert('x')</script>",
    "markup": 'Click <a href="https://evil.example">here</a>',
    "html comment": "<!-- hidden -->",
    "uppercase tag": "<IMG SRC=x onerror=alert(1)>",
}


def comment_url(note):
    return reverse("interactions:comment", args=["dummy_process.note", note.pk])


def flag_url(note):
    return reverse("interactions:flag", args=["dummy_process.note", note.pk])


@pytest.mark.parametrize("body", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_bad_comment_is_a_form_error(client, resident, note, body):
    client.force_login(resident)
    response = client.post(comment_url(note), {"body": body, "next": "/parks/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert (
        "<script>alert" not in html
        and "<IMG SRC" not in html
        and '<a href="https://evil' not in html
    )
    assert not Comment.objects.exists()


# Details are optional, so only text that is wrong in itself is refused.
BAD_DETAILS = {k: v for k, v in BAD_TEXT.items() if k not in ("empty", "blank", "oversized")}


@pytest.mark.parametrize("details", BAD_DETAILS.values(), ids=BAD_DETAILS.keys())
def test_bad_flag_details_are_a_form_error(client, resident, note, details):
    client.force_login(resident)
    response = client.post(flag_url(note), {"reason": "spam", "details": details})
    assert response.status_code == 400
    assert "<script>alert" not in response.content.decode()
    assert not Flag.objects.exists()


def test_oversized_flag_details_and_unknown_reason(client, resident, note):
    client.force_login(resident)
    assert client.post(flag_url(note), {"reason": "spam", "details": "x" * 501}).status_code == 400
    assert client.post(flag_url(note), {"reason": "boring"}).status_code == 400
    assert client.post(flag_url(note), {}).status_code == 400
    assert not Flag.objects.exists()


def test_bad_edit_is_a_form_error(client, resident, note):
    comment = services.comment_post(target=note, author=resident, body="Fine")
    client.force_login(resident)
    edit = reverse("interactions:comment_edit", args=[comment.pk])
    assert client.post(edit, {"body": "<b>bold</b>"}).status_code == 400
    comment.refresh_from_db()
    assert comment.body == "Fine"


@pytest.mark.parametrize(
    "raw",
    [
        b"body=%ED%A0%80",  # an encoded lone surrogate
        b"body=%FF%FE%FD",  # bytes that are not UTF-8
        b"body=caf\xe9",  # latin-1 sent as if UTF-8
        b"body=%F0%9F%8C%B3+trees",  # a real emoji, fine
    ],
)
def test_invalid_unicode_never_breaks(client, resident, note, raw):
    client.force_login(resident)
    response = client.post(
        comment_url(note), data=raw, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (302, 400)
    for body in Comment.objects.values_list("body", flat=True):
        body.encode("utf-8")  # stored text is always valid UTF-8


def test_bad_parent_and_garbage_fields(client, resident, note):
    client.force_login(resident)
    response = client.post(comment_url(note), {"body": "Hi", "parent": "not a number"})
    assert response.status_code == 400
    response = client.post(
        reverse("interactions:support", args=["dummy_process.note", note.pk]),
        {"action": "<script>", "next": "<script>alert(1)</script>"},
    )
    assert response.status_code == 302  # unknown action means "add"; unsafe next ignored
    assert "<script>" not in response.url


def test_request_body_over_the_limit_is_refused(client, resident, note, settings):
    settings.CIVITAS_MAX_REQUEST_BYTES = 10_000
    client.force_login(resident)
    response = client.post(comment_url(note), {"body": "x" * 20_000})
    assert response.status_code == 413
