"""Patient identifiers as keyed hashes: the same local id gives the same key, and nobody can reverse it."""

import hashlib
import hmac

from django.conf import settings


def _key() -> bytes:
    # A key derived for this purpose only, so the hash never doubles as a session or signing secret.
    return hashlib.sha256(b"caravan.teleconsult.patient:" + settings.SECRET_KEY.encode()).digest()


def patient_key(local_id: str) -> str:
    return hmac.new(_key(), local_id.strip().encode(), hashlib.sha256).hexdigest()
