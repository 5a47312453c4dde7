"""Factories for accounts tests."""

import factory

from civitas.accounts.models import TermsConsent
from tests.factories import UserFactory


class TermsConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermsConsent

    user = factory.SubFactory(UserFactory, consented=False)
    version = "2020-01"
