"""What the feedback loop holds about a person: what they did on cases as staff."""

from .models import Answer, CaseEvent


def personal_data(user) -> dict:
    """Case timeline steps and answers `user` took part in, for "download my data"."""
    return {
        "case_steps": [
            {"case": e.case_id, "action": e.action, "note": e.note, "at": e.created_at.isoformat()}
            for e in CaseEvent.objects.filter(actor=user).order_by("pk")
        ],
        "answers_drafted": [
            {"case": a.case_id, "decision": a.decision, "at": a.drafted_at.isoformat()}
            for a in Answer.objects.filter(drafted_by=user).order_by("pk")
        ],
    }
