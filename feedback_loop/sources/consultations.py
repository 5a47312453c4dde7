"""Consultation input as sources of cases: comments on a draft's paragraphs and arguments in a
debate. They become cases only where a process asks for them (ProcessSettings.case_sources),
since a consultation usually answers them together; the feedback loop itself notifies the
author when an answer is published (the consultations app has no answer of its own)."""

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import SourceAdapter, contribution_snapshot, sources


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


def publish_nothing(contribution, case, answer, by) -> None:
    """Consultations keep no answer of their own; the case and the public pages show it."""


def _opener(key):
    def receive(sender, **kwargs):
        from feedback_loop.services import case_open

        contribution = kwargs.get("comment") or kwargs.get("argument")
        case_open(contribution=contribution, adapter=sources.get(key))

    return receive


on_comment = _opener("consultations.paragraphcomment")
on_argument = _opener("consultations.argument")


def connect() -> None:
    from consultations import signals
    from consultations.models import Argument, ParagraphComment

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
