"""Uploaded photos: only real images, re-encoded so no metadata (GPS, camera) is kept."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2400
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_photo(upload) -> ContentFile:
    """A metadata-free copy of an uploaded photo (at most MAX_SIDE pixels wide or high), or
    ValidationError for anything that is not a JPEG, PNG or WebP image."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("A photo may be at most 8 MB."), code="photo_size")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            source_format = image.format
            if source_format not in FORMATS:
                raise ValidationError(_("Photos must be JPEG, PNG or WebP."), code="photo_type")
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("This photo is too large."), code="photo_size")
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            extension = FORMATS[source_format]
            out = io.BytesIO()
            if extension == "png":
                image.save(out, "PNG", optimize=True)
            elif extension == "webp":
                image.save(out, "WEBP", quality=85)
            else:
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("This file is not a photo we can read."), code="photo") from exc
    copy = ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
    copy.width, copy.height = image.width, image.height
    return copy
