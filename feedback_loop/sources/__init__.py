"""Source adapters: how one kind of contribution becomes a case and hears its answer.

Each adapter lives in its own module (``feedback_loop/sources/<app>.py``), describes its
contribution model, and connects to that app's domain events in ``connect()``. Adding a source
means adding one module and naming it in ``SOURCE_MODULES``.
"""

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from civitas.core.registry import Registry


@dataclass(frozen=True)
class Snapshot:
    """What a case keeps of its contribution, so it reads the same if the contribution changes."""

    title: str
    text: str
    topic_id: int | None = None
    district_id: int | None = None
    process_id: int | None = None
    channel: str = ""
    language: str = ""
    receipt_code: str = ""
    url: str = ""
    theme: str = ""


@dataclass(frozen=True)
class Group:
    """The case that collects many inputs (one survey question, one theme): while it is open,
    every input with the same `key` joins it; the other fields make the case when it opens."""

    key: str
    title: str
    text: str
    theme: str = ""
    topic_id: int | None = None
    district_id: int | None = None


@dataclass(frozen=True)
class SourceAdapter:
    """A kind of contribution that can become a case.

    key: "<app>.<model>"; model: the contribution model; label: shown to staff;
    snapshot(obj) -> Snapshot; publish(obj, case, answer, by) tells the owning app about the
    published answer (or out-of-scope decision) and returns the ids of the people the owning
    app itself told about it; the feedback loop tells the other people concerned (author,
    supporters, followers), each once. When publish returns None, `owner_notifies` says the
    owning app told everyone concerned (True) or nobody (False). `default_on` means every
    contribution of this type becomes a case unless a process says otherwise. `public(items)`
    gives the ids of the given case inputs of this source whose text and link the public may
    see, as the owning app's rules say (None: the model's own `public()` queryset, else
    `visible()`, decides; see ``visibility``). `relays_hidden` says the owning app announces
    hiding in an event of its own, which the adapter hears instead of the kernel's.
    """

    key: str
    model: type
    label: str
    snapshot: object
    publish: object
    owner_notifies: bool = False
    default_on: bool = True
    extra: dict = field(default_factory=dict)
    public: object = None
    relays_hidden: bool = False


sources: Registry[SourceAdapter] = Registry("feedback sources")


def process_scope(process) -> dict:
    """{"topic_id", "district_id"} of a process page: its topic when it has exactly one (with
    several, none is more right than another) and its district (None: city-wide)."""
    page = process.specific if process is not None else None
    topics = getattr(page, "topics", None)
    topic_ids = [topic.pk for topic in topics.all()] if topics is not None else []
    return {
        "topic_id": topic_ids[0] if len(topic_ids) == 1 else None,
        "district_id": getattr(page, "district_id", None),
    }


def contribution_snapshot(obj, *, title: str, text: str, url: str = "", **extra) -> Snapshot:
    """A snapshot from the fields every Contribution has, plus the given title, text and url;
    a topic or district the contribution does not name is its process's, so that routing
    rules by topic or district reach input that carries neither itself."""
    if extra.get("topic_id") is None or extra.get("district_id") is None:
        scope = process_scope(obj.process) if obj.process_id else {}
        for name, value in scope.items():
            if extra.get(name) is None:
                extra[name] = value
    return Snapshot(
        title=" ".join(title.split())[:200],
        text=text,
        process_id=obj.process_id,
        channel=obj.channel,
        language=obj.language,
        receipt_code=obj.receipt_code or "",
        url=url,
        **extra,
    )


# Modules whose owning app is installed are loaded; each registers its adapter and receivers.
SOURCE_MODULES = {
    "ideas": "feedback_loop.sources.ideas",
    "budgeting": "feedback_loop.sources.budgeting",
    "consultations": "feedback_loop.sources.consultations",
    "events": "feedback_loop.sources.events",
}


def load_sources() -> None:
    """Import the adapter of every installed source app (from AppConfig.ready())."""
    from django.apps import apps

    for app_label, module in SOURCE_MODULES.items():
        if apps.is_installed(app_label) and find_spec(module) is not None:
            import_module(module).connect()
    import_module("feedback_loop.sources.visibility").connect()


def adapter_for(obj) -> SourceAdapter | None:
    """The adapter whose model `obj` is an instance of, or None."""
    for adapter in sources:
        if isinstance(obj, adapter.model):
            return adapter
    return None


def source_choices():
    return [(adapter.key, adapter.label) for adapter in sources]


def reviewable_sources() -> list[str]:
    """Keys of the sources whose owning app takes a review from the answering department."""
    return [adapter.key for adapter in sources if "review" in adapter.extra]
