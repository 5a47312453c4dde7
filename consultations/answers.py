"""Survey answers: which questions apply (conditional display), reading them from a form and
checking every value on the server. Pure functions of questions and answers, no queries.

Shapes of an answer, by question type (the contract of services.response_submit):

* single: option key (str); "other" with the text under ``"<key>.other"``
* multiple: list of option keys (may include "other", text as for single)
* short_text, long_text: str
* number: int or float (a numeric string is accepted)
* scale: int between the scale's ends
* ranking: list of every option key, most preferred first
* matrix: {row key: int on the scale}
* date: "YYYY-MM-DD"
"""

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civitas.core.text import normalise_text, validate_clean_text

from .models import OTHER_KEY, QuestionKind

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000
OTHER_TEXT_MAX = 300
NUMBER_LIMIT = 1_000_000_000


def other_key(question) -> str:
    return f"{question.key}.{OTHER_KEY}"


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


def matches(value, wanted: list[str]) -> bool:
    """An answer matches a condition when it (or one of its options) is among `wanted`."""
    if is_empty(value):
        return False
    if isinstance(value, list | tuple):
        return any(str(v) in wanted for v in value)
    if isinstance(value, dict):
        return False
    return str(value) in wanted


def visible_keys(questions, answers: dict) -> set[str]:
    """Keys of the questions that apply given `answers`, in survey order: a conditional question
    applies when its source question applies and its answer matches."""
    visible: set[str] = set()
    known = {q.key for q in questions}
    for question in questions:
        source = question.show_if_key
        if (
            not source
            or source not in known
            or source in visible
            and matches(answers.get(source), question.condition_values)
        ):
            visible.add(question.key)
    return visible


def read_form(questions, data) -> dict:
    """Raw answers to `questions` from POSTed form data (field names ``q-<key>``)."""
    raw = {}
    for question in questions:
        name = f"q-{question.key}"
        kind = question.kind
        if kind == QuestionKind.HEADING:
            continue
        if kind == QuestionKind.MULTIPLE:
            raw[question.key] = [v for v in data.getlist(name) if v]
        elif kind == QuestionKind.RANKING:
            raw[question.key] = {key: data.get(f"{name}-{key}", "") for key, _l in question.options}
        elif kind == QuestionKind.MATRIX:
            raw[question.key] = {
                key: data.get(f"{name}-{key}", "") for key, _l in question.row_options
            }
        else:
            raw[question.key] = data.get(name, "")
        if question.allow_other and kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            raw[other_key(question)] = data.get(f"{name}-other", "")
    return raw


class Invalid(Exception):
    pass


def _text(value, limit: int) -> str:
    if not isinstance(value, str):
        raise Invalid(_("Give a text."))
    text = normalise_text(value)
    if len(text) > limit:
        raise Invalid(
            ngettext(
                "Keep it under %(limit)d character (this has %(length)d).",
                "Keep it under %(limit)d characters (this has %(length)d).",
                limit,
            )
            % {"limit": limit, "length": len(text)}
        )
    try:
        validate_clean_text(text)
    except ValidationError as exc:
        raise Invalid(exc.messages[0]) from exc
    return text


def _integer(value, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise Invalid(_("Choose a whole number.")) from exc
    if not low <= number <= high:
        raise Invalid(_("Choose a value from %(low)d to %(high)d.") % {"low": low, "high": high})
    return number


def _choice(question, value) -> str:
    keys = {key for key, _label in question.options}
    if question.allow_other:
        keys.add(OTHER_KEY)
    if not isinstance(value, str) or value not in keys:
        raise Invalid(_("Choose one of the listed options."))
    return value


def _clean_value(question, value):
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        return _choice(question, value)
    if kind == QuestionKind.MULTIPLE:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            raise Invalid(_("Choose among the listed options."))
        chosen = {_choice(question, v) for v in values}
        order = [key for key, _l in question.options] + [OTHER_KEY]
        low, high = question.min_choices, question.max_choices
        if low and len(chosen) < low:
            raise Invalid(_("Choose at least %(n)d options.") % {"n": low})
        if high and len(chosen) > high:
            raise Invalid(_("Choose at most %(n)d options.") % {"n": high})
        return [key for key in order if key in chosen]
    if kind == QuestionKind.SHORT_TEXT:
        return _text(value, SHORT_TEXT_MAX)
    if kind == QuestionKind.LONG_TEXT:
        return _text(value, LONG_TEXT_MAX)
    if kind == QuestionKind.NUMBER:
        try:
            number = float(str(value).strip().replace(",", "."))
        except (TypeError, ValueError) as exc:
            raise Invalid(_("Enter a number.")) from exc
        low = question.min_value if question.min_value is not None else -NUMBER_LIMIT
        high = question.max_value if question.max_value is not None else NUMBER_LIMIT
        if not math.isfinite(number) or not low <= number <= high:
            raise Invalid(
                _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            )
        return int(number) if number.is_integer() else number
    if kind == QuestionKind.SCALE:
        scale = question.scale_range
        return _integer(value, scale.start, scale.stop - 1)
    if kind == QuestionKind.RANKING:
        keys = [key for key, _l in question.options]
        if isinstance(value, dict):
            ranks = {}
            for key, rank in value.items():
                if key not in keys:
                    raise Invalid(_("Rank only the listed options."))
                ranks[key] = _integer(rank, 1, len(keys))
            if sorted(ranks.values()) != list(range(1, len(keys) + 1)):
                raise Invalid(
                    _("Give each option a different rank from 1 to %(n)d.") % {"n": len(keys)}
                )
            return sorted(ranks, key=ranks.get)
        if not isinstance(value, list | tuple) or sorted(map(str, value)) != sorted(keys):
            raise Invalid(_("Rank every listed option once."))
        return list(value)
    if kind == QuestionKind.MATRIX:
        if not isinstance(value, dict):
            raise Invalid(_("Answer row by row."))
        rows = {key for key, _l in question.row_options}
        scale = question.scale_range
        cleaned = {}
        for row, choice in value.items():
            if row not in rows:
                raise Invalid(_("Answer only the listed rows."))
            if not is_empty(choice):
                cleaned[row] = _integer(choice, scale.start, scale.stop - 1)
        if question.required and len(cleaned) < len(rows):
            raise Invalid(_("Answer every row."))
        return cleaned
    if kind == QuestionKind.DATE:
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as exc:
            raise Invalid(_("Enter a date as year-month-day, for example 2026-05-31.")) from exc
    raise Invalid(_("This question takes no answer."))


def clean_answers(questions, answers: dict, *, check: set[str], require: bool = True):
    """Check the answers to the questions whose keys are in `check`: (cleaned, errors).

    `answers` holds every answer known so far (conditions may look at earlier pages).
    `cleaned` has the checked questions' values (hidden and empty ones left out); `errors` maps
    a question key to the message people see. Answers to questions that do not apply are
    errors, never silently kept.
    """
    visible = visible_keys(questions, answers)
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for question in questions:
        if question.key not in check or not question.is_answerable:
            continue
        value = answers.get(question.key)
        other = answers.get(other_key(question), "")
        if question.key not in visible:
            if not is_empty(value) or not is_empty(other):
                errors[question.key] = _(
                    "This question does not apply to your earlier answers; leave it empty."
                )
            continue
        if is_empty(value):
            if question.required and require:
                errors[question.key] = _("Answer this question.")
            continue
        try:
            cleaned[question.key] = _clean_value(question, value)
            chosen = cleaned[question.key]
            if question.allow_other and OTHER_KEY in (
                chosen if isinstance(chosen, list) else [chosen]
            ):
                text = _text(other or "", OTHER_TEXT_MAX)
                if not text:
                    raise Invalid(_("Say what “other” means for you."))
                cleaned[other_key(question)] = text
        except Invalid as exc:
            errors[question.key] = str(exc)
    return cleaned, errors


def prune(questions, answers: dict) -> dict:
    """`answers` without those to questions that no longer apply (an earlier answer changed)."""
    visible = visible_keys(questions, answers)
    keep = {}
    for key, value in answers.items():
        question_key = key.split(".", 1)[0]
        if question_key in visible:
            keep[key] = value
    return keep
