"""Cross-border patient referrals: the referral, its stages, documents, offers, capacity and follow-ups."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.registry.models import SPOKEN_LANGUAGES

from . import stages as S


class Status(models.TextChoices):
    RECEIVED = S.RECEIVED, _("Received")
    PRE_ASSESSMENT = S.PRE_ASSESSMENT, _("Pre-assessment")
    OFFERS = S.OFFERS, _("Offers")
    ACCEPTED = S.ACCEPTED, _("Offer accepted")
    LETTER_ISSUED = S.LETTER_ISSUED, _("Letter issued")
    ARRIVED = S.ARRIVED, _("Arrived")
    ADMITTED = S.ADMITTED, _("Admitted")
    DISCHARGED = S.DISCHARGED, _("Discharged")
    FOLLOW_UP = S.FOLLOW_UP, _("Follow-up")
    CLOSED = S.CLOSED, _("Closed")
    DECLINED = S.DECLINED, _("Declined")
    WITHDRAWN = S.WITHDRAWN, _("Withdrawn")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon (within a month)")
    URGENT = "urgent", _("Urgent (within a week)")


class Outcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered")
    IMPROVED = "improved", _("Improved")
    UNCHANGED = "unchanged", _("Unchanged")
    WORSE = "worse", _("Worse")
    DIED = "died", _("Died")
    LOST = "lost", _("Lost to follow-up")


# The languages an invitation letter can be printed in (a template each).
LETTER_LANGUAGES = [("en", _("English")), ("fa", _("Persian")), ("ar", _("Arabic")), ("ru", _("Russian")),
                    ("zh", _("Chinese"))]


class Referral(models.Model):
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    agreement = models.ForeignKey("partnerships.Agreement", verbose_name=_("agreement"), on_delete=models.PROTECT,
                                  related_name="referrals")
    # The partner sending the patient (a hospital, a ministry or a licensed facilitator agency).
    referring_organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("referring partner"), on_delete=models.PROTECT, related_name="+"
    )
    # The receiving side's international office: the agreement's lead party.
    receiving_organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("receiving side"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("receiving hospital"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    patient_name = models.CharField(_("patient's name in their own script"), max_length=200)
    patient_name_latin = models.CharField(_("patient's name in Latin letters"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    nationality = models.CharField(_("nationality"), max_length=2, db_index=True)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    diagnosis = models.TextField(_("diagnosis"))
    icd10 = models.CharField(_("ICD-10 code"), max_length=10)
    specialty = models.ForeignKey("registry.Specialty", verbose_name=_("specialty needed"), on_delete=models.PROTECT,
                                  related_name="+")
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    language = models.CharField(_("preferred language"), max_length=8, choices=SPOKEN_LANGUAGES)
    referring_doctor = models.CharField(_("referring doctor"), max_length=200)
    referring_doctor_email = models.EmailField(_("referring doctor's e-mail"), blank=True)
    pre_assessment = models.TextField(_("pre-assessment"), blank=True)
    # The teleconsultation case opened for the pre-assessment. A plain id, not a foreign key: the teleconsultation
    # module is optional, and referrals must migrate and run without it.
    teleconsult_case_id = models.PositiveIntegerField(_("teleconsultation case"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    stage_since = models.DateTimeField(_("in this stage since"), default=timezone.now)
    stop_reason = models.TextField(_("reason"), blank=True)
    received_on = models.DateField(_("received on"), default=timezone.localdate, db_index=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # Kept with the dates they derive from, so that the monthly figures group on plain columns.
    received_month = models.DateField(editable=False, null=True)
    accepted_month = models.DateField(editable=False, null=True)
    days_to_admission = models.PositiveIntegerField(editable=False, null=True)
    letter_reference = models.CharField(_("letter reference"), max_length=20, null=True, blank=True, unique=True)
    letter_language = models.CharField(_("letter language"), max_length=4, choices=LETTER_LANGUAGES, blank=True)
    letter_issued_on = models.DateField(_("letter issued on"), null=True, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    procedures = models.TextField(_("procedures"), blank=True)
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    discharge_summary = models.TextField(_("discharge summary"), blank=True)
    summary_sent_at = models.DateTimeField(_("summary sent at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # The board's "longest in this stage first": with the id, PostgreSQL reads the order straight off the
            # index and stops after the first few rows (SQLite's indexes end with the row id already).
            models.Index(fields=["status", "stage_since", "id"], name="referral_stage_order_idx"),
            # Covers the board's count per stage with everything the visibility rule reads: the count no longer
            # visits the table for each of the ~15,000 open referrals (50 ms of the board's 60 ms of SQL on SQLite).
            models.Index(fields=["status", "erased_at", "receiving_organisation", "referring_organisation",
                                 "receiving_facility", "id"], name="referral_board_count_idx"),
            models.Index(fields=["receiving_organisation", "status"], name="referral_receiver_idx"),
            models.Index(fields=["receiving_facility", "specialty", "accepted_on"], name="referral_capacity_idx"),
            # Cover the monthly figures: each of their grouped scans is one range of months read from the index
            # alone, never the table. The month leads because the scope ("received or sent by my organisations")
            # is an OR that no index can seek on; the organisations follow so that it is checked in the index.
            models.Index(fields=["received_month", "receiving_organisation", "referring_organisation", "nationality",
                                 "specialty", "receiving_facility", "outcome", "days_to_admission"],
                         name="referral_figures_cover_idx"),
            models.Index(fields=["specialty", "accepted_month"], name="referral_used_idx"),
            models.Index(fields=["accepted_month", "receiving_organisation", "referring_organisation",
                                 "receiving_facility"], name="referral_placed_cover_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "withdrawn"]) | ~Q(stop_reason=""),
                name="referral_stop_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Set the month and wait columns from the dates (bulk loads call this before bulk_create)."""
        self.received_month = self.received_on.replace(day=1) if self.received_on else None
        self.accepted_month = self.accepted_on.replace(day=1) if self.accepted_on else None
        self.days_to_admission = ((self.admitted_on - self.received_on).days
                                  if self.admitted_on and self.received_on else None)


class StageChange(models.Model):
    """One move of a referral into a stage: the history behind time-in-stage."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="stage_changes")
    status = models.CharField(max_length=16, choices=Status.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["referral", "at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} → {self.status}"


def document_path(instance, filename: str) -> str:
    # A random name under MEDIA_ROOT: the patient's file name is kept in the row, never used as a path.
    return f"referrals/{instance.referral_id}/{instance.token}{instance.extension}"


class ReferralDocument(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    original_name = models.CharField(max_length=255, editable=False)
    content_type = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["referral", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Offer(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        SUPERSEDED = "superseded", _("Not chosen")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="offers")
    facility = models.ForeignKey("registry.Facility", verbose_name=_("hospital"), on_delete=models.PROTECT,
                                 related_name="+")
    treatment_plan = models.TextField(_("treatment plan"))
    expected_stay_days = models.PositiveIntegerField(_("expected stay (days)"))
    cost_estimate = models.DecimalField(_("cost estimate"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referral", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost_estimate__gte=0), name="offer_cost_not_negative"),
            models.UniqueConstraint(fields=["referral", "facility"], name="offer_once_per_hospital"),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} · {self.facility_id}"


class Capacity(models.Model):
    """How many foreign patients a ready hospital takes a month in a specialty, and how it serves them."""

    facility = models.ForeignKey("registry.Facility", verbose_name=_("hospital"), on_delete=models.CASCADE,
                                 related_name="+")
    specialty = models.ForeignKey("registry.Specialty", verbose_name=_("specialty"), on_delete=models.PROTECT,
                                  related_name="+")
    monthly = models.PositiveIntegerField(_("patients a month"))
    interpreters = models.JSONField(_("interpreters for"), default=list, blank=True)
    accreditation = models.CharField(_("accreditation"), max_length=100, blank=True)

    class Meta:
        ordering = ["facility", "specialty"]
        constraints = [models.UniqueConstraint(fields=["facility", "specialty"], name="capacity_once")]
        verbose_name = _("monthly capacity")
        verbose_name_plural = _("monthly capacities")

    def __str__(self) -> str:
        return f"{self.facility_id} · {self.specialty_id}: {self.monthly}"


class FollowUp(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    day_offset = models.PositiveSmallIntegerField(_("days after discharge"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["referral", "due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["referral", "day_offset"], name="follow_up_once")]

    def __str__(self) -> str:
        return f"{self.referral_id} +{self.day_offset}"
