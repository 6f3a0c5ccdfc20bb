"""Courses, their sessions, who enrolled and attended, certificates, and tele-mentoring series.

Times are stored in UTC; each session keeps the IANA time zone it was planned
in, so a seminar series that spans Moscow, Astana and Almaty shows every
session in the viewer's zone and in the session's own.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.registry.models import SPOKEN_LANGUAGES


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Course(models.Model):
    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        ONLINE = "online", _("Online")
        SIMULATION = "simulation", _("Simulation training")

    title = models.CharField(_("title"), max_length=300)
    title_local = models.CharField(_("title in its own script"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    provider = models.ForeignKey(
        "core.Organisation", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="courses_provided",
    )
    partners = models.ManyToManyField(
        "core.Organisation", verbose_name=_("participating organisations"), blank=True, related_name="+",
        help_text=_("Organisations whose staff take part; their coordinators manage the course too."),
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement", verbose_name=_("agreement"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="courses",
        help_text=_("The agreement this course counts toward."),
    )
    specialty = models.ForeignKey(
        "registry.Specialty", verbose_name=_("specialty"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.ONSITE)
    language = models.CharField(_("language of teaching"), max_length=8, choices=SPOKEN_LANGUAGES, default="en")
    cme_credits = models.DecimalField(_("CME credits"), max_digits=5, decimal_places=1, default=0)
    venue = models.ForeignKey(
        "registry.Facility", verbose_name=_("venue"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Where the course is taught, for on-site and simulation courses."),
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("The lowest assessment score (out of 100) that passes; leave empty if there is no assessment."),
    )
    certificate_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), null=True, blank=True,
        help_text=_("Leave empty when certificates do not expire."),
    )
    # Folded titles and provider name (caravan.core.text.fold) for substring search.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=Q(cme_credits__gte=0), name="course_cme_not_negative"),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | Q(pass_mark__gte=0, pass_mark__lte=100),
                name="course_pass_mark_in_range",
            ),
        ]
        indexes = [models.Index(fields=["agreement", "id"])]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One meeting of a course, planned in a time zone and stored in UTC."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("topic"), max_length=300)
    title_local = models.CharField(_("topic in its own script"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    place = models.CharField(_("room or link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [models.Index(fields=["course", "starts_at"]), models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Enrolment(models.Model):
    """A person taking a course: a practitioner of the registry or a person named here."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    practitioner = models.ForeignKey(
        "registry.Practitioner", verbose_name=_("practitioner"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("login"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="training_enrolments",
        help_text=_("The participant's own login, so that they can see their enrolment and certificate."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    # fold(name): how a second enrolment of the same named person is recognised.
    name_key = models.CharField(max_length=200, editable=False, default="")
    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("facility"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("home organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ENROLLED)
    score = models.DecimalField(_("assessment score"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["course", "name", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "practitioner"], condition=Q(practitioner__isnull=False),
                name="enrolment_practitioner_once",
            ),
            models.UniqueConstraint(
                fields=["course", "user"], condition=Q(user__isnull=False), name="enrolment_user_once",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="enrolment_score_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False), name="enrolment_completed_has_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["session", "enrolment"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.session_id}: {self.present}"


class Certificate(models.Model):
    """A certificate for a completed enrolment, checked by anyone through its code.

    The holder's name and the course title are kept as printed, so a later
    change of either does not change what the certificate says.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    holder_name = models.CharField(_("holder"), max_length=200)
    course_title = models.CharField(_("course"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(revoked_at__isnull=True), name="certificate_one_live_per_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("issued_on")),
                name="certificate_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""), name="certificate_revoked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.holder_name}"


# ---------------------------------------------------------------- tele-mentoring


class MentoringSeries(models.Model):
    """A hub-and-spoke tele-mentoring series: the hub teaches, spoke sites present their cases."""

    title = models.CharField(_("title"), max_length=300)
    title_local = models.CharField(_("title in its own script"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    hub = models.ForeignKey(
        "registry.Facility", verbose_name=_("hub"), on_delete=models.PROTECT, related_name="mentoring_hubs",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement", verbose_name=_("agreement"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="mentoring_series",
        help_text=_("The agreement this series counts toward."),
    )
    specialty = models.ForeignKey(
        "registry.Specialty", verbose_name=_("specialty"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, choices=SPOKEN_LANGUAGES, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("tele-mentoring series")
        verbose_name_plural = _("tele-mentoring series")

    def __str__(self) -> str:
        return self.title


class MentoringSpoke(models.Model):
    series = models.ForeignKey(MentoringSeries, on_delete=models.CASCADE, related_name="spokes")
    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("spoke site"), on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        ordering = ["series", "id"]
        verbose_name = _("spoke site")
        verbose_name_plural = _("spoke sites")
        constraints = [models.UniqueConstraint(fields=["series", "facility"], name="mentoring_spoke_once")]

    def __str__(self) -> str:
        return f"{self.series_id} · {self.facility_id}"


class MentoringSession(models.Model):
    """One session of a series: a short lecture from the hub, then case presentations."""

    series = models.ForeignKey(MentoringSeries, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    lecture_title = models.CharField(_("lecture"), max_length=300)
    lecture_speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    lecture_summary = models.TextField(_("lecture summary"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("tele-mentoring session")
        verbose_name_plural = _("tele-mentoring sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="mentoring_session_ends_after_start"),
        ]
        indexes = [models.Index(fields=["series", "starts_at"])]

    def __str__(self) -> str:
        return self.lecture_title


class CasePresentation(models.Model):
    """A de-identified case a site presents; spokes see it only once the hub has approved it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for the hub's approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Sent back")

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="presentations")
    site = models.ForeignKey(
        "registry.Facility", verbose_name=_("presenting site"), on_delete=models.PROTECT, related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("de-identified case summary"))
    question = models.TextField(_("question for the hub"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("note from the hub"), blank=True)

    class Meta:
        ordering = ["session", "submitted_at", "id"]
        verbose_name = _("case presentation")
        verbose_name_plural = _("case presentations")

    def __str__(self) -> str:
        return self.title


class SiteAttendance(models.Model):
    """How many people followed a session at one site (hub or spoke)."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="site_attendance")
    site = models.ForeignKey("registry.Facility", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    head_count = models.PositiveIntegerField(_("people present"))

    class Meta:
        ordering = ["session", "site"]
        verbose_name = _("attendance at a site")
        verbose_name_plural = _("attendance by site")
        constraints = [models.UniqueConstraint(fields=["session", "site"], name="site_attendance_once")]

    def __str__(self) -> str:
        return f"{self.site_id}: {self.head_count}"
