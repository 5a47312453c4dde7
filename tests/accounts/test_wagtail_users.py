"""People in the Wagtail admin: forms for the e-mail user, roles shown, deletion anonymises."""

import pytest
from django.template import Context, Origin, Template
from django.test import RequestFactory

from civitas.accounts.forms import TermsAcceptForm
from civitas.accounts.models import Role, User
from civitas.accounts.services import role_assign
from tests.factories import DistrictFactory, UserFactory


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.django_db
def test_edit_person_in_the_admin(admin_client, administrator):
    person = UserFactory(email="pat@example.org", display_name="Pat")
    district = DistrictFactory()
    role_assign(user=person, role=Role.MODERATOR, by=administrator)
    url = f"/admin/users/edit/{person.pk}/"
    page = admin_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="first_name"' not in body
    assert 'name="is_superuser"' not in body
    assert "Civitas roles" in body
    assert "Moderator" in body

    response = admin_client.post(
        url,
        {
            "email": "pat@example.org",
            "display_name": "Patricia",
            "preferred_language": "es",
            "district": district.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.display_name, person.preferred_language, person.district) == (
        "Patricia",
        "es",
        district,
    )


@pytest.mark.django_db
def test_create_person_in_the_admin(admin_client):
    page = admin_client.get("/admin/users/new/")
    assert page.status_code == 200
    password = "a-long-admin-chosen-phrase"
    response = admin_client.post(
        "/admin/users/new/",
        {
            "email": "new@example.org",
            "display_name": "New",
            "preferred_language": "fr",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.org").check_password(password)


@pytest.mark.django_db
def test_deleting_a_person_in_the_admin_anonymises_the_account(admin_client, administrator):
    person = UserFactory(email="pat@example.org")
    url = f"/admin/users/delete/{person.pk}/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url)

    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.deleted_at is not None
    assert person.email.endswith("@deleted.invalid")


@pytest.mark.django_db
def test_allauth_elements_render_labelled_fields_and_an_error_summary():
    """Pages of allauth that Civitas does not override still get accessible markup."""
    form = TermsAcceptForm(data={})
    form.is_valid()
    template = Template(
        "{% load allauth %}"
        '{% element form form=form method="post" action="/x/" %}'
        "{% slot body %}{% element fields form=form %}{% endelement %}{% endslot %}"
        '{% slot actions %}{% element button type="submit" %}Go{% endelement %}{% endslot %}'
        "{% endelement %}"
        '{% element field id="code" type="text" name="code" errors=errors %}'
        "{% slot label %}Code{% endslot %}{% endelement %}",
        origin=Origin(name="element-test.html", template_name="element-test.html"),
    )
    request = RequestFactory().get("/")
    html = template.render(Context({"form": form, "errors": ["Wrong code"], "request": request}))

    assert 'class="error-summary"' in html
    assert 'href="#id_accept"' in html
    assert '<label for="id_accept">' in html
    assert '<label for="code">' in html
    assert 'aria-describedby="code_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<button class="button" type="submit">Go</button>' in html


@pytest.mark.django_db
def test_bulk_deleting_people_anonymises_them(admin_client):
    people = [UserFactory(), UserFactory()]
    query = "&".join(f"id={p.pk}" for p in people)
    url = f"/admin/bulk/accounts/user/delete/?{query}&next=/admin/users/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url)

    assert response.status_code == 302
    for person in people:
        person = User.objects.get(pk=person.pk)
        assert person.deleted_at is not None
        assert not person.is_active


@pytest.mark.django_db
def test_people_listing_in_the_admin(admin_client, administrator):
    response = admin_client.get("/admin/users/")
    assert response.status_code == 200
    assert administrator.email in response.content.decode()
