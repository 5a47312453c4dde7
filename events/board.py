"""The live board: a screen view for the room, and the page participants join on their phones.

The screen renders complete and refreshes itself; board.js replaces the refresh with a
websocket (events/consumers.py) when one can be opened, and polls ``board/items/`` when not.
"""

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from civitas.core.errors import DomainError

from . import services
from .forms import BoardPostForm
from .models import EventInput
from .qr import qr_svg

BOARD_LIMIT = 200
REFRESH_SECONDS = 20


def _board_items(event):
    return list(
        EventInput.objects.filter(event=event)
        .on_board()
        .order_by("-created_at", "-pk")[:BOARD_LIMIT]
    )


def _visible(request, event):
    if not event.live or event.get_view_restrictions().exists():
        raise Http404


def board_screen(request, event):
    """Full-screen board for the room's projector; works with no JavaScript by refreshing."""
    _visible(request, event)
    join_url = request.build_absolute_uri(f"{event.url}join/")
    context = event.get_context(request)
    context.update(
        {
            "items": _board_items(event),
            "join_url": join_url,
            "join_qr": qr_svg(f"{join_url}?code={event.join_code}"),
            "refresh_seconds": REFRESH_SECONDS,
        }
    )
    return TemplateResponse(request, "events/board/screen.html", context)


def board_items(request, event):
    """The board's items as JSON, for polling when websockets are unavailable."""
    _visible(request, event)
    return JsonResponse({"items": [services.board_payload(i) for i in _board_items(event)]})


def _voter_key(request) -> str:
    """An anonymous key per browser session (the session id itself is never stored)."""
    if not request.session.session_key:
        request.session.save()
    return hashlib.sha256(f"board:{request.session.session_key}".encode()).hexdigest()


def board_join(request, event):
    """Participants' phone page: add input and put dots on what is on the board."""
    _visible(request, event)
    can_post = request.user.has_perm("events.post_on_board", event)
    form = BoardPostForm(request.POST or None)
    if request.method == "POST":
        if not can_post:
            raise PermissionDenied
        if is_ratelimited(
            request,
            group="events.board_post",
            key="ip",
            rate="30/10m",
            method="POST",
            increment=True,
        ):
            form.add_error(None, _("Too many posts from here; wait a few minutes."))
        elif form.is_valid():
            try:
                item, _created = services.board_post(
                    event=event,
                    author=request.user if request.user.is_authenticated else None,
                    text=form.cleaned_data["text"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except DomainError as exc:
                form.add_error("text" if exc.code == "text" else None, exc.message)
            else:
                if item.board_state == "pending":
                    messages.success(
                        request, _("Thank you! It will appear once a facilitator approved it.")
                    )
                else:
                    messages.success(request, _("Thank you! Your input is on the board."))
                if item.receipt_code:
                    messages.info(
                        request,
                        _("Keep this code to see what becomes of your input: %(code)s")
                        % {"code": item.receipt_code},
                    )
                return redirect(f"{event.url}join/")
    context = event.get_context(request)
    context.update(
        {
            "form": form,
            "can_post": can_post,
            "items": _board_items(event),
        }
    )
    return TemplateResponse(
        request, "events/board/join.html", context, status=400 if form.errors else 200
    )


@require_POST
def board_vote(request, event, item_id):
    """Put a dot on an input shown on the board (one per person and input)."""
    _visible(request, event)
    if not request.user.has_perm("events.post_on_board", event):
        raise PermissionDenied
    item = EventInput.objects.filter(event=event, pk=item_id).first()
    if item is None:
        raise Http404
    try:
        services.board_vote(item=item, voter_key=_voter_key(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{event.url}join/#item-{item_id}")
