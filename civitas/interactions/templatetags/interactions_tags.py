"""``{% interactions_panel obj %}``: supports, follow, flag and threaded comments for one object."""

from urllib.parse import quote

from django import template
from django.contrib.auth.models import AnonymousUser
from django.db.models import prefetch_related_objects
from django.http import QueryDict
from django.urls import reverse

from civitas.interactions.registry import options_for
from civitas.interactions.rules import denial
from civitas.interactions.selectors import (
    comment_page_param,
    comment_thread,
    person_state,
    thread_comment_count,
)
from civitas.interactions.services import MAX_COMMENT_DEPTH, support_count
from civitas.interactions.targets import process_of, target_key
from civitas.interactions.validators import COMMENT_MAX_LENGTH

register = template.Library()

PANEL_ACTIONS = {
    "comment": "interactions.add_comment",
    "support": "interactions.add_support",
    "follow": "interactions.follow",
    "flag": "interactions.flag",
}


def walk(comments):
    for comment in comments:
        yield comment
        yield from walk(comment.thread_replies)


def mark_comment_actions(thread, user, can) -> None:
    """Set can_reply/can_edit/can_delete/can_flag on every comment (no queries: derived from the
    panel's permissions)."""
    for comment in walk(thread):
        present = comment.deleted_at is None and comment.hidden_at is None
        own = user.is_authenticated and comment.author_id == user.pk
        comment.can_reply = present and can["comment"] and comment.depth < MAX_COMMENT_DEPTH
        comment.can_edit = present and own and can["comment"]
        comment.can_delete = own and comment.deleted_at is None
        comment.can_flag = present and not own and can["flag"]


def comment_page_url(request, number: int, fragment: str) -> str:
    """The current page's address showing comment page `number`, other parameters kept."""
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query.pop("comments", None)
    if number > 1:
        query["comments"] = str(number)
    path = request.path if request is not None else ""
    encoded = query.urlencode()
    return f"{path}{'?' + encoded if encoded else ''}#{fragment}"


def thread_navigation(request, thread) -> dict:
    """Links to the pages before and after `thread` (a ThreadPage)."""
    return {
        "more_url": comment_page_url(request, thread.number + 1, f"comment-{thread.next_first.pk}")
        if thread.has_next
        else "",
        "earlier_url": comment_page_url(request, thread.number - 1, "comments")
        if thread.has_previous
        else "",
        "first_url": comment_page_url(request, 1, "comments"),
    }


@register.inclusion_tag("interactions/panel.html", takes_context=True)
def interactions_panel(context, obj):
    """Render the interactions of a registered object; renders nothing for other objects."""
    options = options_for(obj) if obj is not None else None
    if options is None:
        return {"panel": None}
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    process = process_of(obj)
    if process is not None:
        # Every permission asks the phases; load them once.
        prefetch_related_objects([process], "phases")
    next_path = request.get_full_path() if request is not None else "/"
    refusals = {action: denial(perm, user, obj) for action, perm in PANEL_ACTIONS.items()}
    can = {action: refusal is None for action, refusal in refusals.items()}
    page = comment_page_param(request.GET.get("comments") if request is not None else None)
    thread = comment_thread(obj, page=page) if options.comments else []
    mark_comment_actions(thread, user, can)
    label = target_key(obj)
    return {
        "csrf_token": context.get("csrf_token"),
        "request": request,
        "panel": {
            "key": f"{label.replace('.', '-')}-{obj.pk}",
            "label": label,
            "pk": obj.pk,
            "options": options,
            "next": next_path,
            "sign_in_url": f"{reverse('account_login')}?next={quote(next_path)}",
            "verify_url": reverse("account_email"),
            "terms_url": f"{reverse('accounts:terms')}?next={quote(next_path)}",
            "can": can,
            "refusals": refusals,
            "supports": support_count(obj) if options.supports else 0,
            "thread": thread,
            "comment_count": thread_comment_count(obj) if options.comments else 0,
            "comment_pages": thread_navigation(request, thread) if options.comments else {},
            "max_length": COMMENT_MAX_LENGTH,
            **person_state(obj, user),
        },
    }
