"""``{% consultation_poll poll %}``: a quick poll placed on any page (it votes through its
consultation's page, then comes back)."""

from django import template

register = template.Library()


def poll_box(context, poll) -> dict:
    """Context of the poll box for the request in `context` (a Poll or its id); the poll is
    left out when missing or when its consultation is not public."""
    from consultations.models import Poll
    from consultations.selectors import poll_state

    if poll is not None and not isinstance(poll, Poll):
        poll = Poll.objects.select_related("consultation").filter(pk=poll).first()
    request = context.get("request")
    if poll is None or request is None or not poll.consultation.live:
        return {"poll": None}
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        **poll_state(request.user, poll),
    }


@register.inclusion_tag("consultations/includes/poll.html", takes_context=True)
def consultation_poll(context, poll):
    """The poll with the voting form, the results or why neither (a Poll or its id)."""
    return poll_box(context, poll)
