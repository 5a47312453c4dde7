"""Services of consultations: every change goes through here (atomic, audited, events after
commit). Other apps (events' facilitator console) call `response_submit` for paper and event
input; its docstring is the contract."""

import difflib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.core.text import normalise_text, validate_clean_text
from civitas.participation.models import Channel, District
from civitas.participation.services import contribution_fields, create_contribution

from . import signals
from .answers import clean_answers, other_key, prune
from .models import (
    AgeBand,
    Answer,
    Argument,
    Debate,
    DocumentVersion,
    DraftDocument,
    ExportJob,
    Paragraph,
    ParagraphComment,
    Poll,
    PollVote,
    QuestionKind,
    Response,
    ResponseStatus,
    ResultCount,
    Side,
    Survey,
    Theme,
)


class AnswersInvalid(DomainError):
    """Some answers failed their checks; `errors` maps question keys to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some answers need your attention."), code="answers")
        self.errors = errors


def survey_questions(survey: Survey) -> list:
    """The survey's questions in order (one query, or none when prefetched)."""
    return list(survey.questions.all())


def _person(district, age_band) -> dict:
    if district not in (None, "") and not isinstance(district, District):
        try:
            district = District.objects.get(pk=int(district))
        except (District.DoesNotExist, TypeError, ValueError) as exc:
            raise DomainError(_("Choose one of the listed districts."), code="district") from exc
    if age_band and age_band not in AgeBand.values:
        raise DomainError(_("Choose one of the listed age bands."), code="age_band")
    return {"district": district or None, "age_band": age_band or ""}


def _signed_in(person):
    """The person, or None for an anonymous visitor."""
    return person if person is not None and person.is_authenticated else None


def _require_open(survey: Survey):
    if not survey.consultation.allows("respond"):
        raise NotAllowed(_("This survey is not open for responses now."))


def _answer_rows(response: Response, questions, answers: dict) -> list[Answer]:
    """The Answer rows that count `answers` (one per option, matrix row or ranked item)."""
    common = {
        "response": response,
        "survey_id": response.survey_id,
        "channel": response.channel,
        "district_id_copy": response.district_id,
        "age_band": response.age_band,
        "people": response.people_count,
    }
    rows = []
    for question in questions:
        value = answers.get(question.key)
        if value is None:
            continue
        make = lambda **fields: rows.append(Answer(question=question, **common, **fields))  # noqa: E731, B023
        kind = question.kind
        other = answers.get(other_key(question), "")
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for key in value if isinstance(value, list) else [value]:
                make(choice=key, text=other if key == "other" else "")
        elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            make(text=value)
        elif kind == QuestionKind.NUMBER:
            make(number=value)
        elif kind == QuestionKind.SCALE:
            make(choice=str(value), number=value)
        elif kind == QuestionKind.RANKING:
            for rank, key in enumerate(value, start=1):
                make(choice=key, number=rank)
        elif kind == QuestionKind.MATRIX:
            for row, choice in value.items():
                make(row=row, choice=str(choice), number=choice)
        elif kind == QuestionKind.DATE:
            make(date=value)
    return rows


def _count_deltas(response, rows: list[Answer], sign: int) -> dict:
    """{counter key: (n, total)} that `rows` of `response` add (sign 1) or remove (-1)."""
    base = {
        "survey_id": response.survey_id,
        "channel": response.channel,
        "district_id": response.district_id or 0,
        "age_band": response.age_band,
    }
    deltas: dict[tuple, list] = {}

    def add(question_id, row, choice, number):
        key = (question_id, row, choice)
        entry = deltas.setdefault(key, [0, 0.0])
        entry[0] += sign * response.people_count
        entry[1] += sign * response.people_count * (number or 0)

    add(0, "", "*", None)
    answered = set()
    for answer in rows:
        add(answer.question_id, answer.row, answer.choice, answer.number)
        answered.add(answer.question_id)
    for question_id in answered:
        add(question_id, "", "*", None)
    base_key = tuple(base.items())
    return {(base_key, *key): value for key, value in deltas.items()}


def _apply_counts(deltas: dict) -> None:
    """Add `deltas` to the running totals; the unique constraint settles concurrent creators."""
    for (base, question_id, row, choice), (n, total) in deltas.items():
        key = {**dict(base), "question_id": question_id, "row": row, "choice": choice}
        change = {"n": F("n") + n, "total": F("total") + total}
        if ResultCount.objects.filter(**key).update(**change):
            continue
        try:
            with transaction.atomic():
                ResultCount.objects.create(**key, n=n, total=total)
        except IntegrityError:
            ResultCount.objects.filter(**key).update(**change)


def result_counts_rebuild(*, survey: Survey) -> int:
    """Recount the running totals of `survey` from its stored answers (after a bulk import or a
    repair); returns the number of counter rows."""
    with transaction.atomic():
        Survey.objects.select_for_update().get(pk=survey.pk)
        ResultCount.objects.filter(survey=survey).delete()
        rows_by_response: dict[int, list] = {}
        for answer in Answer.objects.filter(survey=survey).only(
            "response_id", "question_id", "row", "choice", "number"
        ):
            rows_by_response.setdefault(answer.response_id, []).append(answer)
        totals: dict = {}
        for response in Response.objects.filter(
            survey=survey, status=ResponseStatus.SUBMITTED
        ).only("pk", "survey_id", "channel", "district_id", "age_band", "people_count"):
            for key, (n, total) in _count_deltas(
                response, rows_by_response.get(response.pk, []), 1
            ).items():
                entry = totals.setdefault(key, [0, 0.0])
                entry[0] += n
                entry[1] += total
        ResultCount.objects.bulk_create(
            [
                ResultCount(**dict(base), question_id=qid, row=row, choice=choice, n=n, total=total)
                for (base, qid, row, choice), (n, total) in totals.items()
            ],
            batch_size=2000,
        )
    return len(totals)


def _free_texts(questions, answers: dict):
    for question in questions:
        if question.is_free_text and answers.get(question.key):
            yield question, answers[question.key]
        if question.allow_other and answers.get(other_key(question)):
            yield question, answers[other_key(question)]


def response_draft_save(
    *, survey: Survey, respondent, answers: dict, page: int, response: Response | None = None
) -> Response:
    """Keep the answers of one page as a draft (online only, while the survey is open).

    Only the questions of `page` are checked; AnswersInvalid leaves the stored draft as it was.
    Signed-in people have one row per survey; anonymous drafts pass their `response`.
    """
    _require_open(survey)
    questions = survey_questions(survey)
    page_keys = {q.key for q in questions if q.page_number == page}
    with transaction.atomic():
        response = _online_response(survey, respondent, response)
        merged = {**response.draft_answers}
        for key in list(merged):
            if key.split(".", 1)[0] in page_keys:
                del merged[key]
        merged.update(answers)
        cleaned, errors = clean_answers(questions, merged, check=page_keys, require=True)
        if errors:
            raise AnswersInvalid(errors)
        kept = {k: v for k, v in merged.items() if k.split(".", 1)[0] not in page_keys}
        response.draft_answers = prune(questions, {**kept, **cleaned})
        response.page_reached = max(response.page_reached, page + 1)
        response.save(update_fields=["draft_answers", "page_reached", "updated_at"])
    return response


def _online_response(survey, respondent, response):
    """The locked response row of this person (created as a draft when missing)."""
    respondent = _signed_in(respondent)
    if respondent is not None:
        try:
            with transaction.atomic():
                Response.objects.create(
                    **contribution_fields(process=survey.consultation, author=respondent),
                    survey=survey,
                )
        except IntegrityError:
            pass  # the person has a response already (perhaps created a moment ago)
        return Response.objects.select_for_update().get(survey=survey, author=respondent)
    if not survey.allows_anonymous:
        raise NotAllowed(_("Sign in to answer this survey."))
    if response is not None:
        response = Response.objects.select_for_update().get(pk=response.pk)
        if response.author_id is None and response.survey_id == survey.pk:
            if response.status == ResponseStatus.SUBMITTED:
                raise Conflict(_("This response was already submitted."))
            return response
    return Response.objects.create(
        **contribution_fields(process=survey.consultation, author=None, with_receipt=True),
        survey=survey,
    )


def response_submit(
    *,
    survey: Survey,
    respondent,
    answers: dict | None = None,
    channel: str = Channel.ONLINE,
    entered_by=None,
    submission_key=None,
    source=None,
    source_detail: str = "",
    people_count: int = 1,
    district=None,
    age_band: str = "",
    response: Response | None = None,
) -> tuple[Response, bool]:
    """Submit a survey response; (response, created). Raises AnswersInvalid, NotAllowed,
    Conflict, DomainError.

    Online (`channel="online"`): while the consultation's phase allows "respond"; `respondent`
    is the signed-in person (one response each, changed by submitting again) or None for an
    anonymous response (receipt code) where the survey allows it; `answers` None submits the
    stored draft. Other channels ("paper", "offline_event", "phone"...): `entered_by` (the staff
    member typing it in) is required, any phase, `respondent` usually None; `source` (e.g. an
    Event) and `source_detail` record provenance. The same `submission_key` (UUID) never creates
    a second response. Answer shapes: see consultations.answers.
    """
    respondent = _signed_in(respondent)
    questions = survey_questions(survey)
    person = _person(district, age_band)
    online = channel == Channel.ONLINE
    if online:
        _require_open(survey)
    with transaction.atomic():
        if online:
            row = _online_response(survey, respondent, response)
            given = row.draft_answers if answers is None else answers
            first = row.status != ResponseStatus.SUBMITTED
            previous = None
            if not first:
                previous = Response(
                    survey_id=row.survey_id,
                    channel=row.channel,
                    district_id=row.district_id,
                    age_band=row.age_band,
                    people_count=row.people_count,
                )
        else:
            given = answers or {}
            first, previous = True, None
        unknown = [k for k in given if k.split(".", 1)[0] not in {q.key for q in questions}]
        cleaned, errors = clean_answers(questions, given, check={q.key for q in questions})
        for key in unknown:
            errors[key] = _("There is no such question in this survey.")
        if errors:
            raise AnswersInvalid(errors)
        if online:
            row.answers = cleaned
            row.draft_answers = cleaned
            row.status = ResponseStatus.SUBMITTED
            row.submitted_at = timezone.now()
            if person["district"] is not None or person["age_band"]:
                row.district, row.age_band = person["district"], person["age_band"]
            row.save()
            created = True
        else:
            if (
                respondent is not None
                and Response.objects.filter(survey=survey, author=respondent).exists()
            ):
                raise Conflict(_("This person has already responded to the survey."))
            fields = contribution_fields(
                process=survey.consultation,
                author=respondent,
                channel=channel,
                entered_by=entered_by,
                source=source,
                source_detail=normalise_text(source_detail),
                people_count=people_count,
                submission_key=submission_key,
            )
            fields["receipt_code"] = None  # a paper sheet has nobody to hand a code to
            row, created = create_contribution(
                Response,
                {
                    **fields,
                    **person,
                    "survey": survey,
                    "answers": cleaned,
                    "status": ResponseStatus.SUBMITTED,
                    "submitted_at": timezone.now(),
                },
            )
            if not created:
                return row, False
        if previous is not None:
            # A changed response: take it out of the totals as it was counted before.
            old_rows = list(Answer.objects.filter(response=row))
            _apply_counts(_count_deltas(previous, old_rows, -1))
            Answer.objects.filter(response=row).delete()
        new_rows = _answer_rows(row, questions, cleaned)
        Answer.objects.bulk_create(new_rows, batch_size=500)
        _apply_counts(_count_deltas(row, new_rows, 1))
        log(
            instance=row,
            action="consultations.response.submitted",
            user=entered_by or respondent,
            title=f"{survey} #{row.pk}",
            data={"channel": channel, "first": first},
        )
        signals.response_submitted.send_on_commit(sender=Response, response=row, first=first)
        for question, text in _free_texts(questions, cleaned):
            signals.free_text_answered.send_on_commit(
                sender=Response,
                response=row,
                question_key=question.key,
                question_text=question.text,
                text=text,
            )
    return row, created


# --- moderation and themes -----------------------------------------------------------------


def theme_add(*, consultation, name: str, by) -> Theme:
    """A theme of the consultation by name (the existing one when it is already there)."""
    name = normalise_text(name or "")
    if not name or len(name) > 80:
        raise DomainError(_("Give the theme a name of up to 80 characters."), code="name")
    try:
        validate_clean_text(name)
    except Exception as exc:
        raise DomainError(_("The text contains invalid characters."), code="name") from exc
    with transaction.atomic():
        theme, created = Theme.objects.get_or_create(consultation=consultation, name=name)
        if created:
            log(instance=theme, action="consultations.theme.added", user=by)
    return theme


def answer_moderate(*, answer: Answer, by, themes=None, hidden: bool | None = None) -> Answer:
    """Set the themes of a free-text answer and/or hide or show it; themes must belong to
    the answer's consultation."""
    with transaction.atomic():
        answer = Answer.objects.select_for_update().select_related("survey").get(pk=answer.pk)
        changes = {}
        if themes is not None:
            themes = list(themes)
            if any(t.consultation_id != answer.survey.consultation_id for t in themes):
                raise DomainError(_("Choose themes of this consultation."), code="themes")
            before = set(answer.themes.values_list("pk", flat=True))
            answer.themes.set(themes)
            changes["themes"] = [t.pk for t in themes]
            if before != {t.pk for t in themes}:
                signals.answer_themes_changed.send_on_commit(
                    sender=Answer,
                    answer=answer,
                    themes=sorted(themes, key=lambda t: (t.name, t.pk)),
                    by=by,
                )
        if hidden is not None and (answer.hidden_at is not None) != hidden:
            answer.hidden_at = timezone.now() if hidden else None
            answer.save(update_fields=["hidden_at"])
            changes["hidden"] = hidden
        if changes:
            log(
                instance=answer.response,
                action="consultations.answer.moderated",
                user=by,
                data={"answer": answer.pk, **changes},
            )
    return answer


# --- exports -------------------------------------------------------------------------------


def export_start(*, survey: Survey, by) -> ExportJob:
    """Queue an XLSX export of the survey's submitted responses; the task fills in progress."""
    from .tasks import export_survey

    with transaction.atomic():
        job = ExportJob.objects.create(survey=survey, requested_by=by)
        log(instance=survey, action="consultations.export.started", user=by)
        job_id = str(job.pk)
        transaction.on_commit(lambda: export_survey.enqueue(job_id=job_id))
    return job


# --- quick polls ---------------------------------------------------------------------------


def poll_vote(*, poll: Poll, voter, choice: str) -> tuple[PollVote, bool]:
    """Vote in a quick poll while its consultation allows "vote"; one vote per person (the
    database decides under concurrency): (vote, created)."""
    if choice not in {key for key, _label in poll.options}:
        raise DomainError(_("Choose one of the listed options."), code="choice")
    if not poll.consultation.allows("vote"):
        raise NotAllowed(_("This poll is closed."))
    fields = contribution_fields(process=poll.consultation, author=voter)
    with transaction.atomic():
        try:
            with transaction.atomic():
                vote = PollVote.objects.create(**fields, poll=poll, choice=choice)
        except IntegrityError:
            return PollVote.objects.get(poll=poll, author=voter), False
        log(instance=vote, action="consultations.poll.voted", user=voter, title=str(poll))
        signals.poll_voted.send_on_commit(sender=PollVote, vote=vote)
    return vote, True


# --- draft documents -----------------------------------------------------------------------


def _paragraphs_of(document: DraftDocument) -> list[dict]:
    found = []
    for number, section in enumerate(document.body, start=1):
        if section.block_type != "section":
            continue
        for item in section.value["paragraphs"].bound_blocks:
            text = normalise_text(str(item.value))
            if text:
                found.append(
                    {
                        "key": item.id or f"{number}-{len(found)}",
                        "section_heading": section.value["heading"],
                        "section_number": number,
                        "text": text,
                    }
                )
    return found


def document_version_publish(*, document: DraftDocument, by) -> DocumentVersion | None:
    """Publish the document's current text as a new version, unless it equals the latest one
    (then None). Earlier versions and their comments stay as they were."""
    paragraphs = _paragraphs_of(document)
    with transaction.atomic():
        DraftDocument.objects.select_for_update().get(pk=document.pk)
        latest = document.versions.order_by("-number").first()
        if latest is not None:
            old = [
                (p.key, p.section_heading, p.text) for p in latest.paragraphs.order_by("position")
            ]
            if old == [(p["key"], p["section_heading"], p["text"]) for p in paragraphs]:
                return None
        version = DocumentVersion.objects.create(
            document=document, number=(latest.number + 1) if latest else 1
        )
        Paragraph.objects.bulk_create(
            Paragraph(version=version, position=i, **p) for i, p in enumerate(paragraphs)
        )
        log(instance=document, action="consultations.document.versioned", user=by)
    return version


def paragraph_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level changes from `old` to `new`: [(op, text)], op in "same", "added", "removed"."""
    a, b = old.split(" "), new.split(" ")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("added", " ".join(b[j1:j2])))
    return parts


def _text_input(body: str, limit: int, empty) -> str:
    body = normalise_text(body or "")
    if not body:
        raise DomainError(empty, code="body")
    if len(body) > limit:
        raise DomainError(_("Keep it under %(limit)d characters.") % {"limit": limit}, code="body")
    try:
        validate_clean_text(body)
    except Exception as exc:
        raise DomainError(_("The text contains invalid characters."), code="body") from exc
    return body


def paragraph_comment_add(*, paragraph: Paragraph, author, body: str) -> ParagraphComment:
    """Comment on a paragraph of the latest version while the phase allows "comment"."""
    body = _text_input(body, 3000, _("Write a comment first."))
    document = paragraph.version.document
    consultation = document.consultation
    if not consultation.allows("comment"):
        raise NotAllowed(_("Comments are closed."))
    latest = document.versions.order_by("-number").values_list("pk", flat=True).first()
    if paragraph.version_id != latest:
        raise Conflict(_("This version was replaced; comment on the current one."))
    fields = contribution_fields(process=consultation, author=author)
    with transaction.atomic():
        comment = ParagraphComment.objects.create(**fields, paragraph=paragraph, body=body)
        log(instance=comment, action="consultations.paragraph.commented", user=author)
        signals.paragraph_comment_added.send_on_commit(sender=ParagraphComment, comment=comment)
    return comment


# --- debates -------------------------------------------------------------------------------


def argument_add(*, debate: Debate, author, side: str, body: str) -> Argument:
    """Add an argument for or against while the phase allows "argue"."""
    if side not in Side.values:
        raise DomainError(_("Choose for or against."), code="side")
    body = _text_input(body, 2000, _("Write your argument first."))
    if not debate.consultation.allows("argue"):
        raise NotAllowed(_("The debate is closed."))
    fields = contribution_fields(process=debate.consultation, author=author)
    with transaction.atomic():
        argument = Argument.objects.create(**fields, debate=debate, side=side, body=body)
        log(instance=argument, action="consultations.argument.added", user=author)
        signals.argument_added.send_on_commit(sender=Argument, argument=argument)
    return argument


# --- account deletion ----------------------------------------------------------------------


def forget_person(user) -> None:
    """Drop the unsubmitted drafts of `user` (the account row stays anonymised, so submitted
    responses keep counting once per person)."""
    with transaction.atomic():
        Response.objects.filter(author=user, status=ResponseStatus.DRAFT).delete()
