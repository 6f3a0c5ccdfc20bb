"""Aid programmes, batches, needs, the talent pool, postings; emergencies and daily reports; inspections."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from caravan.core.models import Organisation
from caravan.registry.models import Department, Facility, Practitioner, Region


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sending_organisation = models.ForeignKey(
        Organisation, verbose_name=_("sending side"), on_delete=models.PROTECT, related_name="+")
    receiving_organisation = models.ForeignKey(
        Organisation, verbose_name=_("receiving side"), on_delete=models.PROTECT, related_name="+")
    receiving_region = models.ForeignKey(
        Region, verbose_name=_("receiving region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(
        "partnerships.Agreement", verbose_name=_("agreement"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="deployment_programmes")
    rotation_months = models.PositiveSmallIntegerField(_("rotation (months)"), default=12)
    team_min = models.PositiveSmallIntegerField(_("smallest team"), default=10)
    team_max = models.PositiveSmallIntegerField(_("largest team"), default=15)
    min_senior = models.PositiveSmallIntegerField(_("senior titles at least"), default=0)
    max_per_hospital = models.PositiveSmallIntegerField(_("at most per sending hospital"), default=6)
    min_managers = models.PositiveSmallIntegerField(_("hospital managers at least"), default=0)
    min_technicians = models.PositiveSmallIntegerField(_("medical technicians at least"), default=0)
    handover_days = models.PositiveSmallIntegerField(_("handover overlap on critical posts (days)"), default=14)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("aid programme")

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField(_("batch"))
    start = models.DateField(_("rotation starts"))
    end = models.DateField(_("rotation ends"))

    class Meta:
        ordering = ["programme_id", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="deployments_batch_unique")]

    def __str__(self) -> str:
        return f"{self.programme} #{self.number} ({self.start.year}-{self.end.year})"


class Need(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        POST = "post", _("Post")

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="needs")
    facility = models.ForeignKey(Facility, verbose_name=_("host facility"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SERVICE)
    title = models.CharField(_("title"), max_length=200)
    roles = models.JSONField(_("roles needed together"), default=list)
    qualification = models.CharField(_("qualification required"), max_length=200, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=3)
    language = models.CharField(_("language needed"), max_length=8, blank=True)
    # A critical post should not stand empty between batches: a newcomer who can overlap the outgoing holder earns
    # continuity in the composer.
    critical = models.BooleanField(_("critical post (handover overlap)"), default=False)

    class Meta:
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        NOMINATED = "nominated", _("Nominated")
        APPROVED = "approved", _("Approved")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="candidates")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    city = models.CharField(_("sending city"), max_length=100)
    roles = models.JSONField(_("roles they can fill"), default=list)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
    alumni = models.BooleanField(_("alumni"), default=False, editable=False)

    class Meta:
        ordering = ["practitioner__name_latin", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "practitioner"], name="deployments_candidate_once")]

    def __str__(self) -> str:
        return str(self.practitioner)


class Availability(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="windows")
    start = models.DateField(_("available from"))
    end = models.DateField(_("available until"))

    class Meta:
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


class Posting(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="postings")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="postings")
    need = models.ForeignKey(Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings")
    facility = models.ForeignKey(Facility, verbose_name=_("host facility"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=32)
    post = models.CharField(_("post held at the host"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED,
                              db_index=True)
    handover_notes = models.TextField(_("handover notes"), blank=True)

    class Meta:
        ordering = ["batch_id", "facility_id", "id"]

    def __str__(self) -> str:
        return f"{self.candidate} @ {self.facility.name}"

    @property
    def months(self) -> float:
        return round(((self.end - self.start).days + 1) / 30.4375, 1)


class Extension(models.Model):
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="extensions")
    previous_end = models.DateField(_("previous end"))
    new_end = models.DateField(_("new end"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.previous_end} → {self.new_end}"


# ---------------------------------------------------------------- emergencies


class Emergency(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    event = models.CharField(_("event"), max_length=200)
    sending_organisation = models.ForeignKey(
        Organisation, verbose_name=_("sending side"), on_delete=models.PROTECT, related_name="+")
    receiving_organisation = models.ForeignKey(
        Organisation, verbose_name=_("receiving side"), on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(
        "partnerships.Agreement", null=True, blank=True, on_delete=models.PROTECT, related_name="emergencies")
    arrival = models.DateField(_("arrival"))

    class Meta:
        ordering = ["-arrival", "id"]

    def __str__(self) -> str:
        return self.event


class AffectedRegion(models.Model):
    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="regions")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    skill_minimums = models.JSONField(_("skills needed at least"), default=dict, blank=True)
    extended_until = models.DateField(_("extended until"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["emergency", "region"], name="deployments_region_once")]

    def __str__(self) -> str:
        return self.region.name


class PressureUpdate(models.Model):
    affected = models.ForeignKey(AffectedRegion, on_delete=models.CASCADE, related_name="pressure")
    day = models.DateField(_("day"))
    cases_per_100k = models.DecimalField(_("cases per 100,000"), max_digits=8, decimal_places=1)
    icu_occupancy = models.PositiveSmallIntegerField(_("ICU occupancy (%)"))

    class Meta:
        ordering = ["day", "id"]
        constraints = [models.UniqueConstraint(fields=["affected", "day"], name="deployments_pressure_once")]

    def __str__(self) -> str:
        return f"{self.day}: {self.cases_per_100k}/100k, ICU {self.icu_occupancy}%"


class TeamMember(models.Model):
    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="members")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    skill = models.CharField(_("skill"), max_length=32)
    affected = models.ForeignKey(AffectedRegion, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="members")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["emergency", "practitioner"], name="deployments_member_once")]

    def __str__(self) -> str:
        return f"{self.practitioner_id} ({self.skill})"


class DailyReport(models.Model):
    """One day of one team's work in a region, in the spirit of the WHO EMT minimum data set."""

    affected = models.ForeignKey(AffectedRegion, on_delete=models.CASCADE, related_name="reports")
    day = models.DateField(_("day"))
    consultations = models.PositiveIntegerField(_("consultations"))
    admissions = models.PositiveIntegerField(_("admissions"))
    procedures = models.PositiveIntegerField(_("procedures"))
    referrals = models.PositiveIntegerField(_("referrals"))
    deaths = models.PositiveIntegerField(_("deaths"))
    # Consultations by age band and sex (vocab.AGE_SEX_KEYS → count); empty when the team did not break them down.
    by_age_sex = models.JSONField(_("consultations by age band and sex"), default=dict, blank=True)

    class Meta:
        ordering = ["-day", "id"]
        constraints = [models.UniqueConstraint(fields=["affected", "day"], name="deployments_report_once")]

    def __str__(self) -> str:
        return f"{self.affected_id} {self.day}"


# ---------------------------------------------------------------- inspections


class Inspection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="inspections")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("visited on"))
    inspectors = models.CharField(_("inspectors"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.visited_on}"


class Finding(models.Model):
    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class FollowUp(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField(_("action"))
    owner = models.CharField(_("owner"), max_length=200)
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.action[:80]


# ---------------------------------------------------------------- calls for candidates


class Call(models.Model):
    """A batch's call for candidates: the sending hospitals nominate between the two dates."""

    batch = models.OneToOneField(Batch, on_delete=models.CASCADE, related_name="call")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-opens_on", "id"]

    def __str__(self) -> str:
        return f"{self.batch} {self.opens_on} – {self.closes_on}"

    def is_open(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class Nomination(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="nominations")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="nominations")
    nominated_on = models.DateField(_("nominated on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["nominated_on", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "candidate"], name="deployments_nomination_once")]

    def __str__(self) -> str:
        return f"{self.candidate_id} ({self.status})"
