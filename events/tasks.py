"""Background work of events: reminders before sessions, run by a scheduler."""

from django_tasks import task


@task()
def send_event_reminders(hours_ahead: int = 24) -> int:
    """Remind confirmed people of sessions starting within `hours_ahead`; returns how many."""
    import datetime as dt

    from .services import reminders_send

    return reminders_send(ahead=dt.timedelta(hours=hours_ahead))
