"""Factories for kernel models, used by every test package."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from civitas.accounts.models import User
from civitas.participation.models import District, Topic


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Verified e-mail by default; pass verified=False for an unverified account."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def consented(self, create, extracted, **kwargs):
        """Consent to the terms in force by default; pass consented=False to skip it."""
        if create and extracted is not False:
            from civitas.accounts.services import terms_accept

            terms_accept(user=self)
        if create:
            self.save()


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")


def window(start_days: float, end_days: float):
    """(starts_at, ends_at) relative to now, in days."""
    now = timezone.now()
    return now + dt.timedelta(days=start_days), now + dt.timedelta(days=end_days)


def add_process(parent, page, phases):
    """Add the process `page` under `parent` with phases given as (phase type, start_days,
    end_days), the days counted from now."""
    from civitas.participation.models import Phase

    parent.add_child(instance=page)
    for order, (phase_type, start, end) in enumerate(phases):
        starts_at, ends_at = window(start, end)
        Phase.objects.create(
            page=page, phase_type=phase_type, starts_at=starts_at, ends_at=ends_at, sort_order=order
        )
    return page


def make_dummy_process(parent, *, title="Dummy process", phases=(("collect", -1, 5),), live=True):
    """A DummyProcessPage under `parent` with phases given as (name, start_days, end_days)."""
    from tests.dummy_process.models import DummyProcessPage

    return add_process(
        parent,
        DummyProcessPage(title=title, live=live),
        [(f"dummy_process.{name}", start, end) for name, start, end in phases],
    )
