"""Signed texts of agreements: PDF or image files, checked from their bytes, stored outside static files.

Each write checks permission first, refuses a bad file with its own message,
and leaves an audit event on the agreement.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.registry.models import SPOKEN_LANGUAGE_CODES

from . import uploads
from .models import Agreement, AgreementDocument
from .services import Errors, lead_organisation, require_editor


def max_document_bytes() -> int:
    return int(getattr(settings, "CARAVAN_AGREEMENT_DOCUMENT_MAX_BYTES", settings.CARAVAN_MAX_UPLOAD_BYTES))


def _digest(upload) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def document_add(*, by, agreement: Agreement, upload, language: str, title: str = "") -> AgreementDocument:
    """Attach a signed text in one language: a PDF or an image, told from its bytes, within the size limit.

    The file is stored under MEDIA_ROOT with a random name and served only to
    those who may see the agreement. When the row cannot be saved, the file is
    removed again.
    """
    require_editor(by, agreement)
    errors = Errors()
    if language not in SPOKEN_LANGUAGE_CODES:
        errors.add("language", _("Choose the language of the text from the list."))
    kind = None
    if upload is None:
        errors.add("file", _("Choose the file to upload."))
    elif upload.size > max_document_bytes():
        errors.add("file", _("The file is larger than %(limit)s MB.") % {"limit": max_document_bytes() // (1024 * 1024)})
    elif upload.size == 0:
        errors.add("file", _("The file is empty."))
    else:
        upload.seek(0)
        kind = uploads.sniff(upload.read(uploads.HEAD))
        upload.seek(0)
        if kind is None:
            errors.add("file", _("Upload the signed text as a PDF or an image (PNG, JPEG or WebP)."))
    errors.raise_if_any()
    document = AgreementDocument(
        agreement=agreement, language=language, title=(title or "").strip()[:200], token=secrets.token_hex(16),
        extension=kind.extension, original_name=(getattr(upload, "name", "") or "document")[-255:],
        content_type=kind.content_type, size=upload.size, sha256=_digest(upload), uploaded_by=by,
    )
    document.file.save(document.token + kind.extension, upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            audit.record(actor=by, action=audit.Action.UPDATE, obj=agreement,
                         organisation=lead_organisation(agreement),
                         changes={"documents": [None, {"language": language, "name": document.original_name,
                                                       "sha256": document.sha256}]})
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def document_remove(*, by, document: AgreementDocument) -> None:
    """Remove a document and its file."""
    agreement = document.agreement
    require_editor(by, agreement)
    with transaction.atomic():
        audit.record(actor=by, action=audit.Action.UPDATE, obj=agreement, organisation=lead_organisation(agreement),
                     changes={"documents": [{"language": document.language, "name": document.original_name,
                                             "sha256": document.sha256}, None]})
        AgreementDocument.objects.filter(pk=document.pk).delete()
        transaction.on_commit(lambda: document.file.delete(save=False))
