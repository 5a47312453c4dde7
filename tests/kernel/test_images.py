"""The kernel's photo cleaner: real images only, no metadata kept, size bounded."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civitas.core import images
from civitas.core.images import clean_photo


def _jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 13.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_metadata_is_removed_and_size_kept():
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif()
    cleaned = clean_photo(SimpleUploadedFile("p.jpg", raw, content_type="image/jpeg"))
    reopened = Image.open(io.BytesIO(cleaned.read()))
    assert not reopened.getexif()
    assert (cleaned.width, cleaned.height) == (64, 48)
    assert cleaned.name.endswith(".jpg") and "p.jpg" not in cleaned.name


def test_large_photo_is_scaled_down():
    out = io.BytesIO()
    Image.new("RGB", (images.MAX_SIDE * 2, 100), "blue").save(out, "PNG")
    cleaned = clean_photo(SimpleUploadedFile("wide.png", out.getvalue()))
    assert cleaned.width == images.MAX_SIDE and cleaned.name.endswith(".png")


@pytest.mark.parametrize(
    "content",
    [b"not an image at all", b"GIF89a" + b"\0" * 20, b"<svg xmlns='http://www.w3.org/2000/svg'/>"],
)
def test_non_photos_are_refused(content):
    with pytest.raises(ValidationError):
        clean_photo(SimpleUploadedFile("x.jpg", content))


def test_gif_is_refused_with_type_message():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    with pytest.raises(ValidationError) as caught:
        clean_photo(SimpleUploadedFile("x.gif", out.getvalue()))
    assert caught.value.code == "photo_type"


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 10)
    with pytest.raises(ValidationError) as caught:
        clean_photo(SimpleUploadedFile("p.jpg", _jpeg_with_gps()))
    assert caught.value.code == "photo_size"
