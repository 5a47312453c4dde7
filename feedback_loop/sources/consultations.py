"""Consultation input as sources of cases: comments on a draft's paragraphs, arguments in a
debate and open-text survey answers. They become cases only where a process asks for them
(ProcessSettings.case_sources), since a consultation usually answers them together; the
feedback loop itself notifies the author when an answer is published (the consultations app
has no answer of its own) and the comment's or argument's page shows the published answer.
Comments and arguments name no topic or district: their case takes the consultation's.

Open-text answers are grouped as the process's `free_text_grouping` says: one case per survey
question (the default), per theme (the first, by name, of the themes the moderators tagged the
answer with; untagged answers wait in their question's case), or one case each. When a
moderator tags an answer otherwise (`consultations.answer_themes_changed`), the answer moves to
its theme's case at once; the taskforce's "sort by theme" action on a question's case does the
same for answers tagged before the process grouped by theme.
"""

from dataclasses import dataclass

from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import Group, SourceAdapter, contribution_snapshot, sources

FREE_TEXT = "consultations.freetext"


def _url(obj) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if get_url else ""


def comment_snapshot(comment):
    return contribution_snapshot(
        comment, title=Truncator(comment.body).chars(80), text=comment.body, url=_url(comment)
    )


def argument_snapshot(argument):
    return contribution_snapshot(
        argument,
        title=Truncator(argument.body).chars(80),
        text=argument.body,
        url=_url(argument),
        theme=Truncator(argument.debate.question).chars(120),
    )


def response_snapshot(response):
    return contribution_snapshot(
        response, title=response.survey.title, text="", district_id=response.district_id
    )


def _scope(consultation) -> dict:
    """Topic (when the consultation has exactly one) and district a grouped case routes by."""
    topics = [topic.pk for topic in consultation.topics.all()]
    return {
        "topic_id": topics[0] if len(topics) == 1 else None,
        "district_id": consultation.district_id,
    }


def question_group(survey, question_key: str, question_text: str) -> Group:
    return Group(
        key=f"{FREE_TEXT}:question:{survey.pk}:{question_key}"[:120],
        title=Truncator(f"{survey.title}: {question_text}").chars(200),
        text=question_text,
        theme=Truncator(question_text).chars(120),
        **_scope(survey.consultation),
    )


def theme_group(theme) -> Group:
    consultation = theme.consultation
    return Group(
        key=f"{FREE_TEXT}:theme:{theme.pk}",
        title=Truncator(
            gettext("%(theme)s (%(consultation)s)")
            % {"theme": theme.name, "consultation": consultation.title}
        ).chars(200),
        text=gettext("Open-text answers on the theme “%(theme)s”.") % {"theme": theme.name},
        theme=Truncator(theme.name).chars(120),
        **_scope(consultation),
    )


def themes_of(pairs) -> dict:
    """{(response id, question key): the answer's first theme by name} for the given pairs;
    pairs without a theme are left out. One query."""
    from consultations.models import Answer, Theme

    pairs = set(pairs)
    if not pairs:
        return {}
    rows = (
        Answer.themes.through.objects.filter(answer__response_id__in={pk for pk, _key in pairs})
        .values_list("answer__response_id", "answer__question__key", "theme_id")
        .order_by("theme__name", "theme_id")
    )
    theme_ids = {}
    for response_id, key, theme_id in rows:
        if (response_id, key) in pairs:
            theme_ids.setdefault((response_id, key), theme_id)
    themes = Theme.objects.select_related("consultation").in_bulk(set(theme_ids.values()))
    return {pair: themes[theme_id] for pair, theme_id in theme_ids.items()}


def free_text_group(response, question_key: str, question_text: str) -> Group | None:
    """The group an open-text answer joins, as its process says; None: a case of its own."""
    from feedback_loop.models import FreeTextGrouping
    from feedback_loop.selectors import settings_for_process

    mode = settings_for_process(response.process_id).free_text_grouping
    if mode == FreeTextGrouping.ANSWER:
        return None
    if mode == FreeTextGrouping.THEME:
        theme = themes_of([(response.pk, question_key)]).get((response.pk, question_key))
        if theme is not None:
            return theme_group(theme)
    return question_group(response.survey, question_key, question_text)


def on_free_text(sender, response, question_key, question_text, text, **kwargs):
    from feedback_loop.services import case_collect

    case_collect(
        contribution=response,
        part=question_key,
        text=text,
        adapter=sources.get(FREE_TEXT),
        group=lambda: free_text_group(response, question_key, question_text),
        title=Truncator(" ".join(text.split())).chars(100),
        theme=Truncator(question_text).chars(120),
    )


def on_answer_themes_changed(sender, answer, themes, by, **kwargs):
    """A moderator tagged an open-text answer otherwise: where the process groups answers by
    theme, the answer moves to the case of its first theme by name, or back to its question's
    case when it has no theme left. The themes are read again rather than taken from the
    event, so events handled late or twice leave the answer where its tags say."""
    from feedback_loop.services import case_input_regroup

    response, question = answer.response, answer.question
    group = free_text_group(response, question.key, question.text)
    if group is None:  # one case per answer: the answer stays in its own case
        return
    case_input_regroup(
        contribution=response,
        part=question.key,
        group=group,
        adapter=sources.get(FREE_TEXT),
        by=by,
    )


def on_response_submitted(sender, response, first, **kwargs):
    """A changed response: answers that no longer have a text leave their open cases."""
    if first:
        return
    from feedback_loop.services import case_parts_kept

    case_parts_kept(
        contribution=response,
        parts={key.split(".", 1)[0] for key, value in response.answers.items() if _texty(value)},
        adapter=sources.get(FREE_TEXT),
    )


def _texty(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def publish_nothing(contribution, case, answer, by) -> set[int]:
    """Consultations keep no answer of their own and tell nobody; the case and the public
    pages show it."""
    return set()


@dataclass(frozen=True)
class PublishedAnswer:
    """What a contribution's page shows of the answer to its case."""

    decision: str
    text: str
    how_used_url: str = ""


def published_answers(model, ids, part: str = "") -> dict:
    """{id: PublishedAnswer} of the contributions of `model` with these ids (for open-text
    answers: their `part`, the question's key) whose case has a published answer or was
    closed out of scope; the text is in the active language (or the fallback). One query.

    Registered as the ``civitas_published_answers`` hook, so that the consultations app asks
    for answers without knowing the feedback loop."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import NoReverseMatch, reverse

    from feedback_loop.models import CaseInput, CaseState

    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    items = CaseInput.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=ids,
        part=part,
        case__state__in=(CaseState.PUBLISHED, CaseState.OUT_OF_SCOPE),
        case__answer__published_at__isnull=False,
    ).select_related("case__answer")
    found = {}
    for item in items:
        case, answer = item.case, item.case.answer
        try:
            url = (
                reverse("feedback_loop:how_used", args=[case.process_id]) if case.process_id else ""
            )
        except NoReverseMatch:
            url = ""
        found[item.object_id] = PublishedAnswer(
            decision=answer.get_decision_display(),
            text=answer.public_text or "",
            how_used_url=url,
        )
    return found


def _opener(key):
    def receive(sender, **kwargs):
        from feedback_loop.services import case_open

        contribution = kwargs.get("comment") or kwargs.get("argument")
        case_open(contribution=contribution, adapter=sources.get(key))

    return receive


on_comment = _opener("consultations.paragraphcomment")
on_argument = _opener("consultations.argument")


def connect() -> None:
    from wagtail import hooks

    from consultations import signals
    from consultations.models import Argument, ParagraphComment, Response

    hooks.register("civitas_published_answers", published_answers)

    sources.register(
        FREE_TEXT,
        SourceAdapter(
            key=FREE_TEXT,
            model=Response,
            label=_("Open-text survey answer"),
            snapshot=response_snapshot,
            publish=publish_nothing,
            default_on=False,
            extra={"themes_of": themes_of, "theme_group": theme_group},
        ),
    )
    signals.free_text_answered.connect(
        on_free_text, dispatch_uid="feedback_loop.consultations.free_text"
    )
    signals.response_submitted.connect(
        on_response_submitted, dispatch_uid="feedback_loop.consultations.response"
    )
    signals.answer_themes_changed.connect(
        on_answer_themes_changed, dispatch_uid="feedback_loop.consultations.themes"
    )

    for key, model, label, snapshot in (
        (
            "consultations.paragraphcomment",
            ParagraphComment,
            _("Comment on a draft"),
            comment_snapshot,
        ),
        ("consultations.argument", Argument, _("Debate argument"), argument_snapshot),
    ):
        sources.register(
            key,
            SourceAdapter(
                key=key,
                model=model,
                label=label,
                snapshot=snapshot,
                publish=publish_nothing,
                default_on=False,
            ),
        )
    signals.paragraph_comment_added.connect(
        on_comment, dispatch_uid="feedback_loop.consultations.comment"
    )
    signals.argument_added.connect(on_argument, dispatch_uid="feedback_loop.consultations.argument")
