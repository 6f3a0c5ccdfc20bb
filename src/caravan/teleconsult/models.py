"""Teleconsultation cases: who asks, who answers, by when, and what was answered.

Patient identity never enters these tables: a case holds age, sex and a keyed
hash of the requesting hospital's local identifier (see pseudonym.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_TARGET_MINUTES = {"emergency": 15, "urgent": 4 * 60, "routine": 48 * 60}


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ASSIGNED = "assigned", _("Assigned")
    IN_REVIEW = "in_review", _("In review")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned for more information")


OPEN_STATUSES = (Status.SUBMITTED, Status.ASSIGNED, Status.IN_REVIEW, Status.RETURNED)


class ResponseTargets(models.Model):
    """The response times an agreement promises; without a row the defaults (15 min, 4 h, 48 h) hold."""

    agreement = models.OneToOneField("partnerships.Agreement", on_delete=models.CASCADE,
                                     related_name="response_targets")
    emergency_minutes = models.PositiveIntegerField(_("emergency (minutes)"), default=15)
    urgent_minutes = models.PositiveIntegerField(_("urgent (minutes)"), default=4 * 60)
    routine_minutes = models.PositiveIntegerField(_("routine (minutes)"), default=48 * 60)
    identified_images = models.BooleanField(
        _("identified images allowed"), default=False,
        help_text=_("Keep patient names and identifiers in DICOM images instead of removing them."),
    )

    def __str__(self) -> str:
        return str(self.agreement_id)

    def minutes(self, urgency: str) -> int:
        return getattr(self, f"{urgency}_minutes")


class ConsultantProfile(models.Model):
    """What a consultant reads and whether they take cases now; routing reads it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultant_profile")
    specialties = models.ManyToManyField("registry.Specialty", verbose_name=_("specialties"), blank=True)
    available = models.BooleanField(_("taking cases"), default=True)

    def __str__(self) -> str:
        return str(self.user_id)


class Case(models.Model):
    agreement = models.ForeignKey("partnerships.Agreement", verbose_name=_("agreement"), on_delete=models.PROTECT,
                                  related_name="teleconsult_cases")
    facility = models.ForeignKey("registry.Facility", verbose_name=_("requesting facility"),
                                 on_delete=models.PROTECT, related_name="teleconsult_cases")
    # Copied from the facility so that scoping a case to the requesting side is one indexed prefix match.
    requesting_path = models.CharField(max_length=255, db_index=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient_age = models.PositiveSmallIntegerField(_("patient's age"))
    patient_sex = models.CharField(_("patient's sex"), max_length=8,
                                   choices=[("female", _("Female")), ("male", _("Male")), ("other", _("Other"))])
    patient_key = models.CharField(max_length=64, editable=False, db_index=True)
    question = models.TextField(_("clinical question"))
    specialty = models.ForeignKey("registry.Specialty", verbose_name=_("specialty"), on_delete=models.PROTECT,
                                  related_name="+")
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    due_at = models.DateTimeField(_("answer due"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="teleconsult_assigned")
    escalations = models.PositiveSmallIntegerField(default=0)
    # Whole-day shift applied to every DICOM date of this case's images (de-identification).
    date_shift_days = models.SmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("teleconsultation case")
        verbose_name_plural = _("teleconsultation cases")
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_at"]),
            models.Index(fields=["agreement", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"TC-{self.pk}"

    @property
    def reference(self) -> str:
        return f"TC-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def answer_time(self) -> timedelta | None:
        return self.answered_at - self.created_at if self.answered_at else None


class Attachment(models.Model):
    class Kind(models.TextChoices):
        ECG = "ecg", _("ECG")
        IMAGE = "image", _("DICOM image")
        LIVE = "live", _("Live ECG recording")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=16)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Under MEDIA_ROOT, never the static root; served only through the case's access check.
    original = models.FileField(upload_to="teleconsult/original/%Y/%m/", max_length=255)
    data = models.FileField(upload_to="teleconsult/data/%Y/%m/", max_length=255)
    meta = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """A signed answer; a new version or an addendum never changes an earlier one."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        ADDENDUM = "addendum", _("Addendum")
        MDT = "mdt", _("MDT recommendation")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.REPORT)
    version = models.PositiveSmallIntegerField()
    findings = models.TextField(_("findings"), blank=True)
    impression = models.TextField(_("impression"))
    recommendation = models.TextField(_("recommendation"), blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="teleconsult_report_version_once")]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version}"


class Message(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.author_id}"


class Notice(models.Model):
    """An in-app notice for one user about a case; its words are written when shown, in the reader's language."""

    class Kind(models.TextChoices):
        REPORT_SIGNED = "report_signed", _("Report signed")
        FOLLOW_UP_SCHEDULED = "follow_up", _("Follow-up scheduled")
        ESCALATED = "escalated", _("Response time running out")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The report version or follow-up the notice is about, so the words can name it.
    ref = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.case_id}"


class FollowUp(models.Model):
    """The requester asks to see the case again; a consultant or coordinator gives it a time and a consultant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    scheduled_for = models.DateTimeField(_("date and time"), null=True, blank=True)
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("with"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="teleconsult_follow_ups")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["scheduled_for", "requested_at", "id"]
        indexes = [models.Index(fields=["consultant", "scheduled_for"])]

    def __str__(self) -> str:
        return f"{self.case_id} follow-up {self.pk}"


class MdtSession(models.Model):
    """A remote multidisciplinary meeting under an agreement: who joins from where, and the cases it discusses."""

    agreement = models.ForeignKey("partnerships.Agreement", verbose_name=_("agreement"), on_delete=models.PROTECT,
                                  related_name="mdt_sessions")
    title = models.CharField(_("title"), max_length=200)
    host = models.ForeignKey("registry.Facility", verbose_name=_("host facility"), on_delete=models.PROTECT,
                             related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    # The meeting's own zone: participants in Beijing, Ulaanbaatar and Astana each see their local time too.
    time_zone = models.CharField(_("time zone"), max_length=64)
    facilities = models.ManyToManyField("registry.Facility", verbose_name=_("participating facilities"),
                                        related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("MDT session")
        verbose_name_plural = _("MDT sessions")

    def __str__(self) -> str:
        return self.title


class MdtParticipant(models.Model):
    session = models.ForeignKey(MdtSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(null=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="teleconsult_mdt_participant_once")]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.user_id}"


class MdtItem(models.Model):
    """A case on the agenda; its recommendation is a signed report of the case (kind MDT)."""

    session = models.ForeignKey(MdtSession, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="mdt_items")
    position = models.PositiveSmallIntegerField(default=0)
    decision = models.OneToOneField(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="mdt_item")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "case"], name="teleconsult_mdt_case_once")]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.case_id}"
