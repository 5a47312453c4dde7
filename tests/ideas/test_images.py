"""An optional image on an idea: cleaned, shown with a text alternative, removable, private."""

import io
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from civitas.accounts.services import account_delete
from ideas import services
from ideas.models import Idea, IdeaRedaction
from ideas.selectors import personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(name="photo.png", comment="Taken at 12 Elm Street") -> SimpleUploadedFile:
    info = PngInfo()
    info.add_text("Comment", comment)
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(out, "PNG", pnginfo=info)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def proposal(**changes):
    return {
        "title": "Benches by the river",
        "body": "Somewhere to rest.",
        "submission_key": str(uuid.uuid4()),
        "confirmed": "1",
        **changes,
    }


def test_the_check_step_offers_the_image(client, challenge, resident):
    client.force_login(resident)
    data = proposal()
    del data["confirmed"]
    html = client.post(f"{challenge.url}new/", data).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="image"' in html and 'name="image_alt"' in html


def test_an_image_is_saved_without_its_metadata_and_shown_with_its_description(
    client, challenge, resident
):
    client.force_login(resident)
    response = client.post(
        f"{challenge.url}new/", proposal(image=png(), image_alt="The <old> bench")
    )
    assert response.status_code == 302
    idea = Idea.objects.get()
    with default_storage.open(idea.image.name) as stored, Image.open(stored) as image:
        assert image.size == (40, 20)
        assert "Comment" not in image.info
    html = client.get(response["Location"]).content.decode()
    assert f'src="{idea.image.url}" alt="The &lt;old&gt; bench"' in html


def test_without_a_description_the_title_is_the_alternative(client, make_idea, challenge):
    idea = make_idea(challenge)
    services.idea_edit(idea=idea, by=idea.author, data={"image": png()})
    html = client.get(f"{challenge.url}{idea.pk}/").content.decode()
    assert 'alt="More benches by the river"' in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.png", b"not an image", content_type="image/png"), "not a photo"),
        (SimpleUploadedFile("x.gif", b"GIF89a" + b"\0" * 30, content_type="image/gif"), "photo"),
    ],
    ids=["not-an-image", "gif"],
)
def test_a_bad_file_is_refused_with_400_and_the_text_kept(
    client, challenge, resident, upload, message
):
    client.force_login(resident)
    response = client.post(f"{challenge.url}new/", proposal(image=upload))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "There is a problem" in html
    assert 'value="Benches by the river"' in html  # carried in the check step's form
    assert Idea.objects.count() == 0


def test_the_author_replaces_and_removes_the_image_and_old_files_go(
    client, make_idea, challenge, author, django_capture_on_commit_callbacks
):
    idea = make_idea(challenge)
    services.idea_edit(idea=idea, by=author, data={"image": png()})
    first = Idea.objects.get(pk=idea.pk).image.name
    client.force_login(author)
    url = f"{challenge.url}{idea.pk}/edit/"
    data = {"title": idea.title, "body": idea.body}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "image": png("second.png")})
    second = Idea.objects.get(pk=idea.pk).image.name
    assert second != first and not default_storage.exists(first)
    assert 'name="image_remove"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "image_remove": "on"})
    assert not Idea.objects.get(pk=idea.pk).image
    assert not default_storage.exists(second)


def test_a_moderator_removes_an_image_with_a_reason_kept_for_staff(
    client, make_idea, challenge, role_user, resident
):
    idea = make_idea(challenge)
    services.idea_edit(idea=idea, by=idea.author, data={"image": png(), "image_alt": "Faces"})
    url = f"{challenge.url}{idea.pk}/image/remove/"
    client.force_login(resident)
    assert client.post(url, {"reason": "Mine"}).status_code == 403
    client.force_login(role_user("moderator"))
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Shows faces"}).status_code == 302
    idea.refresh_from_db()
    assert not idea.image and idea.image_alt == ""
    assert IdeaRedaction.objects.get(idea=idea).reason == "Shows faces"


def test_the_author_removes_the_image_in_any_phase(client, make_process, make_idea, author):
    reviewing = make_process("review")
    idea = make_idea(reviewing)
    Idea.objects.filter(pk=idea.pk).update(image="ideas/old.png")
    client.force_login(author)
    response = client.post(f"{reviewing.url}{idea.pk}/image/remove/")
    assert response.status_code == 302
    assert not Idea.objects.get(pk=idea.pk).image


def test_images_are_in_the_personal_data_and_go_with_the_account(
    make_idea, challenge, author, django_capture_on_commit_callbacks
):
    idea = make_idea(challenge)
    services.idea_edit(idea=idea, by=author, data={"image": png(), "image_alt": "Our street"})
    name = Idea.objects.get(pk=idea.pk).image.name
    exported = personal_data(author)[0]
    assert exported["image"].endswith(name) and exported["image_description"] == "Our street"
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=author)
    idea.refresh_from_db()
    assert not idea.image and idea.image_alt == ""
    assert not default_storage.exists(name)
    assert Idea.objects.filter(pk=idea.pk).exists()  # the idea stays, anonymised
