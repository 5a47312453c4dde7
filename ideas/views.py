"""Views of idea challenges: permission asked once, state changed by the services."""

import secrets

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import BooleanField
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from civitas.core.errors import DomainError
from civitas.core.pagination import LargeListPaginator

from . import services
from .export import ideas_csv_response
from .forms import (
    CityIdeaFilterForm,
    IdeaFilterForm,
    IdeaForm,
    IdeaHideForm,
    IdeaImageEditForm,
    IdeaImageForm,
    IdeaImageRemoveForm,
    IdeaMergeForm,
    IdeaRedactForm,
    IdeaStatusForm,
)
from .models import Idea, IdeaRedaction
from .selectors import RANDOM_MODULUS, filtered_ideas, list_page, listed_ideas, narrowed_ideas
from .suggestions import similar_ideas

PER_PAGE = 20
# A map shows at most this many points; people narrow the filters to see the others.
MAP_LIMIT = 500


def _public_ideas(challenge):
    return listed_ideas(challenge)


def _random_seed(request) -> int:
    """A seed kept for the session, so paging through a shuffled list shows each idea once."""
    seed = request.session.get("ideas_seed")
    if not isinstance(seed, int) or not 1 <= seed < RANDOM_MODULUS:
        seed = secrets.randbelow(RANDOM_MODULUS - 1) + 1
        request.session["ideas_seed"] = seed
    return seed


def _point(idea, url: str = "") -> dict:
    """An idea as a place for the shared map component."""
    return {
        "lat": idea.latitude,
        "lon": idea.longitude,
        "title": idea.title,
        "url": url,
        "text": idea.location_text,
    }


def map_points(request, ideas) -> list[dict]:
    """The ideas that have a point, as places for the shared map (at most MAP_LIMIT)."""
    located = ideas.filter(latitude__isnull=False).select_related("process")
    return [
        _point(idea, f"{idea.process.get_url(request)}{idea.pk}/") for idea in located[:MAP_LIMIT]
    ]


def list_context(request, ideas, form) -> dict:
    """Filter, sort and paginate `ideas` by the bound filter `form`; each idea gets `link`.
    In the map view the ideas with a point are the `points` instead."""
    filters, sort = {}, "newest"
    if form.is_bound and form.is_valid():
        filters, sort = form.cleaned_data, form.cleaned_data["sort"] or sort
    seed = _random_seed(request) if sort == "random" else 1
    ideas = narrowed_ideas(ideas, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    query_string = query.urlencode()
    query.pop("view", None)
    list_query = query.urlencode()
    query["view"] = "map"
    switch = {"list_query": list_query, "map_query": query.urlencode()}
    if filters.get("view") == "map":
        points = map_points(request, filtered_ideas(ideas, filters={}, sort=sort, seed=seed))
        return {
            "filter_form": form,
            "map_view": True,
            "points": points,
            "more_points": len(points) == MAP_LIMIT,
            **switch,
        }
    listed, rows = list_page(ideas, sort=sort, seed=seed, searched=bool(filters.get("q")))
    page_obj = LargeListPaginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    page_obj.object_list = rows(page_obj.object_list)
    for idea in page_obj.object_list:
        idea.link = f"{idea.process.get_url(request)}{idea.pk}/"
    return {
        "filter_form": form,
        "page_obj": page_obj,
        "ideas": page_obj.object_list,
        "query_string": query_string,
        **switch,
    }


def idea_list(request, challenge):
    """The challenge page: its ideas, filtered, searched, sorted and paginated."""
    form = IdeaFilterForm(request.GET or None)
    context = challenge.get_context(request)
    context.update(list_context(request, _public_ideas(challenge), form))
    context.update(
        {
            "base_url": challenge.get_url(request),
            "can_add": request.user.has_perm("ideas.add_idea", challenge),
            "can_export": request.user.has_perm("ideas.export_ideas", challenge),
            "active_phase": challenge.active_phase(),
        }
    )
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "ideas/idea_challenge_page.html", context, status=status)


def city_idea_list(request, index_page):
    """Every public idea of every live challenge, with the same filters and sorts."""
    form = CityIdeaFilterForm(request.GET or None)
    context = index_page.get_context(request)
    context.update(list_context(request, listed_ideas(), form))
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "ideas/ideas_index_page.html", context, status=status)


def idea_detail(request, challenge, idea_id):
    """One idea with its status, official answer, supports and comments."""
    idea = (
        Idea.objects.filter(process=challenge, hidden_at__isnull=True)
        .select_related("author", "topic", "district", "merged_into", "status")
        .filter(pk=idea_id)
        .first()
    )
    if idea is None:
        raise Http404
    idea.process = challenge  # the page is already loaded; spare the panel a query
    context = challenge.get_context(request)
    context.update(
        {
            "idea": idea,
            "challenge": challenge,
            "base_url": challenge.get_url(request),
            "share_url": request.build_absolute_uri(f"{challenge.url}{idea.pk}/"),
            "history": list(idea.history.select_related("other_idea", "status")),
            "place": [_point(idea)] if idea.latitude is not None else [],
            "can_change": request.user.has_perm("ideas.change_idea", idea),
            "can_set_status": request.user.has_perm("ideas.set_status", idea),
            "can_moderate": request.user.has_perm("ideas.moderate_idea", idea),
            "can_remove_image": bool(idea.image)
            and request.user.is_authenticated
            and (
                idea.author_id == request.user.pk
                or request.user.has_perm("ideas.moderate_idea", idea)
            ),
        }
    )
    return TemplateResponse(request, "ideas/idea_detail.html", context)


def _idea_allowed(request, challenge, idea_id, perm):
    """(idea, None) when the person may `perm` it, else (None, login redirect); 404 or 403."""
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    idea = Idea.objects.filter(process=challenge, hidden_at__isnull=True, pk=idea_id).first()
    if idea is None:
        raise Http404
    if not request.user.has_perm(perm, idea):
        raise PermissionDenied
    return idea, None


def _error_field(form, code):
    """The visible field a service error is about; hidden ones (the map point) and unknown
    codes are reported for the whole form, where people can see them."""
    if code in form.fields and not form.fields[code].widget.is_hidden:
        return code
    return None


def idea_edit(request, challenge, idea_id):
    """The author changes their idea while the phase allows."""
    idea, response = _idea_allowed(request, challenge, idea_id, "ideas.change_idea")
    if response:
        return response
    names = ("title", "body", "location_text", "latitude", "longitude")
    initial = {name: getattr(idea, name) for name in names}
    initial.update({"topic": idea.topic_id, "district": idea.district_id})
    initial["image_alt"] = idea.image_alt
    form = IdeaForm(request.POST or None, initial=initial)
    del form.fields["submission_key"]  # an edit changes one row; retries change nothing more
    if idea.latitude is not None:
        # The point travels in hidden inputs that only the map script changes: this box lets
        # people remove it without JavaScript too.
        form.fields["point_remove"] = BooleanField(
            label=_("Remove the point on the map"),
            required=False,
            help_text=_("The idea is then no longer shown on the map; the place in words stays."),
        )
    image_form = IdeaImageEditForm(request.POST or None, request.FILES or None, initial=initial)
    if not idea.image:
        del image_form.fields["image_remove"]
    if request.method == "POST" and form.is_valid() and image_form.is_valid():
        try:
            services.idea_edit(
                idea=idea, by=request.user, data={**form.cleaned_data, **image_form.cleaned_data}
            )
        except DomainError as exc:
            target = image_form if exc.code in image_form.fields else form
            target.add_error(_error_field(target, exc.code), exc.message)
        else:
            messages.success(request, _("Your idea was updated."))
            return redirect(f"{challenge.url}{idea.pk}/")
    context = challenge.get_context(request)
    context.update(
        {
            "form": form,
            "image_form": image_form,
            "idea": idea,
            "challenge": challenge,
            "editing": True,
        }
    )
    status = 400 if form.errors or image_form.errors else 200
    return TemplateResponse(request, "ideas/idea_form.html", context, status=status)


def idea_image_remove(request, challenge, idea_id):
    """The author (any time) or a moderator (with a reason) removes an idea's image."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    idea = Idea.objects.filter(process=challenge, hidden_at__isnull=True, pk=idea_id).first()
    if idea is None or not idea.image:
        raise Http404
    is_author = idea.author_id == request.user.pk
    if not is_author and not request.user.has_perm("ideas.moderate_idea", idea):
        raise PermissionDenied
    form = IdeaImageRemoveForm(request.POST if request.method == "POST" else None)
    if is_author:
        del form.fields["reason"]
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_image_remove(
                idea=idea, by=request.user, reason=form.cleaned_data.get("reason", "")
            )
        except DomainError as exc:
            form.add_error(_error_field(form, exc.code), exc.message)
        else:
            messages.success(request, _("The image was removed."))
            return redirect(f"{challenge.url}{idea.pk}/")
    title = _("Remove the image of “%(title)s”") % {"title": idea.title}
    return TemplateResponse(
        request,
        "civitas/form.html",
        {
            "form": form,
            "title": title,
            "submit_label": _("Remove the image"),
            "cancel_url": f"{challenge.url}{idea.pk}/",
        },
        status=400 if form.errors else 200,
    )


def idea_withdraw(request, challenge, idea_id):
    """The author withdraws their idea (POST only; GET asks for confirmation)."""
    idea, response = _idea_allowed(request, challenge, idea_id, "ideas.withdraw_idea")
    if response:
        return response
    context = challenge.get_context(request)
    context.update({"idea": idea, "challenge": challenge, "idea_url": f"{challenge.url}{idea.pk}/"})
    if request.method == "POST":
        try:
            services.idea_withdraw(idea=idea, by=request.user)
        except DomainError as exc:
            # Withdrawn meanwhile (another tab) or the phase just closed: say so, change nothing.
            context["error"] = exc.message
            return TemplateResponse(
                request, "ideas/idea_withdraw.html", context, status=exc.status_code
            )
        messages.success(request, _("Your idea was withdrawn."))
        return redirect(challenge.url)
    return TemplateResponse(request, "ideas/idea_withdraw.html", context)


def _similar(challenge, title: str):
    """Ideas of the challenge whose title resembles `title`, to support instead of repeating
    (the search the idea form's suggestions use)."""
    return similar_ideas(challenge, title)


def idea_new(request, challenge):
    """Propose an idea: the form, then a confirmation step listing similar ideas, then save."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("ideas.add_idea", challenge):
        raise PermissionDenied
    form = IdeaForm(request.POST or None)
    context = challenge.get_context(request)
    context.update({"form": form, "challenge": challenge, "base_url": challenge.get_url(request)})
    if request.method == "POST" and request.POST.get("edit"):
        return TemplateResponse(request, "ideas/idea_form.html", context)
    if request.method == "POST" and form.is_valid():
        # The image is chosen on the check step: a file cannot travel through hidden fields.
        image_form = IdeaImageForm(
            request.POST if request.POST.get("confirmed") == "1" else None, request.FILES
        )
        context.update({"image_form": image_form})
        if request.POST.get("confirmed") != "1" or not image_form.is_valid():
            context["similar"] = _similar(challenge, form.cleaned_data["title"])
            status = 400 if image_form.errors else 200
            return TemplateResponse(request, "ideas/idea_confirm.html", context, status=status)
        data = {**form.cleaned_data, **image_form.cleaned_data}
        try:
            idea, _created = services.idea_submit(
                challenge=challenge,
                author=request.user,
                data=data,
                submission_key=data["submission_key"],
            )
        except DomainError as exc:
            if exc.code in image_form.fields:
                image_form.add_error(exc.code, exc.message)
                context["similar"] = _similar(challenge, form.cleaned_data["title"])
                return TemplateResponse(request, "ideas/idea_confirm.html", context, status=400)
            form.add_error(_error_field(form, exc.code), exc.message)
        else:
            messages.success(request, _("Thank you, your idea was published."))
            return redirect(f"{challenge.url}{idea.pk}/")
    status = 400 if form.errors else 200
    return TemplateResponse(request, "ideas/idea_form.html", context, status=status)


def idea_status(request, challenge, idea_id):
    """Staff set an idea's status and official answer (later also done from case answers)."""
    idea, response = _idea_allowed(request, challenge, idea_id, "ideas.set_status")
    if response:
        return response
    initial = {"status": idea.status_id, "answer": idea.official_answer}
    form = IdeaStatusForm(request.POST or None, initial=initial, current=idea.status_id, idea=idea)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_status_set(
                idea=idea,
                status=form.cleaned_data["status"].code,
                answer=form.cleaned_data["answer"],
                translations=form.answer_translations(),
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The status was saved."))
            return redirect(f"{challenge.url}{idea.pk}/")
    title = _("Status of “%(title)s”") % {"title": idea.title}
    status = 400 if form.errors else 200
    return TemplateResponse(
        request,
        "civitas/form.html",
        {"form": form, "title": title, "cancel_url": f"{challenge.url}{idea.pk}/"},
        status=status,
    )


MODERATION_FORMS = {"hide": IdeaHideForm, "redact": IdeaRedactForm, "merge": IdeaMergeForm}


def _moderate(action, form, idea, challenge, user):
    """Run one moderation action with a valid form; returns the success message."""
    data = form.cleaned_data if form is not None else {}
    if action == "hide":
        services.idea_hide(idea=idea, by=user, reason=data["reason"])
        return _("The idea was hidden and its author told why.")
    if action == "redact":
        services.idea_redact(idea=idea, by=user, reason=data.pop("reason"), data=data)
        return _("The idea was edited; the previous text is kept for staff.")
    if action == "merge":
        into = _public_ideas(challenge).filter(pk=data["into"]).first()
        if into is None:
            raise DomainError(_("No open idea of this challenge has that number."), code="into")
        services.idea_merge(idea=idea, into=into, by=user)
        return _("The idea was merged; its supports and followers moved.")
    services.idea_comments_lock(idea=idea, by=user, locked=action == "lock")
    return _("Comments are locked.") if action == "lock" else _("Comments are open again.")


def idea_moderate(request, challenge, idea_id):
    """Moderators hide an idea, edit it for privacy, merge a duplicate or lock its comments."""
    idea, response = _idea_allowed(request, challenge, idea_id, "ideas.moderate_idea")
    if response:
        return response
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and action not in (*MODERATION_FORMS, "lock", "unlock"):
        return HttpResponseBadRequest(_("Unknown action."))
    forms = {
        "hide": IdeaHideForm(),
        "redact": IdeaRedactForm(
            initial={name: getattr(idea, name) for name in ("title", "body", "location_text")},
            prefix="redact",
        ),
        "merge": IdeaMergeForm(prefix="merge"),
    }
    if action in MODERATION_FORMS:
        prefix = forms[action].prefix
        forms[action] = MODERATION_FORMS[action](request.POST, prefix=prefix)
    if action is not None:
        form = forms.get(action)
        if form is None or form.is_valid():
            try:
                message = _moderate(action, form, idea, challenge, request.user)
            except DomainError as exc:
                if form is None:
                    messages.error(request, exc.message)
                    return redirect(f"{challenge.url}{idea.pk}/moderate/")
                form.add_error(_error_field(form, exc.code), exc.message)
            else:
                messages.success(request, message)
                target = challenge.url if action == "hide" else f"{challenge.url}{idea.pk}/"
                return redirect(target)
    context = challenge.get_context(request)
    context.update(
        {
            "idea": idea,
            "challenge": challenge,
            "forms": forms,
            "redactions": IdeaRedaction.objects.filter(idea=idea).select_related("by"),
            "similar": [other for other in _similar(challenge, idea.title) if other.pk != idea.pk],
            "base_url": challenge.get_url(request),
        }
    )
    status = 400 if any(form.errors for form in forms.values()) else 200
    return TemplateResponse(request, "ideas/idea_moderate.html", context, status=status)


def idea_export(request, challenge):
    """Staff download the challenge's public ideas as CSV."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("ideas.export_ideas", challenge):
        raise PermissionDenied
    return ideas_csv_response(request, _public_ideas(challenge), f"ideas-{challenge.slug}.csv")
