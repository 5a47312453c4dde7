"""Personal data that accounts holds, for "download my data"."""


def export_account(user) -> dict:
    """Profile, e-mail addresses, roles and consents of the user."""
    from allauth.account.models import EmailAddress

    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "district": str(user.district) if user.district_id else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "roles": [
            {
                "role": a.role,
                "scope": str(a.scope) if a.scope_type_id else None,
                "granted_at": a.granted_at.isoformat(),
            }
            for a in user.role_assignments.select_related("scope_type")
        ],
        "terms_consents": [
            {"version": c.version, "accepted_at": c.accepted_at.isoformat()}
            for c in user.terms_consents.all()
        ],
    }
