"""Photos of proposals and implementation news: stored through the services, only once the
kernel's cleaner made a metadata-free copy; anything else is refused and nothing is stored."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.images import get_image_model

from budgeting import services
from budgeting.models import ImplementationUpdate, Proposal
from civitas.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_gps(name="site.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (80, 60), (30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (52.0, 13.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def stored_exif(image) -> dict:
    with image.file.open("rb") as handle:
        return dict(Image.open(handle).getexif())


def proposal_data(**extra):
    return {"title": "Shade trees", "description": "On the square", "estimated_cost": 9000, **extra}


def test_proposal_photo_is_stored_without_metadata(make_round_page, author):
    round_page = make_round_page("propose")
    upload = jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif()
    proposal, created = services.proposal_submit(
        round=round_page, author=author, data=proposal_data(), photo=upload
    )
    assert created and proposal.image is not None
    proposal.refresh_from_db()
    assert proposal.image.width == 80 and proposal.image.height == 60
    assert stored_exif(proposal.image) == {}
    assert proposal.image.uploaded_by_user == author


def test_a_file_that_is_not_a_photo_stores_nothing(make_round_page, author):
    round_page = make_round_page("propose")
    fake = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(DomainError) as caught:
        services.proposal_submit(round=round_page, author=author, data=proposal_data(), photo=fake)
    assert caught.value.code == "image"
    assert not Proposal.objects.exists()
    assert not get_image_model().objects.exists()


def test_a_repeated_submission_stores_one_photo(make_round_page, author):
    round_page = make_round_page("propose")
    key = "6c1f4c36-3f5e-4c1e-9a53-8c7a1f0b6a11"
    for _ in range(2):
        services.proposal_submit(
            round=round_page,
            author=author,
            data=proposal_data(),
            submission_key=key,
            photo=jpeg_with_gps(),
        )
    assert Proposal.objects.count() == 1
    assert get_image_model().objects.count() == 1


def test_the_proposal_form_goes_through_the_service(client, make_round_page, resident):
    round_page = make_round_page("propose")
    client.force_login(resident)
    response = client.post(
        f"{round_page.url}propose/",
        {**proposal_data(), "image": jpeg_with_gps(), "submission_key": uuid.uuid4()},
    )
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get()
    assert stored_exif(proposal.image) == {}
    bad = SimpleUploadedFile("notes.png", b"not a picture", content_type="image/png")
    response = client.post(
        f"{round_page.url}propose/",
        {**proposal_data(), "image": bad, "submission_key": uuid.uuid4()},
    )
    assert response.status_code == 400
    assert Proposal.objects.count() == 1


def test_implementation_photo_is_stored_without_metadata(round_page, make_proposal, author):
    funded = make_proposal(round_page, funded=True)
    proposal, update = services.implementation_update(
        proposal=funded, by=author, text="Planted", photo=jpeg_with_gps()
    )
    assert update.image is not None and stored_exif(update.image) == {}
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    with pytest.raises(DomainError) as caught:
        services.implementation_update(
            proposal=funded,
            by=author,
            text="More",
            photo=SimpleUploadedFile("a.gif", gif.getvalue(), content_type="image/gif"),
        )
    assert caught.value.code == "image"
    assert ImplementationUpdate.objects.count() == 1
