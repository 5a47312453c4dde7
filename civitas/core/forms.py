"""Form pieces shared by the apps: selects that render and read their options cheaply.

List pages and inboxes draw several selects on every request. Django renders each option
through three templates and reads a ModelChoiceField's options with `.iterator()`, a
server-side cursor on PostgreSQL (declare, fetch, close) plus one more query to check a chosen
value; these write the same HTML in Python and read the options once per form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A select whose options are written in Python: the same HTML as Django's templates
    (`select.html`, one `select_option.html` and `attrs.html` per option)."""

    @staticmethod
    def attributes(attrs) -> str:
        """As `attrs.html`: in their order, True as a bare name, False left out."""
        return mark_safe(  # noqa: S308 - every part is escaped by format_html
            "".join(
                format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
                for name, value in attrs.items()
                if value is not False
            )
        )

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        attributes = self.attributes
        parts = [format_html('<select name="{}"{}>', widget["name"], attributes(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    attributes(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices of a ListedChoiceField, from the objects it read once."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed_objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed_objects()) + (self.field.empty_label is not None)


class ListedChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that reads its options in one plain query per form, checks a chosen
    value against them without another query, and renders them with QuickSelect."""

    widget = QuickSelect
    iterator = ListedChoiceIterator

    def listed_objects(self) -> list:
        """The options' objects, read on first use."""
        if getattr(self, "_listed", None) is None:
            self._listed = list(self.queryset)
        return self._listed

    def _set_queryset(self, queryset):
        self._listed = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        """The listed object `value` names (its pk, or the to_field_name field)."""
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        for obj in self.listed_objects():
            if str(getattr(obj, key)) == str(value):
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._listed = None
        return result
