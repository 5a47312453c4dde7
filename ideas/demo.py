"""Demo data of the ideas app, built by ``manage.py demo_city`` (idempotent)."""

import io
import random
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from civitas.accounts.models import User
from civitas.accounts.services import terms_accept
from civitas.core.images import clean_photo
from civitas.interactions import services as interactions
from civitas.interactions.models import Support
from civitas.interactions.targets import content_type_of
from civitas.participation.models import District, Phase, Topic

from . import counters, services
from .models import Idea, IdeaChallengePage, IdeasIndexPage

DAY = timezone.timedelta(days=1)

# (title, description, topic slug, district slug, place)
CURRENT_IDEAS = [
    (
        "Protected bike lane on Quay Street",
        "Cars park on the painted lane every morning; a kerb would keep it free.",
        "mobility",
        "riverside",
        "Quay Street",
    ),
    (
        "More benches along the river path",
        "Older people walk the path but have nowhere to rest between the bridges.",
        "green-spaces",
        "riverside",
        "River path",
    ),
    (
        "Solar panels on school roofs",
        "The schools have flat roofs facing south; the savings could fund school trips.",
        "energy",
        "north-hill",
        "",
    ),
    (
        "Repair café in the library",
        "Once a month, volunteers help people fix lamps, bikes and clothes.",
        "waste",
        "old-town",
        "Central library",
    ),
    (
        "Brighter lights in the station underpass",
        "The underpass is dark after 6 pm and people avoid it.",
        "safer-streets",
        "old-town",
        "Station underpass",
    ),
    (
        "Weekly night bus to North Hill",
        "The last bus leaves at 22:30; shift workers walk home in the dark.",
        "mobility",
        "north-hill",
        "",
    ),
    (
        "Community compost at the allotments",
        "Garden waste goes to the landfill; a shared compost bay would keep it local.",
        "waste",
        "north-hill",
        "Hill allotments",
    ),
    (
        "Open-air cinema in summer",
        "Films on the market square on Friday evenings in July and August.",
        "culture",
        "old-town",
        "Market square",
    ),
    (
        "Drinking fountains in the parks",
        "Refill points would cut plastic bottles and help on hot days.",
        "green-spaces",
        "riverside",
        "",
    ),
    (
        "Safe crossing at Elm School",
        "Children cross a busy road without lights; a zebra crossing and a warden please.",
        "safer-streets",
        "north-hill",
        "Elm Road",
    ),
    (
        "Car-free Sundays in the Old Town",
        "Close the centre to cars one Sunday a month for markets and play.",
        "mobility",
        "old-town",
        "",
    ),
    (
        "Heat pumps for social housing",
        "Replace the old gas boilers in the council flats, starting with the worst.",
        "energy",
        "riverside",
        "",
    ),
    (
        "Recycling bins for glass on every street",
        "The nearest glass bin is too far for people without a car.",
        "waste",
        "riverside",
        "",
    ),
    (
        "Murals by local artists on grey walls",
        "The walls along the railway could become a gallery.",
        "culture",
        "riverside",
        "Railway walk",
    ),
    (
        "Trees on Station Avenue",
        "The avenue is all stone and heats up in summer.",
        "green-spaces",
        "old-town",
        "Station Avenue",
    ),
    (
        "Secure bike parking at the station",
        "Bikes are stolen weekly; a guarded shelter would help commuters.",
        "mobility",
        "old-town",
        "Railway station",
    ),
    (
        "Energy advice desk for renters",
        "Free advice on bills and small savings in the town hall once a week.",
        "energy",
        "old-town",
        "Town hall",
    ),
    (
        "Lower speed limit near the market",
        "30 km/h on market days would make shopping safer.",
        "safer-streets",
        "old-town",
        "",
    ),
    (
        "Swap shop for children's clothes",
        "Kids grow fast; a swap corner in each district centre.",
        "waste",
        "north-hill",
        "",
    ),
    (
        "Free museum Sundays",
        "First Sunday of the month free for residents.",
        "culture",
        "old-town",
        "City museum",
    ),
    (
        "Wildflower verges instead of mowing",
        "Mow less and sow native flowers for bees.",
        "green-spaces",
        "north-hill",
        "",
    ),
    (
        "Shared cargo bikes for shops",
        "Small shops could deliver by cargo bike from a shared pool.",
        "mobility",
        "riverside",
        "",
    ),
    (
        "Street lights that dim after midnight",
        "Save energy while keeping paths lit when someone walks by.",
        "energy",
        "north-hill",
        "",
    ),
    (
        "Repair the skate park",
        "The ramps are cracked and dangerous.",
        "safer-streets",
        "riverside",
        "Riverside skate park",
    ),
    (
        "Neighbourhood festival in North Hill",
        "One day a year for the district's clubs and cooks.",
        "culture",
        "north-hill",
        "",
    ),
    (
        "Water refill stations at bus stops",
        "Start with the busiest ten stops.",
        "green-spaces",
        "old-town",
        "",
    ),
    (
        "Deposit scheme for takeaway cups",
        "Cafés share reusable cups with a small deposit.",
        "waste",
        "old-town",
        "",
    ),
    (
        "Bike lessons for adults",
        "Many adults never learned to ride; free lessons on Saturdays.",
        "mobility",
        "north-hill",
        "",
    ),
    (
        "Better lighting on the river path",
        "Solar lights between the two bridges.",
        "safer-streets",
        "riverside",
        "River path",
    ),
    (
        "Choir in the old church",
        "Open rehearsals for anyone who likes to sing.",
        "culture",
        "old-town",
        "St Mary's",
    ),
]

OLD_IDEAS = [
    (
        "Playground by the harbour",
        "green-spaces",
        "riverside",
        "implemented",
        "Built in spring; opened on 1 May.",
    ),
    (
        "Bus lane on Bridge Road",
        "mobility",
        "riverside",
        "in_progress",
        "Works start next quarter after the utility works.",
    ),
    (
        "Free public Wi-Fi in the centre",
        "culture",
        "old-town",
        "not_pursued",
        "Mobile data now covers this; the cost was not justified.",
    ),
    (
        "Separate food waste collection",
        "waste",
        "north-hill",
        "accepted",
        "Accepted for next year's waste contract.",
    ),
    (
        "LED lights in the sports hall",
        "energy",
        "north-hill",
        "implemented",
        "Done; the hall uses 40 % less electricity.",
    ),
]

COMMENTS = [
    "Yes please, I would use this every day.",
    "Good idea, but who pays for the upkeep?",
    "We tried this in my old town and it worked well.",
    "Could this start with a trial of a few months?",
    "I support this, especially for older neighbours.",
]


def _residents(count: int) -> list[User]:
    people = []
    for number in range(1, count + 1):
        email = f"neighbour{number}@demo.civitas"
        user, _created = User.objects.get_or_create(
            email=email, defaults={"display_name": f"Neighbour {number}"}
        )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        terms_accept(user=user, version=settings.CIVITAS_TERMS_VERSION)
        people.append(user)
    return people


def _challenge(home, slug, title, intro, phases) -> tuple[IdeaChallengePage, bool]:
    page = IdeaChallengePage.objects.filter(slug=slug).first()
    if page is not None:
        return page, False
    page = home.add_child(instance=IdeaChallengePage(title=title, slug=slug, intro=intro))
    now = timezone.now()
    for phase_type, start, end in phases:
        Phase.objects.create(
            page=page, phase_type=phase_type, starts_at=now + start * DAY, ends_at=now + end * DAY
        )
    return page, True


def _demo_image() -> dict:
    """A small drawn picture of a bench by the river, cleaned like any upload."""
    out = io.BytesIO()
    picture = Image.new("RGB", (480, 270), "#cfe8f3")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 190, 480, 270), fill="#3b7fa6")  # the river
    draw.rectangle((0, 150, 480, 190), fill="#7fb069")  # the bank
    draw.rectangle((170, 120, 310, 132), fill="#8b5a2b")  # the seat
    for x in (180, 290):
        draw.rectangle((x, 132, x + 10, 160), fill="#5b3a1b")
    picture.save(out, "PNG")
    upload = SimpleUploadedFile("bench.png", out.getvalue(), content_type="image/png")
    return {
        "image": clean_photo(upload),
        "image_alt": "Drawing of a wooden bench on the grass by the river.",
    }


def _demo_point(rng, number: int) -> dict:
    """A point inside the city's bounding box for two ideas in three (the map view's demo)."""
    bounds = getattr(settings, "CIVITAS_MAP_BOUNDS", ())
    if number % 3 == 2 or len(bounds) != 4:
        return {}
    south, west, north, east = bounds
    return {
        "latitude": Decimal(str(round(south + (north - south) * rng.uniform(0.2, 0.8), 6))),
        "longitude": Decimal(str(round(west + (east - west) * rng.uniform(0.2, 0.8), 6))),
    }


def build_demo(*, stdout, home, users) -> None:
    """A challenge in its support phase with 30 ideas, an older one with results, an always-open
    idea box and the city-wide list."""
    stdout.write("  ideas: challenges, ideas, supports, comments and answers")
    rng = random.Random(7)
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    districts = {district.slug: district for district in District.objects.all()}
    people = _residents(12)
    staff = users.get("taskforce") or users.get("administrator")

    current, created = _challenge(
        home,
        "greener-safer-riverton",
        "Greener, safer Riverton",
        "<p>What would make your street greener and safer? Support the ideas you like.</p>",
        [("ideas.submit", -30, -5), ("ideas.support", -5, 25), ("ideas.review", 25, 55)],
    )
    if created:
        now = timezone.now()
        for number, (title, body, topic, district, place) in enumerate(CURRENT_IDEAS):
            author = people[number % len(people)]
            idea = Idea.objects.create(
                process=current,
                author=author,
                title=title,
                body=body,
                topic=topics.get(topic),
                district=districts.get(district),
                location_text=place,
                language="en",
                created_at=now - (29 - number * 0.8) * DAY,
                **_demo_point(rng, number),
                **(_demo_image() if number == 1 else {}),
            )
            supporters = rng.sample(people, rng.randint(0, len(people)))
            for person in supporters:
                if person.pk != author.pk:
                    interactions.support_add(target=idea, user=person)
            for offset in range(rng.randint(0, 3)):
                interactions.comment_post(
                    target=idea,
                    author=people[(number + offset + 1) % len(people)],
                    body=COMMENTS[(number + offset) % len(COMMENTS)],
                )
            if number in (0, 4, 9):
                services.idea_status_set(
                    idea=idea,
                    status="under_review" if number else "accepted",
                    answer="Thank you. The mobility department is looking at this with the "
                    "district council; we will post the outcome here.",
                    by=staff,
                )
            if number % 5 == 0:
                stdout.write(f"    {number + 1}/{len(CURRENT_IDEAS)} ideas")

    old, created = _challenge(
        home,
        "riverton-2025-ideas",
        "Riverton ideas 2025",
        "<p>Last year's call for ideas, with the city's answers.</p>",
        [
            ("ideas.submit", -400, -340),
            ("ideas.support", -340, -310),
            ("ideas.review", -310, -250),
            ("ideas.result", -250, 400),
        ],
    )
    if created:
        support_type = None
        for number, (title, topic, district, status, answer) in enumerate(OLD_IDEAS):
            idea = Idea.objects.create(
                process=old,
                author=people[number],
                title=title,
                body=f"{title}: proposed by residents in 2025.",
                topic=topics.get(topic),
                district=districts.get(district),
                language="en",
                created_at=timezone.now() - (380 - number) * DAY,
            )
            # The support phase is long over, so the demo writes its supports as they were.
            support_type = support_type or content_type_of(idea)
            Support.objects.bulk_create(
                [
                    Support(target_type=support_type, target_id=idea.pk, user=person)
                    for person in people[: 4 + 2 * number]
                ],
                ignore_conflicts=True,
            )
            services.idea_status_set(
                idea=idea, status=status, answer=answer, by=staff, notify_people=False
            )
        # Bulk-created rows send no signals, so the stored counts are taken once at the end.
        counters.recount_all(Idea.objects.filter(process=old))

    _challenge(
        home,
        "idea-box",
        "Riverton idea box",
        "<p>Ideas for the city at any time of the year.</p>",
        [("ideas.submit", -60, 3650)],
    )
    if not IdeasIndexPage.objects.exists():
        home.add_child(
            instance=IdeasIndexPage(
                title="All ideas",
                slug="ideas",
                intro="<p>Every idea from every challenge and the idea box.</p>",
            )
        )
    stdout.write("  ideas: done")
