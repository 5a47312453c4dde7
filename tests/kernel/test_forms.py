"""The kernel's quick selects write what Django's templates write, and read their options in one
plain query per form."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civitas.core.forms import ListedChoiceField, QuickSelect
from civitas.participation.models import Topic


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", ["", "b", ["b"]])
def test_quick_select_writes_what_djangos_select_writes(value):
    choices = [("", "Any"), ("a", 'Tom & "Jerry" <b>'), ("Group", [("b", "Bee"), ("c", "Sea")])]
    attrs = {"id": "id_x", "aria-describedby": "id_x_helptext", "required": True, "hidden": False}
    ours = QuickSelect(choices=choices).render("x", value, attrs=attrs)
    django = forms.Select(choices=choices).render("x", value, attrs=attrs)
    assert normalised(ours) == normalised(django)
    assert "&lt;b&gt;" in ours and "selected" in ours


@pytest.fixture
def topics(db):
    return [Topic.objects.create(name=name, slug=name.lower()) for name in ("Parks", "Streets <b>")]


def test_listed_field_reads_its_choices_in_one_plain_query(topics):
    parks, streets = topics

    class TopicForm(forms.Form):
        topic = ListedChoiceField(Topic.objects.order_by("name"), empty_label="Any")

    form = TopicForm({"topic": str(streets.pk)})
    with CaptureQueriesContext(connection) as ctx:
        html = str(form["topic"])
        assert form.is_valid()
    assert len(ctx.captured_queries) == 1
    assert not ctx.captured_queries[0]["sql"].startswith("DECLARE")
    assert form.cleaned_data["topic"] == streets

    class DjangoTopicForm(forms.Form):
        topic = forms.ModelChoiceField(Topic.objects.order_by("name"), empty_label="Any")

    expected = str(DjangoTopicForm({"topic": str(streets.pk)})["topic"])
    assert normalised(html) == normalised(expected)
    assert "Streets &lt;b&gt;" in html


def test_listed_field_refuses_a_value_outside_its_queryset(topics):
    parks, streets = topics
    field = ListedChoiceField(Topic.objects.filter(pk=parks.pk), required=False)
    assert field.clean(str(parks.pk)) == parks
    with pytest.raises(forms.ValidationError) as error:
        field.clean(str(streets.pk))
    assert error.value.code == "invalid_choice"
    assert field.clean("") is None


def test_listed_field_reads_again_when_its_queryset_changes(topics):
    parks, streets = topics
    field = ListedChoiceField(Topic.objects.filter(pk=parks.pk))
    assert field.listed_objects() == [parks]
    field.queryset = Topic.objects.filter(pk=streets.pk)
    assert field.clean(str(streets.pk)) == streets
    with pytest.raises(forms.ValidationError):
        field.clean(str(parks.pk))
