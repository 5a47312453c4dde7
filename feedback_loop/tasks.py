"""Background work of the feedback loop: webhook deliveries and the deadline run."""

from django_tasks import task


@task()
def deliver_webhook(*, delivery_id: int) -> str:
    """Deliver one webhook message (retried with backoff by re-queueing); returns its status."""
    from .webhooks import deliver

    return deliver(delivery_id)


@task()
def run_deadlines() -> dict:
    """Send deadline reminders and escalations, and retry due webhook deliveries."""
    from .services import deadlines_run
    from .webhooks import retry_due

    result = deadlines_run()
    result["webhooks_retried"] = retry_due()
    return result
