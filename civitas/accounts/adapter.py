"""allauth adapter: language of new accounts, consent to the terms in force at sign-in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from .predicates import CONSENT_CURRENT, consent_state


def city_name(request) -> str:
    """The city's name from the site settings of the request (or the default site)."""
    from wagtail.models import Site

    from civitas.core.models import CitySettings

    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return "Civitas"
    return CitySettings.for_site(site).city_name


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """New accounts start in the language the person was browsing in."""
        user = super().save_user(request, user, form, commit=False)
        if not user.preferred_language:
            user.preferred_language = (get_language() or "en").split("-")[0]
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """E-mails greet people in the name of their city."""
        from allauth.core import context as allauth_context

        super().send_mail(
            template_prefix, email, {"city_name": city_name(allauth_context.request), **context}
        )

    def post_login(self, request, user, **kwargs):
        """After signing in, people who have not accepted the terms in force are asked first."""
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect) and consent_state(user) != CONSENT_CURRENT:
            query = urlencode({"next": response.url})
            response = HttpResponseRedirect(f"{reverse('accounts:terms')}?{query}")
        return response
