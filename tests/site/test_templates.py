"""The page shell and form includes: landmarks, skip link, labelled fields, the error summary."""

import re

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template.loader import render_to_string
from django.test import RequestFactory

from civitas.core.templatetags.civitas_tags import static_if_exists
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_one_of_each_landmark_and_a_skip_link_first(client, home_page):
    body = client.get("/").content.decode()
    assert body.count("<main ") == 1
    assert body.count('<header class="site-header">') == 1
    assert body.count('<footer class="site-footer">') == 1
    assert re.search(r'<nav class="site-nav" aria-label="Main">', body)
    first_link = re.search(r"<body[^>]*>\s*<a ([^>]*)>", body).group(1)
    assert 'href="#main"' in first_link
    assert 'id="main" tabindex="-1"' in body


def test_current_page_is_marked_in_the_navigation(client, home_page):
    body = client.get("/search/").content.decode()
    assert '<a href="/search/" aria-current="page">' in body


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on your letterbox.")
    colour = forms.ChoiceField(
        label="Colour",
        choices=[("r", "Red"), ("g", "Green")],
        widget=forms.RadioSelect,
        help_text="Pick one.",
    )
    agree = forms.BooleanField(label="I agree")
    nickname = forms.CharField(label="Nickname", required=False)

    def clean(self):
        raise forms.ValidationError("The form as a whole is wrong.")


def render_form(form):
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    return render_to_string(
        "civitas/form.html", {"form": form, "title": "Example"}, request=request
    )


def test_fields_are_labelled_and_described():
    html = render_form(ExampleForm())
    assert '<label for="id_name">Name <span class="required" aria-hidden="true">' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert '<div class="help" id="id_name_helptext">As on your letterbox.</div>' in html
    assert 'id="id_nickname"' in html
    assert 'for="id_nickname">Nickname</label>' in html  # optional: no "required" marker
    # Radio buttons form a group named by its legend and described by its help.
    assert re.search(r'<fieldset class="field" aria-describedby="id_colour_helptext">', html)
    assert "<legend>Colour" in html
    assert "error-summary" not in html
    assert "<title>Example" in html


def test_errors_are_summarised_linked_and_tied_to_their_fields():
    form = ExampleForm(data={"name": "", "nickname": "x"})
    html = render_form(form)
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    assert "data-error-summary" in summary
    assert 'role="alert"' in summary
    assert "<li>The form as a whole is wrong.</li>" in summary
    # Each field error links to the control that needs fixing (radios: the first option).
    for anchor in ("#id_name", "#id_colour_0", "#id_agree"):
        assert f'href="{anchor}"' in summary
        assert f'id="{anchor[1:]}"' in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'<input[^>]*aria-describedby="id_name_helptext id_name_error"', html)
    assert '<div class="error" id="id_name_error">' in html
    described = 'aria-describedby="id_colour_helptext id_colour_error"'
    assert f'<fieldset class="field field-error" {described}>' in html
    assert re.search(r'<input[^>]*aria-describedby="id_agree_error"', html)
    # The page title says there is an error before anything else is read.
    assert "<title>Error: Example" in html


def test_messages_say_their_level_in_words(client, home_page):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = {}
    storage = FallbackStorage(request)
    storage.add(constants.ERROR, "That failed.")
    storage.add(constants.SUCCESS, "Saved.")
    html = render_to_string(
        "civitas/includes/messages.html", {"messages": storage}, request=request
    )
    assert 'role="status"' in html
    assert re.search(
        r'message-error"><span class="visually-hidden">Error: </span>That failed.', html
    )
    assert re.search(r'message-success"><span class="visually-hidden">Success: </span>Saved.', html)


def test_live_notifications_script_only_for_signed_in_people(client, home_page):
    live = static_if_exists("notifications/live.js")
    if not live:
        pytest.skip("the notifications app ships no live.js yet")
    assert live not in client.get("/").content.decode()
    client.force_login(UserFactory())
    assert f'<script src="{live}" defer></script>' in client.get("/").content.decode()


def test_missing_optional_asset_is_left_out():
    assert static_if_exists("civitas/js/civitas.js").endswith("civitas/js/civitas.js")
    assert static_if_exists("nothing/here.js") == ""


@pytest.mark.parametrize(
    ("path", "status"), [("/no-such-page/", 404), ("/search/?q=" + "x" * 300, 400)]
)
def test_error_states_render_in_the_page_shell(client, home_page, path, status):
    response = client.get(path)
    assert response.status_code == status
    body = response.content.decode()
    assert 'id="main"' in body
    assert 'href="/search/"' in body


def test_home_page_lists_processes_as_cards(client, home_page):
    from .pages import populate

    populate(home_page)
    body = client.get("/").content.decode()
    assert re.search(r'<li class="card">\s*<h4><a href="[^"]+">Open process</a></h4>', body)
    assert "Coming soon" in body
    assert "<summary>1 finished process</summary>" in body
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids)), "duplicate ids"
