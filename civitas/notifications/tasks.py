"""Background work of notifications: e-mails, rendered in each recipient's language."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

SUBJECT_MAX_LENGTH = 150


def absolute_url(url: str) -> str:
    """Make a site-relative URL absolute with the configured site address."""
    if not url or not url.startswith("/") or url.startswith("//"):
        return url if url.startswith(("https://", "http://")) else ""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def one_line(text: str, limit: int) -> str:
    """Collapse whitespace (mail headers must not contain line breaks) and shorten."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


@task()
def send_notification_emails(
    *, user_ids: list[int], kind: str, title: str, body: str, url: str, language: str
) -> int:
    """E-mail one notification to the given people in `language` (plain text); returns how
    many were sent. People deleted or deactivated since it was queued are skipped."""
    people = get_user_model().objects.filter(
        pk__in=user_ids, is_active=True, deleted_at__isnull=True
    )
    link = absolute_url(url)
    messages = []
    with translation.override(language):
        preferences_url = absolute_url(reverse("notifications:preferences"))
        subject = one_line(title, SUBJECT_MAX_LENGTH)
        for person in people:
            if not person.email:
                continue
            text = render_to_string(
                "notifications/email/notification.txt",
                {
                    "person": person,
                    "title": title,
                    "body": body,
                    "url": link,
                    "preferences_url": preferences_url,
                },
            )
            messages.append(
                EmailMessage(
                    subject=subject,
                    body=text,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[person.email],
                    headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
                )
            )
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
