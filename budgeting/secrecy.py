"""Keyed hashes that keep voters, codes and receipts apart from what they identify.

Every hash that could identify a person is an HMAC with the server's secret
(`BUDGETING_SECRET`, else `SECRET_KEY`), with a different salt per purpose: a copy of the
database alone neither reveals identifiers nor joins the voter roll to ballots.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.utils.crypto import salted_hmac


def _secret() -> str:
    return getattr(settings, "BUDGETING_SECRET", "") or settings.SECRET_KEY


def keyed(purpose: str, value: str) -> str:
    """Hex HMAC-SHA256 of `value` for `purpose` ("voter", "ballot", "code", "resident")."""
    return salted_hmac(
        f"civitas.budgeting.{purpose}", value, secret=_secret(), algorithm="sha256"
    ).hexdigest()


def normalise_identifier(value: str) -> str:
    """Identifiers and codes compare without case, spaces or dashes (as people type them)."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def voter_key(round_id: int, identity: str) -> str:
    """The voter roll's key for one identity ("user:12", "code:<hash>", "resident:<hash>")."""
    return keyed("voter", f"{round_id}:{identity}")


def voter_tag(round_id: int, identity: str) -> str:
    """The ballot's replacement tag: a different keyed hash, so the two tables do not join."""
    return keyed("ballot", f"{round_id}:{identity}")


def code_hash(code: str) -> str:
    return keyed("code", normalise_identifier(code))


def resident_hash(identifier: str) -> str:
    return keyed("resident", normalise_identifier(identifier))


def receipt_hash(receipt: str) -> str:
    """Public hash of a receipt: plain SHA-256, so anyone can check the published list."""
    return hashlib.sha256(normalise_identifier(receipt).encode()).hexdigest()
