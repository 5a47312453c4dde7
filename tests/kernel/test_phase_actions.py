"""Editors switch, per phase, what people can do; every rule that asks `allows` follows."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.interactions import services as interactions
from civitas.interactions.models import Comment
from civitas.interactions.rules import can, denial
from civitas.participation.models import Phase, validate_phases
from civitas.participation.phases import PhaseType, phase_types
from tests.dummy_process.models import DummyProcessPage, Note
from tests.factories import UserFactory, make_dummy_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def collect_process(home_page):
    return make_dummy_process(home_page, title="Parks", phases=[("collect", -1, 5)])


def switch(process, actions):
    Phase.objects.filter(page=process).update(enabled_actions=actions)
    return DummyProcessPage.objects.get(pk=process.pk)


class TestPhaseType:
    def test_defaults_when_nothing_is_chosen(self):
        kind = PhaseType("x.y", "Y", {"submit", "comment", "paper_close"}, optional={"vote"})
        assert kind.allowed_with(None) == {"submit", "comment", "paper_close"}
        assert kind.switchable == {"submit", "comment", "vote"}

    def test_choices_switch_only_what_the_type_can_allow(self):
        kind = PhaseType("x.y", "Y", {"submit", "comment", "paper_close"}, optional={"vote"})
        # Fixed staff actions stay; unknown or foreign actions are ignored.
        assert kind.allowed_with(["vote", "argue", "nonsense"]) == {"vote", "paper_close"}
        assert kind.allowed_with([]) == {"paper_close"}


class TestPhaseAllows:
    def test_existing_phases_keep_their_type_defaults(self, collect_process):
        phase = collect_process.active_phase()
        assert phase.enabled_actions is None
        assert phase.allowed_actions == phase_types.get("dummy_process.collect").allows
        assert collect_process.allows("comment") and collect_process.allows("submit")

    def test_an_editor_switches_commenting_off(self, collect_process):
        process = switch(collect_process, ["submit", "support"])
        assert not process.allows("comment")
        assert process.allows("submit") and process.allows("support")

    def test_an_editor_switches_everything_off(self, collect_process):
        process = switch(collect_process, [])
        assert not any(process.allows(a) for a in ("submit", "comment", "support"))


class TestCommentsFollowThePhase:
    @pytest.fixture
    def note(self, collect_process):
        return Note.objects.create(process=collect_process, author=UserFactory(), text="Shade")

    def test_rules_refuse_comments_when_switched_off(self, collect_process, note):
        resident = UserFactory()
        assert can("interactions.add_comment", resident, note)
        switch(collect_process, ["submit", "support"])
        note = Note.objects.get(pk=note.pk)
        refusal = denial("interactions.add_comment", resident, note)
        assert refusal is not None and refusal.code == "closed"
        assert refusal.message == "Comments are closed in this phase."
        assert can("interactions.add_support", resident, note)

    def test_the_endpoint_answers_403_and_saves_nothing(self, client, collect_process, note):
        switch(collect_process, ["submit", "support"])
        client.force_login(UserFactory())
        response = client.post(
            reverse("interactions:comment", args=["dummy_process.note", note.pk]),
            {"body": "Lovely"},
        )
        assert response.status_code == 403
        assert "Comments are closed in this phase." in response.content.decode()
        assert not Comment.objects.exists()

    def test_the_service_refuses_too(self, collect_process, note):
        from civitas.core.errors import NotAllowed

        switch(collect_process, ["submit"])
        with pytest.raises(NotAllowed):
            interactions.comment_post(
                target=Note.objects.get(pk=note.pk), author=UserFactory(), body="x"
            )

    def test_an_optional_action_can_be_switched_on(self, home_page):
        process = make_dummy_process(home_page, title="Later", phases=[("review", -1, 5)])
        note = Note.objects.create(process=process, author=UserFactory(), text="Shade")
        resident = UserFactory()
        assert not can("interactions.add_support", resident, note)
        # "support" is not something a review phase can allow: choosing it changes nothing.
        switch(process, ["comment", "support"])
        assert not can("interactions.add_support", resident, Note.objects.get(pk=note.pk))


class TestValidation:
    def phase(self, **fields):
        starts_at = timezone.now()
        return Phase(
            phase_type="dummy_process.collect",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(days=3),
            **fields,
        )

    def test_actions_the_type_cannot_allow_are_refused(self):
        with pytest.raises(ValidationError) as caught:
            validate_phases([self.phase(enabled_actions=["comment", "vote"])])
        assert "cannot allow: Vote" in str(caught.value)

    def test_malformed_choices_are_refused(self):
        for bad in ({"comment": True}, [1, 2], "comment"):
            with pytest.raises(ValidationError):
                validate_phases([self.phase(enabled_actions=bad)])

    def test_defaults_and_fitting_choices_pass(self):
        validate_phases([self.phase(enabled_actions=None)])
        validate_phases([self.phase(enabled_actions=["submit", "support"])])
        validate_phases([self.phase(enabled_actions=[])])


class TestAdmin:
    @pytest.fixture
    def editor_client(self, client):
        editor = UserFactory()
        role_assign(user=editor, role=Role.EDITOR, by=None)
        client.force_login(editor)
        return client

    def form(self, title, **phase_fields):
        start = timezone.now().replace(second=0, microsecond=0)
        data = {
            "title_en": title,
            "slug": title.lower().replace(" ", "-"),
            "phases-TOTAL_FORMS": "1",
            "phases-INITIAL_FORMS": "0",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
            "action-publish": "publish",
            "phases-0-phase_type": "dummy_process.collect",
            "phases-0-title_en": "",
            "phases-0-description_en": "",
            "phases-0-starts_at": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
            "phases-0-ends_at": timezone.localtime(start + dt.timedelta(days=9)).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "phases-0-ORDER": "1",
            "phases-0-id": "",
            "phases-0-DELETE": "",
        }
        data.update({f"phases-0-{key}": value for key, value in phase_fields.items()})
        return data

    def add_url(self, home_page):
        return f"/admin/pages/add/dummy_process/dummyprocesspage/{home_page.pk}/"

    def test_the_form_offers_the_choice(self, editor_client, home_page):
        html = editor_client.get(self.add_url(home_page)).content.decode()
        assert 'name="phases-__prefix__-enabled_actions-mode"' in html
        assert 'value="comment"' in html
        assert "What the phase type allows by default" in html

    def test_the_editor_switches_commenting_off(self, editor_client, home_page):
        data = self.form("Parks plan", **{"enabled_actions-mode": "custom"})
        data["phases-0-enabled_actions"] = ["submit", "support"]
        response = editor_client.post(self.add_url(home_page), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        page = DummyProcessPage.objects.get(title="Parks plan")
        [phase] = page.phase_list()
        assert phase.enabled_actions == ["submit", "support"]
        assert page.allows("submit") and not page.allows("comment")
        # The edit form shows the choice again.
        html = editor_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
        assert 'value="custom" id="id_phases-0-enabled_actions_mode_1" checked' in html
        ticked = re.findall(r'name="phases-0-enabled_actions" value="(\w+)"[^>]*checked', html)
        assert ticked == ["submit", "support"]

    def test_defaults_are_kept_when_not_customised(self, editor_client, home_page):
        data = self.form("Default plan", **{"enabled_actions-mode": "default"})
        data["phases-0-enabled_actions"] = ["submit"]  # ticked but not chosen: ignored
        assert editor_client.post(self.add_url(home_page), data).status_code == 302
        [phase] = DummyProcessPage.objects.get(title="Default plan").phase_list()
        assert phase.enabled_actions is None

    def test_actions_the_type_cannot_allow_get_a_message(self, editor_client, home_page):
        data = self.form("Bad plan", **{"enabled_actions-mode": "custom"})
        data["phases-0-enabled_actions"] = ["vote"]
        response = editor_client.post(self.add_url(home_page), data)
        assert response.status_code == 200
        assert "cannot allow: Vote" in response.content.decode()
        assert not DummyProcessPage.objects.filter(title="Bad plan").exists()
