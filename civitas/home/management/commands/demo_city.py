"""Build a demo city: site tree, settings, topics, districts and one user per role."""

import contextlib
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from wagtail.models import Page, Site

from civitas.accounts.models import SCOPED_ROLES, Role, RoleAssignment, User
from civitas.accounts.services import role_assign, terms_accept
from civitas.core.models import CitySettings
from civitas.home.models import ContentPage, HomePage
from civitas.participation.models import District, Topic

DEMO_PASSWORD = "civitas-demo"

TOPICS = [
    ("Mobility", "mobility"),
    ("Energy", "energy"),
    ("Waste and recycling", "waste"),
    ("Safer streets", "safer-streets"),
    ("Green spaces", "green-spaces"),
    ("Culture", "culture"),
]
DISTRICTS = [("Old Town", "old-town"), ("Riverside", "riverside"), ("North Hill", "north-hill")]

# (e-mail, display name, role, scoped?) — scoped roles get their event/department from the
# events and feedback_loop apps' demo data.
DEMO_USERS = [
    ("admin@demo.civitas", "Ada Admin", Role.ADMINISTRATOR),
    ("editor@demo.civitas", "Eddie Editor", Role.EDITOR),
    ("moderator@demo.civitas", "Mo Moderator", Role.MODERATOR),
    ("taskforce@demo.civitas", "Tara Taskforce", Role.TASKFORCE),
    ("department@demo.civitas", "Dev Department", Role.DEPARTMENT_MEMBER),
    ("facilitator@demo.civitas", "Fay Facilitator", Role.FACILITATOR),
    ("resident@demo.civitas", "Rosa Resident", Role.RESIDENT),
]

# Hooks for feature apps: functions (stdout) -> None that add their demo data.
demo_builders: list = []


@contextlib.contextmanager
def quiet_build():
    """Keep the demo's notifications in memory (its people are made up, and a configured mail
    server must not write to them) and Wagtail's page log off the console while building."""
    wagtail_log = logging.getLogger("wagtail")
    level = wagtail_log.level
    wagtail_log.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield
    finally:
        wagtail_log.setLevel(level)


class Command(BaseCommand):
    help = "Create or refresh the demo city (idempotent). Prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def step(self, number, total, text):
        self.stdout.write(f"[{number}/{total}] {text}")

    def handle(self, *args, password, **options):
        total = 5
        with quiet_build(), transaction.atomic():
            self.step(1, total, "Site tree and city settings")
            home = self.build_site()
            self.step(2, total, "Topics and districts")
            self.build_taxonomy()
            self.step(3, total, "Users, one per role")
            users = self.build_users(password)
            self.step(4, total, "Feature apps' demo data")
            for builder in demo_builders:
                builder(stdout=self.stdout, home=home, users=users)
        self.step(5, total, "Done")
        self.print_logins(password)

    def build_site(self):
        root = Page.get_first_root_node()
        home = HomePage.objects.first()
        if home is None:
            # Wagtail's placeholder page is replaced by the city home page.
            for page in root.get_children():
                if page.specific_class is Page:
                    Site.objects.filter(root_page=page).delete()
                    page.delete()
            home = HomePage(
                title="Welcome to Riverton",
                title_fr="Bienvenue à Riverton",
                title_es="Bienvenidos a Riverton",
                title_ar="مرحبا بكم في ريفرتون",
                slug="home",
                intro="<p>Propose ideas, answer consultations, vote on the budget and see what "
                "the city did with your input.</p>",
                intro_fr="<p>Proposez des idées, répondez aux consultations, votez le budget et "
                "voyez ce que la ville a fait de vos contributions.</p>",
                intro_es="<p>Propón ideas, responde consultas, vota el presupuesto y mira qué "
                "hizo la ciudad con tus aportaciones.</p>",
                intro_ar="<p>اقترح أفكارا، وشارك في الاستشارات، وصوّت على الميزانية، وتابع ما "
                "فعلته المدينة بمساهماتك.</p>",
            )
            root.add_child(instance=home)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="Riverton",
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.site_name = "Riverton"
            site.save()
        city = CitySettings.for_site(site)
        city.city_name = "Riverton"
        city.tagline = "Your city, your say"
        city.holidays_country = "BE"
        city.save()
        if not ContentPage.objects.filter(slug="about").exists():
            home.add_child(
                instance=ContentPage(
                    title="About this platform",
                    slug="about",
                    body="<p>Riverton uses Civitas to hear residents and answer every input.</p>",
                )
            )
        return home

    def build_taxonomy(self):
        for name, slug in TOPICS:
            Topic.objects.get_or_create(slug=slug, defaults={"name": name})
        for name, slug in DISTRICTS:
            District.objects.get_or_create(slug=slug, defaults={"name": name})

    def build_users(self, password):
        users = {}
        admin = None
        for email, name, role in DEMO_USERS:
            user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
            user.set_password(password)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            terms_accept(user=user, version=settings.CIVITAS_TERMS_VERSION)
            if role in (Role.ADMINISTRATOR, Role.EDITOR, Role.MODERATOR, Role.TASKFORCE):
                role_assign(user=user, role=role, by=admin)
            if role == Role.ADMINISTRATOR:
                admin = user
            users[role.value] = user
        return users

    def print_logins(self, password):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: %s)" % password))
        for email, _name, role in DEMO_USERS:
            note = ""
            if role in SCOPED_ROLES:
                scopes = [
                    assignment.scope_label()
                    for assignment in RoleAssignment.objects.filter(
                        user__email=email, role=role
                    ).select_related("scope_type")
                ]
                note = "  (%s)" % ", ".join(scopes) if scopes else "  (no scope assigned yet)"
            self.stdout.write(f"  {role.label:<18} {email}{note}")
        # Further people in scoped roles that the feature apps' demo data made (one member per
        # department): same password, one line per login with its scopes.
        known = {email for email, _name, _role in DEMO_USERS}
        extra: dict = {}
        for assignment in (
            RoleAssignment.objects.filter(
                role__in=SCOPED_ROLES, user__email__endswith="@demo.civitas"
            )
            .exclude(user__email__in=known)
            .select_related("user", "scope_type")
            .order_by("role", "user__email", "pk")
        ):
            key = (Role(assignment.role).label, assignment.user.email)
            extra.setdefault(key, []).append(assignment.scope_label())
        for (label, email), scopes in extra.items():
            self.stdout.write(f"  {label:<18} {email}  ({', '.join(scopes)})")
        self.stdout.write("  Admin: /admin/   Site: /   API docs: /api/v1/docs")
