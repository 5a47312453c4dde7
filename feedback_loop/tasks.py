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


@task()
def send_department_email(
    *, address: str, department_name: str, title: str, url: str, language: str
) -> int:
    """E-mail a notice to a department's contact address (it has no active members to notify);
    returns how many messages were sent."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    from civitas.notifications.tasks import SUBJECT_MAX_LENGTH, absolute_url, one_line

    with translation.override(language):
        body = render_to_string(
            "feedback_loop/email/department_notice.txt",
            {"department": department_name, "title": title, "url": absolute_url(url)},
        )
        message = EmailMessage(
            subject=one_line(title, SUBJECT_MAX_LENGTH),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
        )
    return message.send()
