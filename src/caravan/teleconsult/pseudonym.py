"""Patient identifiers as keyed hashes: the same local id gives the same key, and nobody can reverse it."""

import hashlib
import hmac

from django.conf import settings


def _key() -> bytes:
    # A key derived for this purpose only, so the hash never doubles as a session or signing secret.
    return hashlib.sha256(b"caravan.teleconsult.patient:" + settings.SECRET_KEY.encode()).digest()


def patient_key(local_id: str) -> str:
    return hmac.new(_key(), local_id.strip().encode(), hashlib.sha256).hexdigest()


def case_uid_key(case_id: int) -> bytes:
    """The key that replaces a case's DICOM UIDs: the same for every image of the case, different per case."""
    base = hashlib.sha256(b"caravan.teleconsult.dicom-uid:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(base, str(case_id).encode(), hashlib.sha256).digest()
