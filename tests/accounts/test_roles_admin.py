"""Role assignments in the Wagtail admin: only administrators, always through the services."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from civitas.accounts.models import Role, RoleAssignment, User
from civitas.accounts.roles import holds_role
from civitas.accounts.services import STAFF_GROUP, role_assign
from tests.factories import UserFactory, make_dummy_process

ADD_URL = "/admin/roles/new/"


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def person(db):
    return UserFactory(email="pat@example.org", display_name="Pat")


@pytest.mark.django_db
def test_administrator_assigns_a_site_wide_role(admin_client, administrator, person):
    assert admin_client.get(ADD_URL).status_code == 200
    response = admin_client.post(ADD_URL, {"email": "PAT@example.org", "role": "taskforce"})

    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert assignment.role == Role.TASKFORCE
    assert assignment.scope_type is None
    assert assignment.granted_by == administrator
    person.refresh_from_db()
    assert person.groups.filter(name=STAFF_GROUP).exists()
    assert person.has_perm("wagtailadmin.access_admin")
    entry = ModelLogEntry.objects.get(action="accounts.role.assigned", user=administrator)
    assert entry.data == {"role": "taskforce", "user": person.pk, "scope": None}
    listing = admin_client.get("/admin/roles/")
    assert listing.status_code == 200
    assert "Pat &lt;pat@example.org&gt;" in listing.content.decode()


@pytest.mark.django_db
def test_assigning_administrator_and_editor_syncs_flags_and_groups(admin_client, person):
    admin_client.post(ADD_URL, {"email": person.email, "role": "editor"})
    person.refresh_from_db()
    assert person.groups.filter(name="Editors").exists()
    assert not person.is_staff

    admin_client.post(ADD_URL, {"email": person.email, "role": "administrator"})
    person.refresh_from_db()
    assert person.is_staff
    assert person.is_superuser


@pytest.mark.django_db
def test_moderator_scoped_to_one_process_page(admin_client, person, home_page):
    process = make_dummy_process(home_page)
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    response = admin_client.post(
        ADD_URL,
        {
            "email": person.email,
            "role": "moderator",
            "scope_model": page_type.pk,
            "scope_object_id": process.pk,
        },
    )

    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert assignment.scope == process
    person = User.objects.get(pk=person.pk)
    assert holds_role(person, Role.MODERATOR, process)
    assert person.has_perm("participation.moderate")
    other = make_dummy_process(home_page, title="Elsewhere")
    assert not holds_role(person, Role.MODERATOR, other)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"role": "facilitator"}, "This role is held for one object"),
        ({"role": "editor", "scope_model": "PAGE", "scope_object_id": "HOME"}, "site-wide"),
        ({"role": "moderator", "scope_model": "PAGE", "scope_object_id": "HOME"}, "no suitable"),
        ({"role": "moderator", "scope_model": "PAGE"}, "Enter the ID"),
        ({"role": "moderator", "scope_object_id": "7"}, "Choose what the ID refers to"),
        ({"role": "moderator", "scope_model": "USER", "scope_object_id": "1"}, "Select a valid"),
        ({"role": "superhero"}, "Select a valid choice"),
        ({"role": "editor", "email": "nobody@example.org"}, "no account with this e-mail"),
    ],
)
def test_invalid_assignments_are_form_errors(admin_client, person, home_page, data, error):
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    user_type = ContentType.objects.get_for_model(User)
    values = {"PAGE": page_type.pk, "USER": user_type.pk, "HOME": home_page.pk}
    post = {"email": person.email, **{k: values.get(v, v) for k, v in data.items()}}
    response = admin_client.post(ADD_URL, post)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not RoleAssignment.objects.filter(user=person).exists()


@pytest.mark.django_db
def test_assigning_a_role_twice_is_refused(admin_client, person):
    role_assign(user=person, role=Role.EDITOR, by=None)
    response = admin_client.post(ADD_URL, {"email": person.email, "role": "editor"})

    assert response.status_code == 200
    assert "already holds this role" in response.content.decode()
    assert RoleAssignment.objects.filter(user=person).count() == 1


@pytest.mark.django_db
def test_administrator_revokes_a_role(admin_client, administrator, person):
    assignment = role_assign(user=person, role=Role.TASKFORCE, by=administrator)
    url = f"/admin/roles/delete/{assignment.pk}/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url)

    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    person.refresh_from_db()
    assert not person.groups.filter(name=STAFF_GROUP).exists()
    entry = ModelLogEntry.objects.get(action="accounts.role.revoked")
    assert entry.user_id == administrator.pk
    assert entry.data == {"role": "taskforce", "user": person.pk}


@pytest.mark.django_db
def test_the_last_administrator_keeps_the_role(admin_client, administrator):
    assignment = RoleAssignment.objects.get(user=administrator, role=Role.ADMINISTRATOR)
    response = admin_client.post(f"/admin/roles/delete/{assignment.pk}/", follow=True)

    assert "The last administrator cannot lose the role" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.django_db
def test_editor_gets_403(client, editor, person):
    assignment = role_assign(user=person, role=Role.TASKFORCE, by=None)
    client.force_login(editor)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/roles/").status_code == 403
    assert client.get(ADD_URL).status_code == 403
    assert client.post(ADD_URL, {"email": person.email, "role": "editor"}).status_code == 403
    assert client.post(f"/admin/roles/delete/{assignment.pk}/").status_code == 403
    assert RoleAssignment.objects.filter(user=person).count() == 1
    assert b"/admin/roles/" not in client.get("/admin/").content


@pytest.mark.django_db
def test_residents_do_not_reach_the_admin(client, resident):
    client.force_login(resident)
    response = client.get("/admin/roles/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.exists()


@pytest.mark.django_db
def test_inspect_view_shows_the_assignment(admin_client, person):
    assignment = role_assign(user=person, role=Role.TASKFORCE, by=None, note="Budget round")
    response = admin_client.get(f"/admin/roles/inspect/{assignment.pk}/")
    assert response.status_code == 200
    assert "Budget round" in response.content.decode()
    # Assignments are granted or revoked, never edited.
    assert admin_client.get(f"/admin/roles/edit/{assignment.pk}/").status_code == 403
