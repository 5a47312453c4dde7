"""Every account page renders in the site layout, with labelled inputs and linked errors."""

from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress

from tests.factories import UserFactory

from .conftest import PASSWORD, reauthenticate, sign_in


class FormAudit(HTMLParser):
    """Collects what accessibility checks need: inputs, labels, ids, error-summary links."""

    def __init__(self):
        super().__init__()
        self.inputs, self.label_for, self.ids, self.summary_links = [], set(), set(), []
        self.classes, self.in_summary = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        self.classes.append(attrs.get("class") or "")
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            self.inputs.append(attrs)
        if tag == "div" and "error-summary" in (attrs.get("class") or ""):
            self.in_summary = True
        if tag == "a" and self.in_summary:
            self.summary_links.append(attrs.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "div":
            self.in_summary = False


def audit(response) -> FormAudit:
    assert response.status_code in (200, 400), response.status_code
    body = response.content.decode()
    assert '<main id="main"' in body, "not rendered in base.html"
    assert 'class="skip-link"' in body
    parser = FormAudit()
    parser.feed(body)
    assert "container narrow" in parser.classes, "content is not in the narrow container"
    for attrs in parser.inputs:
        assert attrs.get("id") in parser.label_for or attrs.get("aria-label"), attrs
    for href in parser.summary_links:
        assert href.startswith("#") and href[1:] in parser.ids, href
    return parser


PUBLIC_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/key/1-not-a-key/",
    "/me/terms/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_account_pages(client, path):
    audit(client.get(path, follow=True))


SIGNED_IN_PAGES = [
    "/accounts/logout/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/sessions/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/totp/activate/",
    "/me/",
    "/me/privacy/",
    "/me/delete/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_account_pages(client, resident, path):
    sign_in(client, resident.email)
    reauthenticate(client)
    audit(client.get(path))


@pytest.mark.django_db
def test_errors_are_summarised_and_linked_to_their_fields(client):
    parser = audit(client.post("/accounts/signup/", {"email": "bad", "password1": "x"}))

    assert {"#id_email", "#id_password1", "#id_password2", "#id_accept_terms"} <= set(
        parser.summary_links
    )
    body = client.post("/accounts/login/", {}).content.decode()
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_login_error"' in body


@pytest.mark.django_db
def test_password_rules_describe_the_password_field(client):
    body = client.get("/accounts/signup/").content.decode()
    assert '<div class="help" id="id_password1_helptext"><ul>' in body
    assert 'aria-describedby="id_password1_helptext"' in body


@pytest.mark.django_db
def test_sessions_page_lists_this_browser(client, resident):
    sign_in(client, resident.email, HTTP_USER_AGENT="TestBrowser/1.0")
    body = client.get("/accounts/sessions/").content.decode()
    assert "This browser" in body
    assert '<th scope="col">' in body


@pytest.mark.django_db
def test_adding_an_email_address_sends_a_confirmation(client, resident, mailoutbox):
    sign_in(client, resident.email)
    reauthenticate(client)
    response = client.post("/accounts/email/", {"email": "second@example.org", "action_add": ""})

    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=resident, email="second@example.org", verified=False)
    assert mailoutbox[-1].to == ["second@example.org"]
    body = client.get("/accounts/email/").content.decode()
    assert "second@example.org" in body
    assert "Not confirmed" in body


@pytest.mark.django_db
def test_changing_the_password(client, resident):
    sign_in(client, resident.email)
    new = "a-new-and-long-phrase-31"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password(new)


@pytest.mark.django_db
def test_mails_greet_in_the_name_of_the_city(client, home_page, mailoutbox):
    from civitas.core.models import CitySettings

    site = home_page.get_site()
    CitySettings.for_site(site).__class__.objects.filter(site=site).update(city_name="Riverton")
    UserFactory(email="ruth@example.org")
    client.post("/accounts/password/reset/", {"email": "ruth@example.org"})
    assert mailoutbox[0].body.startswith("Hello from Riverton!")
