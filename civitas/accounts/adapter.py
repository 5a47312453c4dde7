"""allauth adapter: new accounts start in the language the person was browsing in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not user.preferred_language:
            user.preferred_language = (get_language() or "en").split("-")[0]
        if commit:
            user.save()
        return user
