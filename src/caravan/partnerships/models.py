"""Agreements between organisations, what they commit to, and the visits made under them.

An agreement's fulfilment is never stored here: it is counted from the
activities that cite the agreement (see caravan.core.metrics).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core.metrics import CATALOGUE
from caravan.registry.models import SPOKEN_LANGUAGES


class Agreement(models.Model):
    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        COOPERATION = "cooperation", _("Cooperation agreement")
        SUPPORT = "support", _("Support agreement")
        TWINNING = "twinning", _("Twinning")
        AID_FRAMEWORK = "aid_framework", _("Aid framework")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MOU)
    code = models.CharField(_("reference code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_local = models.CharField(_("title in its own script"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("framework agreement"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="implementing",
    )
    predecessor = models.OneToOneField(
        "self", verbose_name=_("renews"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="successor",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    public = models.BooleanField(
        _("public"), default=False,
        help_text=_("Whether users outside the parties may see this agreement."),
    )
    # Folded code, titles and party names (caravan.core.text.fold) for substring search.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="agreement_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="agreement_termination_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "end"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")
        SUPPORTER = "supporter", _("Supporter")
        RECIPIENT = "recipient", _("Recipient")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="agreement_parties"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PARTNER)
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    signed = models.BooleanField(_("signed"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agreement", "position", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="agreement_party_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.get_role_display()}"


class Scope(models.TextChoices):
    """The fixed list of areas an agreement can cover."""

    PATIENT_REFERRAL = "patient_referral", _("Patient referral")
    TRAINING = "training", _("Training")
    TELECONSULTATION = "teleconsultation", _("Teleconsultation")
    TECHNIQUE_TRANSFER = "technique_transfer", _("Technique transfer")
    STAFF_EXCHANGE = "staff_exchange", _("Staff exchange")
    RESEARCH = "research", _("Research")
    EMERGENCY_RESPONSE = "emergency_response", _("Emergency response")
    DIFFICULT_CASES = "difficult_cases", _("Difficult cases")
    CONTINUING_EDUCATION = "continuing_education", _("Continuing education")


class AgreementScope(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="scopes")
    area = models.CharField(_("scope"), max_length=32, choices=Scope.choices)

    class Meta:
        ordering = ["agreement", "area"]
        constraints = [models.UniqueConstraint(fields=["agreement", "area"], name="agreement_scope_once")]
        indexes = [models.Index(fields=["area", "agreement"])]

    def __str__(self) -> str:
        return self.get_area_display()


class Commitment(models.Model):
    class Period(models.TextChoices):
        YEAR = "year", _("per year")
        MONTH = "month", _("per month")
        TERM = "term", _("whole term")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    # A code of caravan.core.metrics.CATALOGUE; checked by the services, not by choices, so that a
    # new metric in the catalogue needs no migration here.
    metric = models.CharField(_("metric"), max_length=32)
    target = models.DecimalField(
        _("target"), max_digits=10, decimal_places=1, validators=[MinValueValidator(0)]
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices, default=Period.YEAR)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["agreement", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(condition=Q(target__gte=0), name="commitment_target_not_negative"),
            models.UniqueConstraint(fields=["agreement", "metric", "period"], name="commitment_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.target} {self.period}"

    @property
    def metric_info(self):
        return CATALOGUE.get(self.metric)


def document_path(instance, filename: str) -> str:
    # A random name: the original name is kept in the row, never trusted as a path.
    return f"agreements/{instance.agreement_id}/{instance.token}{instance.extension}"


class AgreementDocument(models.Model):
    """A signed text of an agreement in one language (PDF or image)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    language = models.CharField(_("language"), max_length=16)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    original_name = models.CharField(max_length=255, editable=False)
    content_type = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["agreement", "language", "-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name

    @property
    def language_label(self) -> str:
        return str(dict(SPOKEN_LANGUAGES).get(self.language, self.language))


class Notification(models.Model):
    """An in-app notice for one user; its text is written when shown, in the reader's language."""

    class Kind(models.TextChoices):
        EXPIRED = "expired", _("Agreement expired")
        EXPIRING = "expiring", _("Agreement expiring")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "agreement"], name="notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.agreement_id}"


class Visit(models.Model):
    """A delegation's visit: who came, who hosted, where they went and what came of it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=300)
    title_local = models.CharField(_("title in the visitors' language"), max_length=300, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="visits",
        help_text=_("The agreement this visit counts toward."),
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    time_zone = models.CharField(_("local time zone"), max_length=64, default="UTC")
    language = models.CharField(_("visitors' language"), max_length=16, choices=settings.LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="visit_end_after_start"),
        ]
        indexes = [models.Index(fields=["agreement", "status", "start"])]

    def __str__(self) -> str:
        return self.title


class VisitParty(models.Model):
    class Side(models.TextChoices):
        VISITING = "visiting", _("Visiting")
        HOST = "host", _("Host")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="visit_parties"
    )
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)

    class Meta:
        ordering = ["visit", "side", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "organisation"], name="visit_party_once")]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.side}"


class VisitParticipant(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    side = models.CharField(_("side"), max_length=16, choices=VisitParty.Side.choices, default=VisitParty.Side.VISITING)

    class Meta:
        ordering = ["visit", "side", "id"]

    def __str__(self) -> str:
        return self.name


class VisitStop(models.Model):
    """One stop of the itinerary; its time is stored in UTC and shown in the visit's local time zone."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="stops")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("facility"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    host_person = models.CharField(_("host"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    topic_local = models.CharField(_("topic in the visitors' language"), max_length=300, blank=True)

    class Meta:
        ordering = ["visit", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")), name="visit_stop_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.topic


class VisitOutcome(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
        AGREEMENT_RENEWED = "agreement_renewed", _("Agreement renewed")
        PLAN_AGREED = "plan_agreed", _("Plan agreed")
        OTHER = "other", _("Other")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()
