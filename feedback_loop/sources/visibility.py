"""What the public may see of the input behind cases, as the owning apps' rules say.

A case keeps a snapshot of its input for the people who answer it; the public pages ("How
your input was used", its printable version, the home page) quote and link an input only while
its owning app still shows it to the public: not withdrawn, not hidden by moderators, and, for
open-text survey answers, only once the survey's results are public and the answer was not
hidden. Each source answers for a whole page of inputs at once (a few queries per source,
whatever the number of inputs), so the pages keep a constant number of queries.
"""

from django.contrib.auth.models import AnonymousUser

from . import adapter_for, sources

FREE_TEXT = "consultations.freetext"


def public_input_ids(items) -> set[int]:
    """Ids of the case inputs among `items` the public may see; inputs of a source that is not
    installed are never shown."""
    by_source: dict = {}
    for item in items:
        by_source.setdefault(item.source, []).append(item)
    shown: set[int] = set()
    for key, group in by_source.items():
        if key not in sources:
            continue
        adapter = sources.get(key)
        rule = adapter.public or PUBLIC_RULES.get(key)
        shown |= rule(group) if rule else shown_by_model(group, adapter.model)
    return shown


def shown_by_model(items, model) -> set[int]:
    """The model's own notion of public: its queryset's `public()` (an idea: not hidden, not
    withdrawn, of a live process), else `visible()` (not hidden). One query."""
    objects = model._default_manager.all()
    if hasattr(objects, "public"):
        objects = objects.public()
    elif hasattr(objects, "visible"):
        objects = objects.visible()
    ids = set(
        objects.filter(pk__in={item.object_id for item in items})
        .values_list("pk", flat=True)
        .order_by()
    )
    return {item.pk for item in items if item.object_id in ids}


def free_text_shown(items) -> set[int]:
    """Open-text answers the consultations app shows the public: the answer is not hidden by
    moderators, its response is not hidden, and whoever is not signed in may see the survey's
    results (``consultations.view_results``: the report is published, or the survey shows its
    results while open). Three queries, and one per consultation for its view restrictions."""
    from consultations.models import Answer, Survey

    wanted = {(item.object_id, item.part) for item in items}
    rows = (
        Answer.objects.filter(
            response_id__in={pk for pk, _part in wanted},
            hidden_at__isnull=True,
            response__hidden_at__isnull=True,
        )
        .exclude(text="")
        .values_list("response_id", "question__key", "survey_id")
        .order_by()
    )
    survey_of = {(pk, key): survey_id for pk, key, survey_id in rows if (pk, key) in wanted}
    surveys = Survey.objects.filter(pk__in=set(survey_of.values())).select_related("consultation")
    anyone = AnonymousUser()
    public_surveys = {
        survey.pk
        for survey in surveys.prefetch_related("consultation__phases")
        if anyone.has_perm("consultations.view_results", survey)
    }
    return {
        item.pk for item in items if survey_of.get((item.object_id, item.part)) in public_surveys
    }


# Rules of sources whose adapter names none of its own.
PUBLIC_RULES = {FREE_TEXT: free_text_shown}


def on_content_hidden(sender, target, by, **kwargs):
    """A moderator hid an input behind a case: its timeline says so (the public pages stop
    quoting it at once, since they ask the owning app)."""
    _note(target, "hidden")


def on_content_unhidden(sender, target, by, **kwargs):
    """A moderator showed hidden input again: its timeline says so."""
    _note(target, "unhidden")


def _note(target, action: str) -> None:
    adapter = adapter_for(target)
    if adapter is None or (action == "hidden" and adapter.relays_hidden):
        return
    from feedback_loop.services import case_input_changed

    case_input_changed(contribution=target, adapter=adapter, action=action)


def connect() -> None:
    from civitas.interactions import signals

    signals.content_hidden.connect(on_content_hidden, dispatch_uid="feedback_loop.hidden")
    signals.content_unhidden.connect(on_content_unhidden, dispatch_uid="feedback_loop.unhidden")
