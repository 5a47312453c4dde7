"""Notices to a department: its active members are notified; a department without any hears
at its contact e-mail, so that no case goes unnoticed while its roles are not set up yet."""

from functools import partial

from django.conf import settings
from django.db import transaction

from .models import Department


def department_notice(*, department, kind: str, title, params: dict, url: str) -> str:
    """Tell a department (instance or id) about a case: its active members as their preferences
    say, or else its contact e-mail after commit; returns "members", "contact" or "nobody"."""
    from civitas.notifications.services import can_receive, notify, render_text

    from .selectors import department_members
    from .tasks import send_department_email

    department_id = getattr(department, "pk", department)
    members = [user for user in department_members([department_id]) if can_receive(user)]
    if members:
        notify(recipients=members, kind=kind, title=title, params=params, url=url)
        return "members"
    if isinstance(department, Department):
        address, name = department.contact_email, department.name
    else:
        address, name = (
            Department.objects.filter(pk=department_id).values_list("contact_email", "name").first()
        ) or ("", "")
    if not address:
        return "nobody"
    language = settings.LANGUAGE_CODE
    transaction.on_commit(
        partial(
            send_department_email.enqueue,
            address=address,
            department_name=name,
            title=render_text(title, params, language),
            url=url,
            language=language,
        ),
        robust=True,
    )
    return "contact"
