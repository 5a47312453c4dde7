"""``{% consultation_poll poll %}``: a quick poll placed on any page (it votes through its
consultation's page, then comes back)."""

from django import template

register = template.Library()


@register.inclusion_tag("consultations/includes/poll.html", takes_context=True)
def consultation_poll(context, poll):
    """The poll with the voting form, the results or why neither (a Poll or its id)."""
    from consultations.models import Poll
    from consultations.views import _poll_state

    request = context["request"]
    if not isinstance(poll, Poll):
        poll = Poll.objects.select_related("consultation").filter(pk=poll).first()
        if poll is None:
            return {"poll": None}
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        **_poll_state(request, poll),
    }
