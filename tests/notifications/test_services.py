import logging

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from civitas.accounts.services import account_delete
from civitas.core.privacy import export_personal_data
from civitas.notifications.models import Notification, NotificationPreference
from civitas.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    preferences_update,
)
from civitas.notifications.tasks import send_notification_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REPLY = "interactions.reply"  # in-app and e-mail by default
FOLLOWED = "interactions.followed_activity"  # in-app only by default
HIDDEN = "interactions.content_hidden"  # mandatory


def prefer(user, kind, *, in_app, email):
    NotificationPreference.objects.create(user=user, kind=kind, in_app=in_app, email=email)


def test_defaults_store_a_row_and_send_mail_after_commit(person, on_commit, mailoutbox):
    with on_commit():
        [row] = notify(recipients=[person], kind=REPLY, title="Hi", body="Text", url="/p/")
        assert mailoutbox == []  # only once the transaction commits
    assert (row.recipient, row.title, row.body, row.url, row.read_at) == (
        person,
        "Hi",
        "Text",
        "/p/",
        None,
    )
    [mail] = mailoutbox
    assert mail.to == [person.email]
    assert mail.subject == "Hi"
    assert "Hello Lea," in mail.body and "Text" in mail.body
    assert "http://testserver/p/" in mail.body
    assert "http://testserver/notifications/settings/" in mail.body
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize(
    "in_app,email,rows,mails",
    [(False, False, 0, 0), (False, True, 0, 1), (True, False, 1, 0), (True, True, 1, 1)],
)
def test_preferences_are_respected(person, on_commit, mailoutbox, in_app, email, rows, mails):
    prefer(person, REPLY, in_app=in_app, email=email)
    with on_commit():
        notify(recipients=[person], kind=REPLY, title="Hi")
    assert Notification.objects.count() == rows
    assert len(mailoutbox) == mails


def test_kind_defaults_apply_without_a_preference(person, on_commit, mailoutbox):
    with on_commit():
        notify(recipients=[person], kind=FOLLOWED, title="New comment")
    assert Notification.objects.count() == 1
    assert mailoutbox == []


def test_mandatory_kinds_are_always_in_app(person, on_commit, mailoutbox):
    prefer(person, HIDDEN, in_app=False, email=False)
    with on_commit():
        notify(recipients=[person], kind=HIDDEN, title="Hidden")
    assert Notification.objects.count() == 1
    assert mailoutbox == []


def test_inactive_deleted_and_repeated_recipients(person, on_commit, mailoutbox):
    inactive = UserFactory(is_active=False)
    deleted = UserFactory()
    account_delete(user=deleted)
    with on_commit():
        rows = notify(recipients=[person, person, None, inactive, deleted], kind=REPLY, title="Hi")
    assert [row.recipient for row in rows] == [person]
    assert [mail.to for mail in mailoutbox] == [[person.email]]
    assert notify(recipients=[], kind=REPLY, title="Nobody") == []


def test_unknown_kinds_are_a_programming_error(person):
    with pytest.raises(ValueError):
        notify(recipients=[person], kind="nope.nothing", title="Hi")


def test_each_person_hears_it_in_their_language(person, french_person, on_commit, mailoutbox):
    with on_commit():
        notify(
            recipients=[person, french_person],
            kind=REPLY,
            title=_("Monday"),
            body=_("%(day)s, at noon"),
            params={"day": _("Tuesday")},
        )
    titles = dict(Notification.objects.values_list("recipient__email", "title"))
    assert titles == {person.email: "Monday", french_person.email: "lundi"}
    mails = {mail.to[0]: mail for mail in mailoutbox}
    assert mails[french_person.email].subject == "lundi"
    assert mails[french_person.email].extra_headers["Content-Language"] == "fr"
    assert "mardi, at noon" in mails[french_person.email].body
    assert mails[person.email].subject == "Monday"


def test_nothing_is_sent_when_the_transaction_rolls_back(person, on_commit, mailoutbox):
    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[person], kind=REPLY, title="Hi")
        raise RuntimeError("the caller failed")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_a_dead_channel_layer_never_loses_the_row(
    person, on_commit, mailoutbox, dead_channel_layer, caplog
):
    with caplog.at_level(logging.WARNING, logger="civitas.notifications.services"), on_commit():
        notify(recipients=[person], kind=REPLY, title="Still here")
    assert Notification.objects.get().title == "Still here"
    assert len(mailoutbox) == 1
    assert "Live notification push failed" in caplog.text


def test_mail_task_skips_people_deleted_since_it_was_queued(person, mailoutbox):
    account_delete(user=person)
    sent = send_notification_emails.call(
        user_ids=[person.pk], kind=REPLY, title="Hi", body="", url="", language="en"
    )
    assert sent == 0 and mailoutbox == []


def test_mail_subject_is_one_line(person, mailoutbox):
    send_notification_emails.call(
        user_ids=[person.pk], kind=REPLY, title="Two\nlines", body="", url="", language="en"
    )
    assert mailoutbox[0].subject == "Two lines"


def test_mark_read_and_mark_all_read(person):
    first, second = (
        notify(recipients=[person], kind=REPLY, title=title)[0] for title in ("A", "B")
    )
    notification_mark_read(notification=first, user=person)
    first.refresh_from_db()
    assert first.read_at is not None
    with pytest.raises(PermissionError):
        notification_mark_read(notification=second, user=UserFactory())
    assert notifications_mark_all_read(user=person) == 1
    assert notifications_mark_all_read(user=person) == 0
    assert not Notification.objects.unread().exists()


def test_preferences_update_keeps_mandatory_kinds_in_app(person):
    preferences_update(user=person, choices={HIDDEN: (False, False), REPLY: (False, True)})
    stored = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.all()}
    assert stored == {HIDDEN: (True, False), REPLY: (False, True)}
    preferences_update(user=person, choices={REPLY: (True, False)})
    assert NotificationPreference.objects.get(kind=REPLY).in_app is True
    with pytest.raises(ValueError):
        preferences_update(user=person, choices={"nope.nothing": (True, True)})


def test_personal_data_export_and_erasure(person):
    notify(recipients=[person], kind=REPLY, title="Hello", body="Body", url="/x/")
    prefer(person, FOLLOWED, in_app=True, email=True)
    section = export_personal_data(person)["sections"]["notifications"]
    assert [(n["kind"], n["title"], n["read_at"]) for n in section["notifications"]] == [
        (REPLY, "Hello", None)
    ]
    assert section["preferences"] == [{"kind": FOLLOWED, "in_app": True, "email": True}]
    account_delete(user=person)
    assert not Notification.objects.exists()
    assert not NotificationPreference.objects.exists()
