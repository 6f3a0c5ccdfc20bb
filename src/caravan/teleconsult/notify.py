"""Closing the loop: the requester hears that the answer is there, in the app and by e-mail, in their language.

A notice row holds only who, which case, what kind and which version; its words
are written when it is shown (or mailed), in the reader's language, so a change
of language or a new translation reaches old notices too.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from caravan.core.selectors import language_of

from .models import Notice


def words(notice: Notice) -> tuple[str, str]:
    """(subject, body) of a notice in the active language."""
    values = {"case": f"TC-{notice.case_id}", "version": notice.ref}
    if notice.kind == Notice.Kind.REPORT_SIGNED:
        return (_("%(case)s: the consultant's report is signed") % values,
                _("Report version %(version)s of case %(case)s is signed. Read it and confirm that you have "
                  "received it.") % values)
    if notice.kind == Notice.Kind.ESCALATED:
        return (_("%(case)s: the response time is running out") % values,
                _("Case %(case)s is not answered yet and its response-time target is close or has passed. "
                  "Answer it, or hand it to a consultant who can.") % values)
    return (_("%(case)s: a follow-up is scheduled") % values,
            _("A follow-up of case %(case)s has a date and a consultant; see the case.") % values)


def tell(user, *, case, kind: str, ref: int = 0) -> Notice:
    """One notice for `user`, and an e-mail once the transaction commits (if the user has an address)."""
    notice = Notice.objects.create(recipient=user, case=case, kind=kind, ref=ref)
    if user.email:
        with translation.override(language_of(user)):
            subject, body = words(notice)
        url = reverse("teleconsult:case_detail", args=[case.pk])
        # No patient data in the mail: only the reference and where to read the answer.
        transaction.on_commit(lambda: send_mail(subject, f"{body}\n\n{url}\n", settings.DEFAULT_FROM_EMAIL,
                                                [user.email], fail_silently=True))
    return notice
