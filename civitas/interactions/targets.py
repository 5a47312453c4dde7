"""What interactions point at: registered contributions, and comments for flags."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import reverse

from .models import Comment
from .registry import model_for


def content_type_of(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj)


def target_key(obj) -> str:
    """ "app_label.model" as used in interaction URLs."""
    return obj._meta.label_lower


def registered_target(obj):
    """The registered contribution an object belongs to: itself, or a comment's target."""
    return obj.target if isinstance(obj, Comment) else obj


def process_of(obj):
    """The (specific) process page of a contribution or comment, or None."""
    process = getattr(registered_target(obj), "process", None)
    if process is not None and not hasattr(process, "active_phase"):
        process = process.specific
    return process


def resolve(label: str, pk: int, *, allow_comments: bool = False):
    """The object addressed by "<app_label>.<model>/<pk>"; 404 unless its model is registered
    (comments too when `allow_comments`)."""
    is_comment = allow_comments and label == Comment._meta.label_lower
    model = Comment if is_comment else model_for(label)
    if model is None:
        raise Http404("Not an interactable object")
    try:
        return model._default_manager.get(pk=pk)
    except (model.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404("No such object") from exc


def public_url(obj) -> str:
    """Where people see `obj` (a comment: a link to it on its target's page); "" if unknown."""
    if isinstance(obj, Comment):
        # Through a link that finds the comment's page of its thread when followed: the page
        # depends on the comments around it, and links outlive the moment they were made.
        return reverse("interactions:comment_link", args=[obj.pk]) + f"#comment-{obj.pk}"
    get_absolute_url = getattr(obj, "get_absolute_url", None)
    if callable(get_absolute_url):
        return get_absolute_url()
    process = process_of(obj)
    if process is not None:
        return process.get_url() or ""
    return ""


def describe(obj) -> str:
    """A short label for audit logs and notifications that never copies free text."""
    return f"{obj._meta.verbose_name} #{obj.pk}"


def excerpt(obj, length: int = 140) -> str:
    """A short plain-text excerpt of what the object says."""
    if isinstance(obj, Comment):
        text = obj.body
    else:
        contribution_text = getattr(obj, "contribution_text", None)
        try:
            text = contribution_text() if callable(contribution_text) else str(obj)
        except NotImplementedError:
            text = str(obj)
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
