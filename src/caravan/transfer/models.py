"""Technique transfer: the capability ledger, the case log, transfer plans, centres and studios.

The ledger (`Capability` and its `CapabilityEvent`s) says which facility can do
which technique, since when and on what evidence. Beyond the two statuses a
coordinator sets by hand (planned, training) it is derived from the case log by
the rules in `rules.py`, so the same log always gives the same ledger.
No row here identifies a patient.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CapabilityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    TRAINING = "training", _("Training")
    SUPERVISED = "supervised", _("Supervised")
    INDEPENDENT = "independent", _("Independent")
    LAPSED = "lapsed", _("Lapsed")


class Performer(models.TextChoices):
    LOCAL = "local", _("Local staff")
    VISITING = "visiting", _("Visiting expert")


class Supervision(models.TextChoices):
    """How the facility's own staff took part in a case."""

    OBSERVED = "observed", _("Observed")
    ASSISTED = "assisted", _("Assisted")
    SUPERVISED = "supervised", _("Supervised")
    INDEPENDENT = "independent", _("Independent")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    COMPLICATION = "complication", _("Complication")
    DEATH = "death", _("Death")


class Capability(models.Model):
    """One facility's standing in one technique: the current status and the facts reports count on.

    The dates and counters are kept with the row (written by the ledger
    recompute) so that reports aggregate them in SQL without reading the log.
    """

    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="capabilities"
    )
    technique = models.ForeignKey(
        "registry.Technique", verbose_name=_("technique"), on_delete=models.PROTECT, related_name="capabilities"
    )
    status = models.CharField(_("status"), max_length=16, choices=CapabilityStatus.choices)
    status_on = models.DateField(_("status since"))
    first_independent_on = models.DateField(_("first independent on"), null=True, blank=True)
    first_case_on = models.DateField(_("first case on"), null=True, blank=True)
    last_case_on = models.DateField(_("last case on"), null=True, blank=True)
    cases = models.PositiveIntegerField(_("cases logged"), default=0)
    # A visiting expert performed a case here before the facility became independent.
    visiting_help = models.BooleanField(_("transferred with visiting help"), default=False)
    # The complication rate that keeps independence back, when enough cases were logged.
    held_back_rate = models.FloatField(_("complication rate holding independence back"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["facility", "technique"]
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        constraints = [
            models.UniqueConstraint(fields=["facility", "technique"], name="capability_once_per_facility"),
            models.CheckConstraint(condition=Q(status__in=CapabilityStatus.values), name="capability_status_known"),
        ]
        indexes = [
            models.Index(fields=["technique", "status"]),
            models.Index(fields=["first_independent_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} · {self.technique_id} · {self.status}"


class CaseYear(models.Model):
    """How many cases the log holds for one facility × technique (one capability) in one calendar year.

    Written by the ledger recompute, which every case write, deletion and import
    runs, so that a report sums a few rows per capability instead of counting the
    log (at 1 million cases, counting "cases performed" was 1.4 s of the
    country-wide report on SQLite).
    """

    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    technique = models.ForeignKey("registry.Technique", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    cases = models.PositiveIntegerField()

    class Meta:
        ordering = ["facility", "technique", "year"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "technique", "year"], name="case_year_once"),
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.facility_id} · {self.technique_id} · {self.year}: {self.cases}"


class CapabilityEvent(models.Model):
    """One dated change of a capability's status, with its evidence.

    Manual events (planned, training) are a coordinator's decision and stay as
    written; events from the log are replaced whenever the ledger is recomputed.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", _("Set by a coordinator")
        LOG = "log", _("From the case log")

    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="events")
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=CapabilityStatus.choices)
    previous = models.CharField(_("previous status"), max_length=16, choices=CapabilityStatus.choices, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=32)  # a code of rules.Reason
    details = models.JSONField(_("details"), default=dict, blank=True)
    case = models.ForeignKey(
        "CaseLog", verbose_name=_("evidence case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["capability", "on", "id"]
        verbose_name = _("capability event")
        verbose_name_plural = _("capability events")
        indexes = [models.Index(fields=["capability", "source"])]

    def __str__(self) -> str:
        return f"{self.on} {self.status}"


class CaseImport(models.Model):
    """One uploaded CSV or Excel file of cases (kept as CSV text): its preview (row errors) and, once confirmed, the progress of its import."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="case_imports"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    # The file itself, kept until the import is done or discarded; the task reads the valid rows from it again.
    content = models.TextField(blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    # [{"row": 3, "column": "supervision", "message": "..."}], the first few hundred.
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    # The day the rows were checked against ("not in the future"); the run reads the same valid rows again.
    checked_on = models.DateField(default=timezone.localdate)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case import")
        verbose_name_plural = _("case imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.valid_rows:
            return 0
        return min(100, self.imported_rows * 100 // self.valid_rows)

    @property
    def is_working(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class CaseLog(models.Model):
    """One procedure performed: where, what, when, by whom and how it went. Never who the patient was."""

    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="logged_cases"
    )
    technique = models.ForeignKey(
        "registry.Technique", verbose_name=_("technique"), on_delete=models.PROTECT, related_name="logged_cases"
    )
    performed_on = models.DateField(_("date"))
    performer = models.CharField(_("performed by"), max_length=8, choices=Performer.choices, default=Performer.LOCAL)
    visiting_practitioner = models.ForeignKey(
        "registry.Practitioner", verbose_name=_("visiting expert"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    supervision = models.CharField(
        _("supervision"), max_length=12, choices=Supervision.choices, default=Supervision.INDEPENDENT
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.SUCCESS)
    source = models.ForeignKey(
        CaseImport, verbose_name=_("imported from"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cases",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-performed_on", "-id"]
        verbose_name = _("logged case")
        verbose_name_plural = _("logged cases")
        constraints = [
            models.CheckConstraint(condition=Q(performer__in=Performer.values), name="caselog_performer_known"),
            models.CheckConstraint(condition=Q(supervision__in=Supervision.values), name="caselog_supervision_known"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="caselog_outcome_known"),
            # A visiting expert's case is never the facility's own independent case.
            models.CheckConstraint(
                condition=~Q(performer=Performer.VISITING, supervision=Supervision.INDEPENDENT),
                name="caselog_visiting_not_independent",
            ),
        ]
        indexes = [
            # The ledger reads one facility's cases of one technique in date order.
            models.Index(fields=["facility", "technique", "performed_on"]),
            models.Index(fields=["facility", "performed_on"]),
            models.Index(fields=["performed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.performed_on} · {self.technique_id} @ {self.facility_id}"


class TransferPlan(models.Model):
    """A mentor facility's plan to transfer techniques to a recipient, in up to three phases."""

    title = models.CharField(_("title"), max_length=200)
    mentor = models.ForeignKey(
        "registry.Facility", verbose_name=_("mentor facility"), on_delete=models.PROTECT, related_name="plans_mentored"
    )
    recipient = models.ForeignKey(
        "registry.Facility", verbose_name=_("recipient facility"), on_delete=models.PROTECT,
        related_name="plans_received",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement", verbose_name=_("agreement"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="transfer_plans",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("transfer plan")
        verbose_name_plural = _("transfer plans")
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=models.F("recipient")), name="plan_mentor_not_recipient"),
        ]

    def __str__(self) -> str:
        return self.title


PHASES = (1, 2, 3)


class PlanPhase(models.Model):
    plan = models.ForeignKey(TransferPlan, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(
        _("phase"), validators=[MinValueValidator(1), MaxValueValidator(len(PHASES))]
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_phase_once"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=3), name="plan_phase_number_known"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.number}"


class PlanItem(models.Model):
    """One technique of a plan: its phase, its priority within the phase, its mentors and trainees."""

    plan = models.ForeignKey(TransferPlan, on_delete=models.CASCADE, related_name="items")
    technique = models.ForeignKey(
        "registry.Technique", verbose_name=_("technique"), on_delete=models.PROTECT, related_name="plan_items"
    )
    phase = models.PositiveSmallIntegerField(_("phase"), validators=[MinValueValidator(1), MaxValueValidator(3)])
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=1, validators=[MinValueValidator(1)], help_text=_("1 is the most urgent.")
    )
    mentors = models.ManyToManyField(
        "registry.Practitioner", verbose_name=_("mentors"), blank=True, related_name="plan_items_mentored"
    )
    trainees = models.ManyToManyField(
        "registry.Practitioner", verbose_name=_("local trainees"), blank=True, related_name="plan_items_trained"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "phase", "priority", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.UniqueConstraint(fields=["plan", "technique"], name="plan_item_once"),
            models.CheckConstraint(condition=Q(phase__gte=1, phase__lte=3), name="plan_item_phase_known"),
            models.CheckConstraint(condition=Q(priority__gte=1), name="plan_item_priority_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.technique_id} · {self.phase}"


class SpecialtyCentre(models.Model):
    """A specialty hospital or centre built through a programme (the Lu-Qing Eye Hospital, a health-check centre)."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Specialty hospital")
        CENTRE = "centre", _("Specialty centre")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CENTRE)
    name = models.CharField(_("name"), max_length=200)
    name_local = models.CharField(_("name in its own script"), max_length=200, blank=True)
    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="specialty_centres"
    )
    specialty = models.ForeignKey(
        "registry.Specialty", verbose_name=_("specialty"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.ForeignKey(
        "core.Organisation", verbose_name=_("built with"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    people_served = models.PositiveIntegerField(_("people served"), null=True, blank=True)
    served_as_of = models.DateField(_("people served as of"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("specialty centre")
        verbose_name_plural = _("specialty centres")
        constraints = [models.UniqueConstraint(fields=["facility", "name"], name="centre_name_once_per_facility")]

    def __str__(self) -> str:
        return self.name


class Studio(models.Model):
    """A mentoring studio ("famous doctor studio") in a host department, which outlives its founder."""

    name = models.CharField(_("name"), max_length=200)
    name_local = models.CharField(_("name in its own script"), max_length=200, blank=True)
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("host department"), on_delete=models.PROTECT, related_name="studios"
    )
    founder = models.ForeignKey(
        "registry.Practitioner", verbose_name=_("founding expert"), on_delete=models.PROTECT, related_name="+"
    )
    founded_on = models.DateField(_("founded on"))
    techniques = models.ManyToManyField(
        "registry.Technique", verbose_name=_("techniques carried"), blank=True, related_name="studios"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("studio")
        verbose_name_plural = _("studios")
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="studio_name_once_per_department")]

    def __str__(self) -> str:
        return self.name


class StudioLead(models.Model):
    """Who led a studio, from when to when: the founder first, then the successors."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="leads")
    practitioner = models.ForeignKey(
        "registry.Practitioner", verbose_name=_("lead"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["studio", "start", "id"]
        verbose_name = _("studio lead")
        verbose_name_plural = _("studio leads")
        constraints = [
            models.UniqueConstraint(fields=["studio", "practitioner", "start"], name="studio_lead_once"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="studio_lead_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id} · {self.practitioner_id}"


class StudioTrainee(models.Model):
    """A practitioner the studio formed."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="trainees")
    practitioner = models.ForeignKey(
        "registry.Practitioner", verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField(_("since"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["studio", "since", "id"]
        verbose_name = _("studio trainee")
        verbose_name_plural = _("studio trainees")
        constraints = [models.UniqueConstraint(fields=["studio", "practitioner"], name="studio_trainee_once")]

    def __str__(self) -> str:
        return f"{self.studio_id} · {self.practitioner_id}"
