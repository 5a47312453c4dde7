"""The facilitator console: mobile-first pages to log what an event produced.

Every page is a plain form; console.js queues input in the browser when the connection drops
and sends it to ``console/sync/`` when it returns, with the same fields plus a client-made
submission key, so each item is stored exactly once.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.errors import DomainError
from civitas.participation.models import District

from . import services
from .forms import AttendanceForm, CardsForm, InputForm
from .input_kinds import input_kinds
from .models import Attendance, EventInput, ReceiptCard
from .qr import qr_svg

RECENT = 30


def _allowed(request, event):
    """None when the person facilitates this event; a login redirect for visitors; else 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("events.use_console", event):
        raise PermissionDenied
    return None


def _kind(request) -> str:
    key = request.POST.get("kind") or request.GET.get("kind") or input_kinds.keys()[0]
    if key not in input_kinds:
        raise Http404
    return key


def _console_url(event) -> str:
    return f"{event.url}console/"


def _console_context(request, event, form):
    items = list(
        EventInput.objects.filter(event=event)
        .select_related("target_type")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    context = event.get_context(request)
    context.update(
        {
            "form": form,
            "kinds": list(input_kinds),
            "current_kind": form.input_kind.key,
            "items": items,
            "console_url": _console_url(event),
        }
    )
    return context


def console_home(request, event):
    """The console: choose a kind of input and log it; recent input below."""
    denied = _allowed(request, event)
    if denied:
        return denied
    form = InputForm(kind=_kind(request), params=request.GET)
    return TemplateResponse(
        request, "events/console/console.html", _console_context(request, event, form)
    )


def _log(request, event, form):
    """Log the form's input through the service: (item, created), or DomainError."""
    data = form.cleaned_data
    return services.input_log(
        event=event,
        by=request.user,
        kind=data["kind"],
        text=data["text"],
        title=form.value("title", ""),
        data=form.kind_data(),
        source_detail=data["source_detail"],
        people_count=form.value("people_count", 1),
        language=data["language"],
        submission_key=data["submission_key"],
        photos=form.value("photos", ()),
        receipt_code=form.value("receipt_code", ""),
    )


def _field_or_none(form, code):
    return code if code in form.fields else None


@require_POST
def console_input(request, event):
    """Log one input (the form without JavaScript); back to the console with a message."""
    denied = _allowed(request, event)
    if denied:
        return denied
    form = InputForm(request.POST, request.FILES, kind=_kind(request))
    if form.is_valid():
        try:
            item, created = _log(request, event, form)
        except DomainError as exc:
            form.add_error(_field_or_none(form, exc.code), exc.message)
        else:
            if created:
                messages.success(request, _("Logged: %(text)s") % {"text": str(item)[:80]})
            else:
                messages.info(request, _("This input was already logged."))
            return redirect(f"{_console_url(event)}?kind={item.kind}")
    context = _console_context(request, event, form)
    return TemplateResponse(request, "events/console/console.html", context, status=400)


def _item_result(item) -> dict:
    """The sync endpoint's answer for an item: the same for every repeat of its key."""
    return {
        "id": item.pk,
        "submission_key": str(item.submission_key),
        "kind": item.kind,
        "text": str(item)[:80],
        "target_url": item.target_url,
    }


@require_POST
def console_sync(request, event):
    """Idempotent JSON endpoint for queued input: 200 with the stored item (the first one for a
    repeated submission key), 400 with field errors, 403 for anyone but the facilitators."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in again to send the waiting input.")}, status=401)
    if not request.user.has_perm("events.log_input", event):
        return JsonResponse({"error": _("You do not facilitate this event.")}, status=403)
    kind = request.POST.get("kind", "")
    if kind not in input_kinds:
        return JsonResponse({"errors": {"kind": [_("Unknown kind of input.")]}}, status=400)
    if not request.POST.get("submission_key"):
        return JsonResponse(
            {"errors": {"submission_key": [_("Queued input needs its key.")]}}, status=400
        )
    form = InputForm(request.POST, request.FILES, kind=kind)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    try:
        item, _created = _log(request, event, form)
    except DomainError as exc:
        return JsonResponse(
            {"errors": {exc.code: [{"message": str(exc.message), "code": exc.code}]}},
            status=exc.status_code,
        )
    return JsonResponse(_item_result(item))


def console_worker(request, event):
    """The service worker that keeps the console's pages available offline; served under the
    console's address so that it may control it."""
    denied = _allowed(request, event)
    if denied:
        return HttpResponse(status=403)
    script = render_to_string("events/console/sw.js", {"console_url": _console_url(event)})
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    # The script lives at console/worker/; this lets it control the whole console.
    response["Service-Worker-Allowed"] = _console_url(event)
    return response


def console_attendance(request, event):
    """Record how many people came, with optional anonymous counts per band."""
    denied = _allowed(request, event)
    if denied:
        return denied
    districts = list(District.objects.order_by("name"))
    current = Attendance.objects.filter(event=event).first()
    initial = {}
    if current:
        initial = {"total": current.total}
        initial.update({f"age_{k}": v for k, v in current.by_age.items()})
        initial.update({f"district_{k}": v for k, v in current.by_district.items()})
    form = AttendanceForm(request.POST or None, initial=initial, districts=districts)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                event=event,
                by=request.user,
                total=form.cleaned_data["total"],
                by_age=form.bands("age_"),
                by_district=form.bands("district_"),
            )
        except DomainError as exc:
            form.add_error(_field_or_none(form, exc.code), exc.message)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect(_console_url(event))
    context = event.get_context(request)
    context.update({"form": form, "console_url": _console_url(event)})
    return TemplateResponse(
        request, "events/console/attendance.html", context, status=400 if form.errors else 200
    )


def console_cards(request, event):
    """Print receipt cards (a page laid out for printing) and make more."""
    denied = _allowed(request, event)
    if denied:
        return denied
    form = CardsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.receipt_cards_create(
                event=event, by=request.user, count=form.cleaned_data["count"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(f"{_console_url(event)}cards/")
    index = event.get_parent()
    lookup = request.build_absolute_uri(f"{index.url}receipt/")
    cards = [
        {
            "code": card.code,
            "url": f"{lookup}?code={card.code}",
            "qr": qr_svg(f"{lookup}?code={card.code}"),
        }
        for card in ReceiptCard.objects.filter(event=event, used_at__isnull=True)[:200]
    ]
    context = event.get_context(request)
    context.update(
        {"form": form, "cards": cards, "console_url": _console_url(event), "lookup_url": lookup}
    )
    return TemplateResponse(
        request, "events/console/cards.html", context, status=400 if form.errors else 200
    )


@require_POST
def console_moderate(request, event, item_id):
    """Show an input on the live board, or keep it off."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("events.moderate_board", event):
        raise PermissionDenied
    item = EventInput.objects.filter(event=event, pk=item_id).first()
    if item is None:
        raise Http404
    services.board_moderate(item=item, by=request.user, show=request.POST.get("show") == "1")
    return redirect(_console_url(event))
