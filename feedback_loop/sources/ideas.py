"""Ideas as a source of cases: every submitted idea becomes a case; answers set its status."""

from django.utils.translation import gettext_lazy as _

from . import Snapshot, SourceAdapter, sources

# What the idea status that tells residents what the city decided must mean. Editors name
# and add statuses; the status is picked by its meaning (ideas.models.StatusMeaning).
MEANING_FOR_DECISION = {
    "adopted": "accepted",
    "partly_adopted": "accepted",
    "already_planned": "in_progress",
    "not_adopted": "declined",
    "out_of_scope": "declined",
    "forwarded": "under_review",
}


def status_for_decision(idea, decision: str) -> str:
    """The code of the first active status meaning what `decision` says; the idea keeps its
    status (and gets the answer) when editors left no active status with that meaning."""
    from ideas.selectors import status_for_meaning

    status = status_for_meaning(MEANING_FOR_DECISION[decision])
    return status.code if status is not None else idea.status_id


def idea_url(idea) -> str:
    base = idea.process.specific.url or ""
    return f"{base}{idea.pk}/" if base else ""


def snapshot(idea) -> Snapshot:
    return Snapshot(
        title=idea.title,
        text=idea.body,
        topic_id=idea.topic_id,
        district_id=idea.district_id,
        process_id=idea.process_id,
        channel=idea.channel,
        language=idea.language,
        receipt_code=idea.receipt_code or "",
        url=idea_url(idea),
    )


def publish(idea, case, answer, by) -> set[int] | None:
    """Set the idea's status and official answer; returns whom the ideas app told (nobody when
    the idea already had this status and answer: the feedback loop then tells its people).
    None for a withdrawn idea: it left the process and the ideas app tells nobody on purpose,
    so the feedback loop does not either (``owner_notifies``)."""
    from ideas.services import idea_status_set

    told = idea_status_set(
        idea=idea,
        status=status_for_decision(idea, answer.decision),
        answer=answer.public_text,
        by=by,
    )
    return None if idea.withdrawn_at is not None else set(told)


def on_submitted(sender, idea, **kwargs):
    from feedback_loop.services import case_open

    case_open(contribution=idea, adapter=sources.get("ideas.idea"))


def on_edited(sender, idea, **kwargs):
    from feedback_loop.services import case_input_changed

    case_input_changed(contribution=idea, adapter=sources.get("ideas.idea"), action="edited")


def on_withdrawn(sender, idea, **kwargs):
    from feedback_loop.services import case_input_changed

    case_input_changed(contribution=idea, adapter=sources.get("ideas.idea"), action="withdrawn")


def on_hidden(sender, idea, **kwargs):
    from feedback_loop.services import case_input_changed

    case_input_changed(contribution=idea, adapter=sources.get("ideas.idea"), action="hidden")


def on_merged(sender, idea, into, by, **kwargs):
    """A moderator merged a duplicate idea: its case joins the case of the idea kept."""
    from feedback_loop.services import case_inputs_merged

    adapter = sources.get("ideas.idea")
    case_inputs_merged(duplicate=idea, kept=into, adapter=adapter, by=by)


def connect() -> None:
    from ideas import signals
    from ideas.models import Idea

    sources.register(
        "ideas.idea",
        SourceAdapter(
            key="ideas.idea",
            model=Idea,
            label=_("Idea"),
            snapshot=snapshot,
            publish=publish,
            owner_notifies=True,
            relays_hidden=True,
        ),
    )
    signals.idea_submitted.connect(on_submitted, dispatch_uid="feedback_loop.ideas.submitted")
    signals.idea_edited.connect(on_edited, dispatch_uid="feedback_loop.ideas.edited")
    signals.idea_withdrawn.connect(on_withdrawn, dispatch_uid="feedback_loop.ideas.withdrawn")
    # Events added to the ideas app later are connected when they exist.
    hidden = getattr(signals, "idea_hidden", None)
    if hidden is not None:
        hidden.connect(on_hidden, dispatch_uid="feedback_loop.ideas.hidden")
    merged = getattr(signals, "idea_merged", None)
    if merged is not None:
        merged.connect(on_merged, dispatch_uid="feedback_loop.ideas.merged")
