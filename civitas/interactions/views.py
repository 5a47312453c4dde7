"""Public interaction endpoints: every form posts here, then redirects back (POST-redirect-GET).

Objects are addressed as "<app_label>.<model>/<pk>" and must be registered interactables
(404 otherwise). Anonymous people are sent to sign in; signed-in people without the right get
403 with the reason; bad input gets the form again with its errors (400); too many submissions
get 429.
"""

from functools import wraps
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.core.views import rate_limited

from . import services
from .forms import CommentForm, FlagForm
from .models import Comment
from .registry import options_for
from .rules import denial
from .selectors import comment_page_number
from .targets import public_url, resolve


def posted(request):
    """The POST data for binding a form; None on GET (an empty POST still binds and fails)."""
    return request.POST if request.method == "POST" else None


def submission_rate(group, request) -> str:
    """Read at request time so the limit follows settings (and tests can change it)."""
    return settings.CIVITAS_SUBMISSION_RATE


def next_url(request, fallback: str = "") -> str:
    """The `next` address given with the request if it stays on this site, else `fallback`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback or "/"


def with_fragment(url: str, fragment: str) -> str:
    scheme, netloc, path, query, _old = urlsplit(url)
    return urlunsplit((scheme, netloc, path, query, fragment))


def comment_address(url: str, comment: Comment) -> str:
    """`url` (a page showing the comment's thread) on the comment page that shows `comment`,
    jumping to it; other query parameters are kept."""
    scheme, netloc, path, query, _old = urlsplit(url)
    params = QueryDict(query, mutable=True)
    params.pop("comments", None)
    number = comment_page_number(comment)
    if number > 1:
        params["comments"] = str(number)
    return urlunsplit((scheme, netloc, path, params.urlencode(), f"comment-{comment.pk}"))


def participation_view(view):
    """Send anonymous people to sign in (then back to the page they came from) and answer
    429 when a person or address submits too often."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(next_url(request, request.get_full_path()))
        if is_ratelimited(
            request,
            group="interactions.submission",
            key="user_or_ip",
            rate=submission_rate,
            method="POST",
            increment=True,
        ):
            return rate_limited(request)
        return view(request, *args, **kwargs)

    return wrapper


def refusal_response(request, message, *, status=403, back=""):
    """A page that says why the action was not done, with a way back."""
    return render(
        request,
        "interactions/problem.html",
        {
            "title": _("Not allowed") if status == 403 else _("That did not work"),
            "message": message,
            "back": back,
        },
        status=status,
    )


def domain_error_response(request, exc: DomainError, back: str):
    """Conflicts are reported and redirected back; refusals and bad input get a page."""
    if isinstance(exc, Conflict):
        messages.info(request, exc.message)
        return redirect(back)
    return refusal_response(request, exc.message, status=exc.status_code, back=back)


def require_or_refuse(request, perm: str, obj, back: str):
    """A 403 response with the reason when the person may not do `perm`, else None."""
    refusal = denial(perm, request.user, obj)
    if refusal is None:
        return None
    return refusal_response(request, refusal.message, back=back)


def comment_target(comment: Comment):
    """The registered object a comment belongs to; 404 if it is gone or not interactable."""
    target = comment.target
    if target is None or options_for(target) is None:
        raise Http404("No such comment")
    return target


@require_POST
@participation_view
def support(request, label, pk):
    target = resolve(label, pk)
    back = with_fragment(next_url(request, public_url(target)), "interactions")
    action = request.POST.get("action")
    try:
        if action == "remove":
            services.support_remove(target=target, user=request.user)
            messages.success(request, _("Your support was withdrawn."))
        else:
            services.support_add(target=target, user=request.user)
            messages.success(request, _("Thank you for your support."))
    except DomainError as exc:
        return domain_error_response(request, exc, back)
    return redirect(back)


@require_POST
@participation_view
def follow(request, label, pk):
    target = resolve(label, pk)
    back = with_fragment(next_url(request, public_url(target)), "interactions")
    try:
        if request.POST.get("action") == "remove":
            services.unfollow(target=target, user=request.user)
            messages.success(request, _("You no longer follow this."))
        else:
            services.follow(target=target, user=request.user)
            messages.success(
                request, _("You follow this now: we will tell you about new comments.")
            )
    except DomainError as exc:
        return domain_error_response(request, exc, back)
    return redirect(back)


def form_page(
    request, *, permission, form, back, save, success, template, context, redirect_to=None
):
    """Handle a form the PRG way: refuse (403) unless the person has `permission` (perm, obj);
    on a valid POST call `save()` (a service) and redirect to `redirect_to(result)` (default
    `back`) with `success`; refusals and conflicts get their page or message; otherwise render
    `template` with the form (400 when it has errors)."""
    refused = require_or_refuse(request, *permission, back)
    if refused is not None:
        return refused
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except (NotAllowed, Conflict) as exc:
            return domain_error_response(request, exc, back)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect(redirect_to(result) if redirect_to else back)
    return render(
        request,
        template,
        {**context, "form": form, "back": back},
        status=400 if form.errors else 200,
    )


def to_comment(back: str):
    return lambda comment: comment_address(back, comment)


def comment_form_page(request, *, target, parent=None):
    """Show or handle a comment form: on `target`, or a reply to `parent`."""
    back = next_url(request, public_url(target))
    return form_page(
        request,
        permission=("interactions.add_comment", target),
        form=CommentForm(posted(request)),
        back=back,
        save=lambda data: services.comment_post(
            target=target,
            author=request.user,
            body=data["body"],
            parent=parent,
            language=getattr(request, "LANGUAGE_CODE", ""),
        ),
        success=_("Your comment is published."),
        redirect_to=to_comment(back),
        template="interactions/comment_form.html",
        context={
            "title": _("Reply to a comment") if parent else _("Write a comment"),
            "parent": parent,
            "submit_label": _("Publish reply") if parent else _("Publish comment"),
        },
    )


@participation_view
def comment_create(request, label, pk):
    return comment_form_page(request, target=resolve(label, pk))


@participation_view
def comment_reply(request, pk):
    parent = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    return comment_form_page(request, target=comment_target(parent), parent=parent)


@participation_view
def comment_edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    target = comment_target(comment)
    back = next_url(request, public_url(comment))
    if comment.author_id != request.user.pk:
        return refusal_response(request, _("Only its author can change a comment."), back=back)
    if comment.deleted_at is not None or comment.hidden_at is not None:
        messages.info(request, _("This comment can no longer be changed."))
        return redirect(back)
    return form_page(
        request,
        permission=("interactions.add_comment", target),
        form=CommentForm(posted(request), initial={"body": comment.body}),
        back=back,
        save=lambda data: services.comment_edit(
            comment=comment, by=request.user, body=data["body"]
        ),
        success=_("Your comment is updated."),
        redirect_to=to_comment(back),
        template="interactions/comment_form.html",
        context={"title": _("Change your comment"), "submit_label": _("Save changes")},
    )


@participation_view
def comment_delete(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    target = comment_target(comment)
    back = next_url(request, public_url(target))
    if comment.author_id != request.user.pk:
        return refusal_response(request, _("Only its author can delete a comment."), back=back)
    if request.method == "POST":
        try:
            services.comment_delete(comment=comment, by=request.user)
        except DomainError as exc:
            return domain_error_response(request, exc, back)
        messages.success(request, _("Your comment is deleted."))
        return redirect(comment_address(back, comment))
    return render(
        request,
        "interactions/comment_delete.html",
        {"title": _("Delete your comment?"), "comment": comment, "back": back},
    )


def comment_link(request, pk):
    """A lasting link to a comment: redirects to the page of its thread that shows it."""
    comment = get_object_or_404(Comment, pk=pk)
    target = comment_target(comment)
    url = public_url(target)
    if not url:
        raise Http404("This comment has no public page")
    return redirect(comment_address(url, comment))


@participation_view
def flag(request, label, pk):
    target = resolve(label, pk, allow_comments=True)
    back = next_url(request, public_url(target))
    return form_page(
        request,
        permission=("interactions.flag", target),
        form=FlagForm(posted(request)),
        back=back,
        save=lambda data: services.flag_create(
            target=target, reporter=request.user, reason=data["reason"], details=data["details"]
        ),
        success=_("Thank you. Moderators will look at your report."),
        template="interactions/flag_form.html",
        context={"title": _("Report content"), "target": target},
    )
