"""Predicates about a person's own account, with no dependency on other kernel apps."""

import rules
from django.conf import settings

CONSENT_CURRENT = "current"
CONSENT_OUTDATED = "outdated"
CONSENT_NONE = "none"


def consent_state(user) -> str:
    """Whether the user accepted the terms in force ("current"), only older ones, or none."""
    if not getattr(user, "is_authenticated", False):
        return CONSENT_NONE
    version = settings.CIVITAS_TERMS_VERSION
    cached = getattr(user, "_civitas_consent", None)
    if cached is None or cached[0] != version:
        from .models import TermsConsent

        versions = set(
            TermsConsent.objects.filter(user_id=user.pk).values_list("version", flat=True)
        )
        if version in versions:
            state = CONSENT_CURRENT
        else:
            state = CONSENT_OUTDATED if versions else CONSENT_NONE
        cached = (version, state)
        user._civitas_consent = cached
    return cached[1]


def forget_consent(user) -> None:
    """Drop the cached consent state after the user accepted a version."""
    if hasattr(user, "_civitas_consent"):
        del user._civitas_consent


@rules.predicate
def has_accepted_current_terms(user) -> bool:
    """Signed in and consented to the terms version now in force (CIVITAS_TERMS_VERSION)."""
    return consent_state(user) == CONSENT_CURRENT


@rules.predicate
def is_account_owner(user, account) -> bool:
    """The object is the person's own account, not deleted."""
    return (
        getattr(user, "is_authenticated", False)
        and account is not None
        and account.pk == user.pk
        and getattr(account, "deleted_at", None) is None
    )
