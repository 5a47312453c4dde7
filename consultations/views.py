"""Views of consultations: permission asked once (rules.py), state changed by the services.

Every form works without JavaScript; bad input answers 400 with the form and its errors (the
saved draft is untouched), refused actions 403, too many submissions 429.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from wagtail import hooks

from civitas.core.errors import DomainError
from civitas.core.views import rate_limited
from civitas.interactions.selectors import with_interaction_counts
from civitas.participation.models import Channel, District

from . import selectors, services
from .answers import OTHER_KEY, other_key, read_form, visible_keys
from .exports import csv_lines
from .models import (
    AgeBand,
    Answer,
    Argument,
    Debate,
    DraftDocument,
    ExportJob,
    ExportStatus,
    Paragraph,
    ParagraphComment,
    Poll,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Side,
    Survey,
    Theme,
)
from .selectors import CHANNEL_GROUPS, free_text_answers, poll_counts, poll_state

PAPER_CHANNELS = [
    (Channel.PAPER, Channel.PAPER.label),
    (Channel.OFFLINE_EVENT, Channel.OFFLINE_EVENT.label),
    (Channel.PHONE, Channel.PHONE.label),
    (Channel.POST, Channel.POST.label),
]
HONEYPOT = "website"


def _context(request, page, **extra):
    context = page.get_context(request)
    context.update({"consultation": page, "base_url": page.url, **extra})
    return context


def _render(request, template, context, status=200):
    return TemplateResponse(request, f"consultations/{template}", context, status=status)


def _get(model, page, pk, **filters):
    found = model.objects.filter(consultation=page, pk=pk, **filters).first()
    if found is None:
        raise Http404
    found.consultation = page  # loaded already; spares the permission checks a query
    return found


def _allowed(request, perm, obj):
    """None when allowed; a sign-in redirect for anonymous people; 403 for the others."""
    if request.user.has_perm(perm, obj):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _limited(request, group: str) -> bool:
    return is_ratelimited(
        request,
        group=group,
        key="user_or_ip",
        rate=lambda _g, _r: settings.CIVITAS_SUBMISSION_RATE,
        method="POST",
        increment=True,
    )


def _back(request, fallback: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return fallback


# --- overview and report -------------------------------------------------------------------


def _poll_state(request, poll):
    return poll_state(request.user, poll)


def overview(request, page):
    """The consultation page: intro, current phase and every part with its intro."""
    user = request.user
    parts = []
    for part in page.parts():
        part.consultation = page
        entry = {"part": part, "kind": part.part_kind}
        if part.part_kind == "survey":
            entry["can_respond"] = user.has_perm("consultations.respond", part)
            entry["response"] = (
                Response.objects.filter(survey=part, author=user).first()
                if user.is_authenticated
                else None
            )
            entry["can_see_results"] = user.has_perm("consultations.view_results", part)
            entry["can_enter_paper"] = user.has_perm("consultations.enter_paper", part)
        elif part.part_kind == "poll":
            entry.update(_poll_state(request, part))
        elif part.part_kind == "debate":
            entry["sides"] = dict(
                Argument.objects.filter(debate=part, hidden_at__isnull=True)
                .values_list("side")
                .annotate(n=Count("pk"))
                .order_by()
            )
        parts.append(entry)
    context = _context(
        request,
        page,
        parts=parts,
        active_phase=page.active_phase(),
        report_published=page.report_is_published(),
    )
    return _render(request, "consultation_page.html", context)


def with_published_answers(objects, model=None, *, part: str = "", key=None) -> list:
    """`objects` as a list, each with `published_answer`: the city's published answer to it
    (decision, text, link to "How your input was used") from the apps that answer input
    (the ``civitas_published_answers`` hook), or None. One query per answering app."""
    objects = list(objects)
    key = key or (lambda obj: obj.pk)
    found = {}
    if objects:
        model = model or type(objects[0])
        for answers_for in hooks.get_hooks("civitas_published_answers"):
            found.update(answers_for(model, {key(obj) for obj in objects}, part))
    for obj in objects:
        obj.published_answer = found.get(key(obj))
    return objects


def how_used_url(page) -> str:
    """The feedback loop's "How your input was used" page for `page`, "" while there is none."""
    try:
        return reverse("feedback_loop:how_used", kwargs={"page_id": page.pk})
    except NoReverseMatch:
        return ""


def report(request, page):
    """The public report: participation in every part, findings, and how input was used."""
    denied = _allowed(request, "consultations.view_report", page)
    if denied:
        return denied
    surveys = []
    for survey in page.surveys.all():
        by_channel = dict(
            Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
            .values_list("channel")
            .annotate(n=Sum("people_count"))  # people, as the results count them
            .order_by()
        )
        surveys.append(
            {
                "survey": survey,
                "total": sum(by_channel.values()),
                "by_channel": [
                    (label, by_channel[v]) for v, label in Channel.choices if v in by_channel
                ],
            }
        )
    polls = [{"poll": poll, "bars": poll_counts(poll)} for poll in page.polls.all()]
    comments = ParagraphComment.objects.filter(
        paragraph__version__document__consultation=page, hidden_at__isnull=True
    ).count()
    arguments = dict(
        Argument.objects.filter(debate__consultation=page, hidden_at__isnull=True)
        .values_list("side")
        .annotate(n=Count("pk"))
        .order_by()
    )
    themes = (
        Theme.objects.filter(consultation=page)
        .annotate(n=Count("answers", filter=Q(answers__hidden_at__isnull=True)))
        .filter(n__gt=0)
        .order_by("-n", "name")
    )
    context = _context(
        request,
        page,
        surveys=surveys,
        polls=polls,
        themes=themes,
        comment_count=comments,
        arguments_for=arguments.get(Side.FOR, 0),
        arguments_against=arguments.get(Side.AGAINST, 0),
        how_used_url=how_used_url(page),
    )
    return _render(request, "report.html", context)


# --- survey form ---------------------------------------------------------------------------


def _session_key(survey) -> str:
    return f"consultations.response.{survey.pk}"


def _current_response(request, survey):
    if request.user.is_authenticated:
        return Response.objects.filter(survey=survey, author=request.user).first()
    pk = request.session.get(_session_key(survey))
    return (
        Response.objects.filter(pk=pk, survey=survey, author__isnull=True).first() if pk else None
    )


def _field(question, answers: dict, error: str = "", *, same_page_sources=frozenset()):
    """What the template needs to show one question with its current value."""
    value = answers.get(question.key)
    chosen = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    chosen = [str(v) for v in chosen]
    field = {
        "q": question,
        "name": f"q-{question.key}",
        "error": error,
        "value": "" if isinstance(value, list | dict) or value is None else value,
        "other": answers.get(other_key(question), ""),
        "chosen": chosen,
        "live_condition": question.show_if_key in same_page_sources,
        "fieldset": question.kind
        in (
            QuestionKind.SINGLE,
            QuestionKind.MULTIPLE,
            QuestionKind.SCALE,
            QuestionKind.RANKING,
            QuestionKind.MATRIX,
        ),
    }
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = list(question.options)
        if question.allow_other:
            options.append((OTHER_KEY, _("Other")))
        field["options"] = [(k, label, k in chosen) for k, label in options]
    elif question.kind == QuestionKind.SCALE:
        field["options"] = [(str(v), str(v), str(v) in chosen) for v in question.scale_range]
    elif question.kind == QuestionKind.RANKING:
        if isinstance(value, list):
            ranks = {key: str(i) for i, key in enumerate(value, start=1)}
        else:
            ranks = {k: str(v) for k, v in (value or {}).items()}
        field["ranks"] = [str(i) for i in range(1, len(question.options) + 1)]
        field["options"] = [(k, label, ranks.get(k, "")) for k, label in question.options]
    elif question.kind == QuestionKind.MATRIX:
        picked = {k: str(v) for k, v in (value or {}).items()} if isinstance(value, dict) else {}
        field["scale"] = [str(v) for v in question.scale_range]
        field["rows"] = [(k, label, picked.get(k, "")) for k, label in question.row_options]
    if question.show_if_key:
        field["condition"] = {"key": question.show_if_key, "values": question.condition_values}
    return field


def _unshown_errors(questions, fields, errors) -> list[str]:
    """Messages about questions the form does not show (answered although hidden)."""
    shown = {f["q"].key for f in fields}
    texts = {q.key: q.text for q in questions}
    return [
        f"{texts.get(key, key)}: {message}"
        for key, message in errors.items()
        if key != "__all__" and key not in shown
    ]


def _pages(questions) -> list[int]:
    return sorted({q.page_number for q in questions})


def _page_fields(questions, page_number, answers, errors):
    """Fields of one page: questions whose conditions on earlier pages hold; conditions on this
    page are shown with the question and checked when the page is sent."""
    on_page = [q for q in questions if q.page_number == page_number]
    here = {q.key for q in on_page}
    earlier = {k: v for k, v in answers.items() if k.split(".", 1)[0] not in here}
    visible = visible_keys(questions, earlier)
    fields = []
    for question in on_page:
        if (
            question.show_if_key
            and question.show_if_key not in here
            and question.key not in visible
        ):
            continue
        fields.append(
            _field(question, answers, errors.get(question.key, ""), same_page_sources=here)
        )
    return fields


def _next_page(questions, page_number, answers, *, step=1):
    """The next (or previous) page that has a question to show, or None."""
    pages = _pages(questions)
    candidates = [p for p in pages if (p > page_number if step > 0 else p < page_number)]
    if step < 0:
        candidates.reverse()
    for candidate in candidates:
        if any(f["q"].is_answerable for f in _page_fields(questions, candidate, answers, {})):
            return candidate
    return None


def _int(value, default=1) -> int:
    try:
        return max(1, min(int(value), 1000))
    except (TypeError, ValueError):
        return default


def survey_form(request, page, survey_id):
    """Answer a survey page by page; every page is kept as a draft on the server."""
    survey = _get(Survey, page, survey_id)
    denied = _allowed(request, "consultations.respond", survey)
    if denied:
        return denied
    questions = services.survey_questions(survey)
    pages = _pages(questions) or [1]
    response = _current_response(request, survey)
    if response is not None and response.author_id is None and response.status == "submitted":
        return redirect(f"{page.url}surveys/{survey.pk}/done/")
    answers = dict(response.draft_answers) if response else {}
    number = _int(request.POST.get("page") or request.GET.get("page"), 0)
    if number not in pages:
        # Resume on the furthest page reached (past the last page: the last one).
        reached = response.page_reached if response else 1
        number = max([p for p in pages if p <= reached] or [pages[0]])
    errors: dict = {}
    status = 200
    person = {
        "district": str(response.district_id or "") if response else "",
        "age_band": response.age_band if response else "",
    }
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return _render(request, "problem.html", _context(request, page), status=400)
        if _limited(request, "consultations.respond"):
            return rate_limited(request)
        action = request.POST.get("action", "next")
        given = read_form([q for q in questions if q.page_number == number], request.POST)
        person = {
            "district": request.POST.get("district", ""),
            "age_band": request.POST.get("age_band", ""),
        }
        try:
            response = services.response_draft_save(
                survey=survey,
                respondent=request.user,
                answers=given,
                page=number,
                response=response,
            )
            if response.author_id is None:
                request.session[_session_key(survey)] = response.pk
            if action == "submit" and number == pages[-1]:
                person_fields = person if survey.ask_about_person else {}
                services.response_submit(
                    survey=survey, respondent=request.user, response=response, **person_fields
                )
                return redirect(f"{page.url}surveys/{survey.pk}/done/")
        except services.AnswersInvalid as exc:
            errors = exc.errors
            answers.update(given)
            status = 400
        except DomainError as exc:
            errors = {"__all__": exc.message}
            answers.update(given)
            status = exc.status_code
        else:
            if action == "save":
                messages.success(
                    request,
                    _("Your answers are saved. Come back before the survey closes to finish."),
                )
                return redirect(page.url)
            target = _next_page(
                questions, number, response.draft_answers, step=-1 if action == "back" else 1
            )
            return redirect(f"{page.url}surveys/{survey.pk}/?page={target or number}")
    fields = _page_fields(questions, number, answers, errors)
    position = pages.index(number) + 1
    last = _next_page(questions, number, answers) is None
    context = _context(
        request,
        page,
        survey=survey,
        fields=fields,
        errors=errors,
        form_error=errors.get("__all__", ""),
        error_fields=[f for f in fields if f["error"]],
        unshown_errors=_unshown_errors(questions, fields, errors),
        page_number=number,
        position=position,
        page_count=len(pages),
        previous=_next_page(questions, number, answers, step=-1),
        last=last,
        response=response,
        ask_person=survey.ask_about_person and last,
        districts=District.objects.all(),
        age_bands=AgeBand.choices,
        person=person,
        honeypot=HONEYPOT,
    )
    return _render(request, "survey_form.html", context, status=status)


def survey_done(request, page, survey_id):
    survey = _get(Survey, page, survey_id)
    response = _current_response(request, survey)
    if response is None or response.status != ResponseStatus.SUBMITTED:
        return redirect(f"{page.url}surveys/{survey.pk}/")
    context = _context(
        request,
        page,
        survey=survey,
        response=response,
        can_edit=request.user.is_authenticated
        and request.user.has_perm("consultations.respond", survey),
        can_see_results=request.user.has_perm("consultations.view_results", survey),
    )
    return _render(request, "survey_done.html", context)


def survey_paper(request, page, survey_id):
    """Facilitators type in a paper or event response; it counts like an online one."""
    survey = _get(Survey, page, survey_id)
    denied = _allowed(request, "consultations.enter_paper", survey)
    if denied:
        return denied
    questions = services.survey_questions(survey)
    answers: dict = {}
    errors: dict = {}
    status = 200
    meta = {
        "channel": Channel.PAPER,
        "source_detail": "",
        "district": "",
        "age_band": "",
        "submission_key": str(uuid.uuid4()),
    }
    if request.method == "POST":
        answers = read_form(questions, request.POST)
        meta = {name: request.POST.get(name, "") for name in meta}
        try:
            services.response_submit(
                survey=survey,
                respondent=None,
                answers=answers,
                channel=meta["channel"] if meta["channel"] in dict(PAPER_CHANNELS) else "invalid",
                entered_by=request.user,
                submission_key=meta["submission_key"] or None,
                source_detail=meta["source_detail"][:200],
                district=meta["district"] or None,
                age_band=meta["age_band"],
            )
        except services.AnswersInvalid as exc:
            errors, status = exc.errors, 400
        except DomainError as exc:
            errors, status = {"__all__": exc.message}, exc.status_code
        else:
            messages.success(request, _("The response was saved. You can enter the next one."))
            return redirect(f"{page.url}surveys/{survey.pk}/paper/")
    fields = [
        _field(q, answers, errors.get(q.key, ""), same_page_sources={q.key for q in questions})
        for q in questions
    ]
    context = _context(
        request,
        page,
        survey=survey,
        fields=fields,
        errors=errors,
        form_error=errors.get("__all__", ""),
        error_fields=[f for f in fields if f["error"]],
        unshown_errors=_unshown_errors(questions, fields, errors),
        channels=PAPER_CHANNELS,
        meta=meta,
        districts=District.objects.all(),
        age_bands=AgeBand.choices,
    )
    return _render(request, "survey_paper.html", context, status=status)


# --- results, moderation, exports ----------------------------------------------------------


def _filters(request):
    channel = request.GET.get("channel", "")
    district = request.GET.get("district", "")
    age_band = request.GET.get("age_band", "")
    valid = (
        channel in ("", *CHANNEL_GROUPS)
        and age_band in ("", *AgeBand.values)
        and (district == "" or district.isdigit())
    )
    return {"channel": channel, "district": district, "age_band": age_band}, valid


def survey_results(request, page, survey_id):
    """Per question: counts and percentages as SVG charts and as tables; filters."""
    survey = _get(Survey, page, survey_id)
    denied = _allowed(request, "consultations.view_results", survey)
    if denied:
        return denied
    filters, valid = _filters(request)
    if not valid:
        filters = {"channel": "", "district": "", "age_band": ""}
    survey.consultation = page
    results = survey_results_for(survey, filters)
    context = _context(
        request,
        page,
        survey=survey,
        results=results,
        filters=filters,
        channel_choices=[
            ("online", _("Online")),
            ("paper", _("On paper")),
            ("event", _("At events")),
        ],
        districts=District.objects.all(),
        age_bands=AgeBand.choices,
        can_analyse=request.user.has_perm("consultations.analyse", survey),
        can_export=request.user.has_perm("consultations.export", survey),
        filter_error=not valid,
    )
    return _render(request, "survey_results.html", context, status=200 if valid else 400)


def survey_results_for(survey, filters):
    return selectors.survey_results(
        survey,
        channel=filters["channel"],
        district=int(filters["district"]) if filters["district"] else None,
        age_band=filters["age_band"],
    )


def survey_answers(request, page, survey_id, question_id):
    """The written answers of a question, searchable and by theme: the public reads those not
    hidden once results are public; the taskforce also tags and hides or shows them."""
    survey = _get(Survey, page, survey_id)
    denied = _allowed(request, "consultations.view_results", survey)
    if denied:
        return denied
    question = Question.objects.filter(survey=survey, pk=question_id).first()
    if question is None or not (question.is_free_text or question.allow_other):
        raise Http404
    can_analyse = request.user.has_perm("consultations.analyse", survey)
    status = 200
    error = ""
    if request.method == "POST":
        denied = _allowed(request, "consultations.analyse", survey)
        if denied:
            return denied
        try:
            if request.POST.get("action") == "add_theme":
                services.theme_add(
                    consultation=page, name=request.POST.get("name", ""), by=request.user
                )
            else:
                answer = Answer.objects.filter(
                    question=question, pk=_int(request.POST.get("answer"), 0)
                ).first()
                if answer is None:
                    raise DomainError(_("That answer does not exist."))
                wanted = {v for v in request.POST.getlist("themes") if v.isdigit()}
                themes = list(Theme.objects.filter(consultation=page, pk__in=wanted))
                if len(themes) != len(wanted):
                    raise DomainError(_("Choose themes of this consultation."))
                hidden = {"hide": True, "show": False}.get(request.POST.get("visibility", ""))
                services.answer_moderate(
                    answer=answer, by=request.user, themes=themes, hidden=hidden
                )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    search = request.GET.get("q", "")[:200]
    theme = Theme.objects.filter(consultation=page, pk=_int(request.GET.get("theme"), 0)).first()
    answers = free_text_answers(question, search=search, theme=theme, include_hidden=can_analyse)
    page_obj = Paginator(answers, 50).get_page(request.GET.get("page"))
    page_obj.object_list = with_published_answers(
        page_obj.object_list, Response, part=question.key, key=lambda answer: answer.response_id
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(
        request,
        page,
        survey=survey,
        question=question,
        page_obj=page_obj,
        themes=list(Theme.objects.filter(consultation=page)),
        search=search,
        theme=theme,
        error=error,
        query_string=query.urlencode(),
        can_analyse=can_analyse,
    )
    return _render(request, "survey_answers.html", context, status=status)


def survey_export_csv(request, page, survey_id):
    """All submitted responses as anonymised CSV, streamed row by row."""
    survey = _get(Survey, page, survey_id)
    denied = _allowed(request, "consultations.export", survey)
    if denied:
        return denied
    response = StreamingHttpResponse(csv_lines(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response


def survey_exports(request, page, survey_id):
    """Start an XLSX export (a background task) and follow its progress."""
    survey = _get(Survey, page, survey_id)
    denied = _allowed(request, "consultations.export", survey)
    if denied:
        return denied
    if request.method == "POST":
        services.export_start(survey=survey, by=request.user)
        messages.success(request, _("The export was started."))
        return redirect(f"{page.url}surveys/{survey.pk}/exports/")
    jobs = list(ExportJob.objects.filter(survey=survey)[:10])
    context = _context(
        request,
        page,
        survey=survey,
        jobs=jobs,
        running=any(j.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for j in jobs),
    )
    return _render(request, "survey_exports.html", context)


def survey_export_download(request, page, survey_id, job_id):
    survey = _get(Survey, page, survey_id)
    denied = _allowed(request, "consultations.export", survey)
    if denied:
        return denied
    job = ExportJob.objects.filter(survey=survey, pk=job_id, status=ExportStatus.DONE).first()
    if job is None or not job.file_name:
        raise Http404
    return FileResponse(
        default_storage.open(job.file_name, "rb"),
        as_attachment=True,
        filename=f"survey-{survey.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- quick polls ---------------------------------------------------------------------------


def poll_vote(request, page, poll_id):
    """Vote (POST); GET shows the poll on its own."""
    poll = _get(Poll, page, poll_id)
    fallback = f"{page.url}#poll-{poll.pk}"
    if request.method == "POST":
        denied = _allowed(request, "consultations.vote_poll", poll)
        if denied:
            return denied
        if _limited(request, "consultations.vote"):
            return rate_limited(request)
        try:
            _vote, created = services.poll_vote(
                poll=poll, voter=request.user, choice=request.POST.get("choice", "")
            )
        except DomainError as exc:
            context = _context(request, page, error=exc.message, **_poll_state(request, poll))
            return _render(request, "poll_page.html", context, status=exc.status_code)
        if created:
            messages.success(request, _("Thank you for voting."))
        else:
            messages.info(request, _("You have already voted in this poll."))
        return redirect(_back(request, fallback))
    return _render(request, "poll_page.html", _context(request, page, **_poll_state(request, poll)))


# --- draft documents -----------------------------------------------------------------------


def _document_version(document, number):
    versions = list(document.versions.all())
    if not versions:
        return None, None, versions
    version = next((v for v in versions if v.number == number), versions[0])
    previous = next((v for v in versions if v.number == version.number - 1), None)
    return version, previous, versions


def document_detail(request, page, document_id):
    """A version of a draft document by section and paragraph, with comment counts and what
    changed since the version before."""
    document = _get(DraftDocument, page, document_id)
    version, previous, versions = _document_version(document, _int(request.GET.get("version"), 0))
    sections = []
    if version is not None:
        paragraphs = list(
            version.paragraphs.annotate(
                comment_count=Count("comments", filter=_visible_comments())
            ).order_by("position")
        )
        earlier_counts = dict(
            ParagraphComment.objects.filter(
                paragraph__version__document=document,
                paragraph__version__number__lt=version.number,
                hidden_at__isnull=True,
            )
            .values_list("paragraph__key")
            .annotate(n=Count("pk"))
            .order_by()
        )
        before = (
            {p.key: p.text for p in previous.paragraphs.all()} if previous is not None else None
        )
        for paragraph in paragraphs:
            paragraph.earlier_comments = earlier_counts.get(paragraph.key, 0)
            if before is not None:
                old = before.get(paragraph.key)
                paragraph.is_new = old is None
                paragraph.diff = (
                    services.paragraph_diff(old, paragraph.text)
                    if old is not None and old != paragraph.text
                    else None
                )
            if not sections or sections[-1]["number"] != paragraph.section_number:
                sections.append(
                    {
                        "number": paragraph.section_number,
                        "heading": paragraph.section_heading,
                        "paragraphs": [],
                    }
                )
            sections[-1]["paragraphs"].append(paragraph)
    context = _context(
        request,
        page,
        document=document,
        version=version,
        previous=previous,
        versions=versions,
        is_latest=version is not None and version == versions[0],
        sections=sections,
        removed=(
            [
                p
                for p in previous.paragraphs.all()
                if p.key not in {x.key for s in sections for x in s["paragraphs"]}
            ]
            if previous is not None
            else []
        ),
    )
    return _render(request, "document.html", context)


def _visible_comments():
    return Q(comments__hidden_at__isnull=True)


def paragraph_detail(request, page, document_id, paragraph_id):
    """One paragraph with its comments (and those on earlier versions); comment here."""
    document = _get(DraftDocument, page, document_id)
    paragraph = (
        Paragraph.objects.filter(version__document=document, pk=paragraph_id)
        .select_related("version")
        .first()
    )
    if paragraph is None:
        raise Http404
    paragraph.version.document = document
    error = ""
    status = 200
    body = ""
    if request.method == "POST":
        denied = _allowed(request, "consultations.comment_paragraph", document)
        if denied:
            return denied
        if _limited(request, "consultations.comment"):
            return rate_limited(request)
        body = request.POST.get("body", "")
        try:
            comment = services.paragraph_comment_add(
                paragraph=paragraph, author=request.user, body=body
            )
        except DomainError as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, _("Your comment was published."))
            return redirect(f"{request.path}#comment-{comment.pk}")
    comments = list(
        with_interaction_counts(
            ParagraphComment.objects.filter(
                paragraph=paragraph, hidden_at__isnull=True
            ).select_related("author")
        ).order_by("created_at", "pk")
    )
    earlier = list(
        ParagraphComment.objects.filter(
            paragraph__version__document=document,
            paragraph__key=paragraph.key,
            paragraph__version__number__lt=paragraph.version.number,
            hidden_at__isnull=True,
        )
        .select_related("author", "paragraph__version")
        .order_by("created_at")
    )
    with_published_answers([*comments, *earlier], ParagraphComment)
    latest = document.versions.values_list("pk", flat=True).first()
    context = _context(
        request,
        page,
        document=document,
        paragraph=paragraph,
        comments=comments,
        earlier=earlier,
        is_latest=paragraph.version_id == latest,
        can_comment=request.user.has_perm("consultations.comment_paragraph", document),
        can_support=request.user.has_perm("consultations.comment_paragraph", document),
        error=error,
        body=body,
    )
    return _render(request, "paragraph.html", context, status=status)


# --- debates -------------------------------------------------------------------------------


def debate_detail(request, page, debate_id):
    """The question, arguments for and against with supports and replies; add an argument."""
    debate = _get(Debate, page, debate_id)
    error = ""
    status = 200
    form = {"side": "", "body": ""}
    if request.method == "POST":
        denied = _allowed(request, "consultations.add_argument", debate)
        if denied:
            return denied
        if _limited(request, "consultations.argue"):
            return rate_limited(request)
        form = {"side": request.POST.get("side", ""), "body": request.POST.get("body", "")}
        try:
            argument = services.argument_add(
                debate=debate, author=request.user, side=form["side"], body=form["body"]
            )
        except DomainError as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, _("Your argument was published."))
            return redirect(f"{request.path}#argument-{argument.pk}")
    arguments = with_published_answers(
        with_interaction_counts(
            Argument.objects.filter(debate=debate, hidden_at__isnull=True).select_related("author")
        ).order_by("-support_count", "created_at", "pk"),
        Argument,
    )
    context = _context(
        request,
        page,
        debate=debate,
        arguments_for=[a for a in arguments if a.side == Side.FOR],
        arguments_against=[a for a in arguments if a.side == Side.AGAINST],
        can_argue=request.user.has_perm("consultations.add_argument", debate),
        sides=Side.choices,
        form=form,
        error=error,
    )
    return _render(request, "debate.html", context, status=status)


def argument_detail(request, page, debate_id, argument_id):
    """One argument with its supports and threaded replies (the interactions panel)."""
    debate = _get(Debate, page, debate_id)
    argument = Argument.objects.filter(
        debate=debate, pk=argument_id, hidden_at__isnull=True
    ).first()
    if argument is None:
        raise Http404
    argument.debate = debate
    with_published_answers([argument])
    return _render(
        request, "argument.html", _context(request, page, debate=debate, argument=argument)
    )
