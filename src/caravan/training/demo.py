"""The training of the five programmes, loaded through the training services.

- The Russian team's online seminars for Kazakh infectious-disease doctors and
  epidemiologists (July–August 2020), lectured from Moscow and from Astana.
- Shougang's continuing education for Mongolian and Kazakh oncologists after
  the tripartite MoU: laparoscopic and endoscopic simulators in its simulation
  training centre, and an online tumour board.
- Lao Cai's specialised courses by specialty between the provincial hospitals.
- Haibei's tele-mentoring series: Haibei First People's Hospital teaches,
  Gangcha, Menyuan, Qilian and Haiyan present their (de-identified) cases.

Courses cite the demo agreements by reference code when the agreements module
has loaded them, and cite none otherwise. Every row is looked up by its natural
key (provider and title, course and topic, …) and written only when missing or
different, so a second load on the same day changes nothing and writes no audit
event. Recent dates are counted from today at load time, as the agreements'
demo does; people are invented or the demo's own practitioners.
"""

from datetime import UTC, date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from caravan.core.models import Organisation
from caravan.core.text import fold
from caravan.registry.models import Facility, Practitioner, Specialty

from . import certificates, mentoring, services, zones
from .demo_specs import (
    CaseSpec,
    CourseSpec,
    MentoringSessionSpec,
    PersonSpec,
    SeriesSpec,
    SessionSpec,
    haibei_series,
    lao_cai_courses,
    russian_seminars,
    shougang_courses,
)
from .models import (
    Attendance,
    CasePresentation,
    Course,
    Enrolment,
    MentoringSeries,
    MentoringSession,
    Session,
    SessionStatus,
    SiteAttendance,
)

# ---------------------------------------------------------------- loading


def _differs(instance, data: dict) -> bool:
    for key, want in data.items():
        have = getattr(instance, f"{key}_id") if hasattr(instance, f"{key}_id") else getattr(instance, key)
        if hasattr(want, "pk"):
            want = want.pk
        if have != want:
            return True
    return False


class TrainingDemo:
    def __init__(self, *, by, result, today: date):
        from caravan.partnerships.models import Agreement

        self.by, self.result, self.today = by, result, today
        self.orgs = {o.code: o for o in Organisation.objects.all()}
        self.facilities = {f.code: f for f in Facility.objects.select_related("organisation")}
        self.specialties = {s.code: s for s in Specialty.objects.all()}
        self.agreements = {a.code: a for a in Agreement.objects.all()}
        self.users = {u.username: u for u in get_user_model().objects.filter(username__contains=".")}

    def _count(self, created: bool, kind: str) -> None:
        (self.result.created if created else self.result.updated)[kind] += 1

    def _user(self, username: str | None):
        return self.users.get(username) if username else None

    # ------------------------------------------------------------ courses

    def course(self, spec: CourseSpec) -> None:
        provider = self.orgs[spec.provider]
        data = {
            "title": spec.title, "title_local": spec.title_local, "description": spec.description,
            "provider": provider, "agreement": self.agreements.get(spec.agreement) if spec.agreement else None,
            "specialty": self.specialties[spec.specialty], "mode": spec.mode, "language": spec.language,
            "cme_credits": spec.cme, "venue": self.facilities[spec.venue] if spec.venue else None,
            "pass_mark": spec.pass_mark, "certificate_months": spec.certificate_months,
        }
        partners = [self.orgs[c] for c in spec.partners]
        course = Course.objects.filter(provider=provider, title=spec.title).prefetch_related("partners").first()
        if course is None:
            course = services.course_create(by=self.by, data={**data, "partners": partners})
            self._count(True, "course")
        elif _differs(course, data) or {p.pk for p in course.partners.all()} != {p.pk for p in partners}:
            course = services.course_update(by=self.by, course=course, data={**data, "partners": partners})
            self._count(False, "course")
        sessions = [self.session(course, s) for s in spec.sessions]
        people = [(self.enrolment(course, p), p) for p in spec.people]
        people += self._picked(course, spec)
        self.attendance(sessions, people)
        for enrolment, person in people:
            self.results(enrolment, person)

    def _picked(self, course: Course, spec: CourseSpec) -> list:
        """Practitioners picked from the registry, with the course's usual attendance and their scores in turn."""
        people = []
        for org, specialty, count in spec.picks:
            qs = Practitioner.objects.filter(organisation__code=org)
            if specialty:
                qs = qs.filter(specialties__code=specialty)
            for practitioner in qs.order_by("name_latin", "id")[:count]:
                i = len(people)
                score = spec.pick_scores[i % len(spec.pick_scores)] if spec.pick_scores else None
                passed = score is not None and (spec.pass_mark is None or score >= spec.pass_mark)
                person = PersonSpec(practitioner=(org, practitioner.name_latin), attended=spec.pick_attended,
                                    score=score, completed=passed, certificate=passed and i % 2 == 0)
                people.append((self.enrolment(course, person, practitioner=practitioner), person))
        return people

    def session(self, course: Course, spec: SessionSpec) -> Session:
        starts_at = zones.aware(spec.day, spec.at, spec.zone).astimezone(UTC)
        data = {"title": spec.title, "title_local": spec.title_local, "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=spec.minutes), "time_zone": spec.zone, "place": spec.place}
        session = Session.objects.filter(course=course, title=spec.title).first()
        if session is None:
            session = services.session_create(by=self.by, course=course, data=data)
            self._count(True, "session")
        elif _differs(session, data):
            session = services.session_update(by=self.by, session=session, data=data)
            self._count(False, "session")
        return session

    def enrolment(self, course: Course, spec: PersonSpec, *, practitioner=None) -> Enrolment:
        if spec.practitioner is not None:
            org, latin = spec.practitioner
            practitioner = practitioner or Practitioner.objects.filter(organisation__code=org,
                                                                       name_latin=latin).first()
        facility = self.facilities[spec.facility] if spec.facility else None
        if practitioner is not None:
            enrolment = Enrolment.objects.filter(course=course, practitioner=practitioner).first()
        else:
            enrolment = Enrolment.objects.filter(course=course, practitioner__isnull=True, name_key=fold(spec.name),
                                                 facility=facility).first()
        if enrolment is None:
            enrolment = services.enrolment_create(by=self.by, course=course, data={
                "practitioner": practitioner, "name": spec.name, "name_latin": spec.name_latin,
                "facility": facility, "user": self._user(spec.username),
            })
            self._count(True, "enrolment")
        return enrolment

    def attendance(self, sessions: list[Session], people: list) -> None:
        """Record the attendance of every session that has happened: present as the spec says, else absent."""
        now = timezone.now()
        recorded = {
            (a.session_id, a.enrolment_id): a.present
            for a in Attendance.objects.filter(session__in=[s.pk for s in sessions])
        }
        for index, session in enumerate(sessions):
            if session.starts_at > now or session.status == SessionStatus.CANCELLED:
                continue
            entries = [(e, index in p.attended) for e, p in people
                       if recorded.get((session.pk, e.pk)) != (index in p.attended)]
            if entries:
                services.attendance_record(by=self.by, session=session, entries=entries)
                self._count(True, "attendance sheet")

    def results(self, enrolment: Enrolment, spec: PersonSpec) -> None:
        enrolment.refresh_from_db()
        if spec.score is not None and enrolment.score != spec.score:
            passed = None if enrolment.course.pass_mark is not None else True
            services.enrolment_assess(by=self.by, enrolment=enrolment, score=spec.score, passed=passed,
                                      on=self._last_day(enrolment))
            self._count(True, "assessment")
        if spec.completed and enrolment.status == Enrolment.Status.ENROLLED and spec.attended:
            services.enrolment_complete(by=self.by, enrolment=enrolment, on=self._last_day(enrolment))
            self._count(True, "completion")
            enrolment.refresh_from_db()
        if (spec.certificate and enrolment.status == Enrolment.Status.COMPLETED
                and not enrolment.certificates.filter(revoked_at__isnull=True).exists()):
            certificates.certificate_issue(by=self.by, enrolment=enrolment,
                                           issued_on=enrolment.completed_on + timedelta(days=1))
            self._count(True, "certificate")

    def _last_day(self, enrolment: Enrolment) -> date:
        """The local day of the course's last session held so far (the day results are given)."""
        last = (Session.objects.filter(course_id=enrolment.course_id, starts_at__lte=timezone.now())
                .order_by("-starts_at").first())
        return zones.local_day(last.starts_at, last.time_zone) if last else self.today

    # ------------------------------------------------------------ tele-mentoring

    def series(self, spec: SeriesSpec) -> None:
        hub = self.facilities[spec.hub]
        data = {"title": spec.title, "title_local": spec.title_local, "description": spec.description, "hub": hub,
                "agreement": self.agreements.get(spec.agreement) if spec.agreement else None,
                "specialty": self.specialties[spec.specialty], "language": spec.language, "time_zone": spec.zone}
        spokes = [self.facilities[c] for c in spec.spokes]
        series = MentoringSeries.objects.filter(hub=hub, title=spec.title).prefetch_related("spokes").first()
        if series is None:
            series = mentoring.series_create(by=self.by, data={**data, "spokes": spokes})
            self._count(True, "tele-mentoring series")
        elif _differs(series, data) or {s.facility_id for s in series.spokes.all()} != {f.pk for f in spokes}:
            series = mentoring.series_update(by=self.by, series=series, data={**data, "spokes": spokes})
            self._count(False, "tele-mentoring series")
        for session_spec in spec.sessions:
            self.mentoring_session(series, session_spec)

    def mentoring_session(self, series: MentoringSeries, spec: MentoringSessionSpec) -> None:
        starts_at = zones.aware(spec.day, spec.at, series.time_zone).astimezone(UTC)
        data = {"lecture_title": spec.lecture, "lecture_speaker": spec.speaker, "lecture_summary": spec.summary,
                "starts_at": starts_at, "ends_at": starts_at + timedelta(minutes=spec.minutes),
                "time_zone": series.time_zone}
        session = MentoringSession.objects.filter(series=series, lecture_title=spec.lecture).first()
        if session is None:
            session = mentoring.mentoring_session_create(by=self.by, series=series, data=data)
            self._count(True, "tele-mentoring session")
        elif _differs(session, data):
            session = mentoring.mentoring_session_update(by=self.by, session=session, data=data)
            self._count(False, "tele-mentoring session")
        if session.starts_at > timezone.now():
            return
        for case in spec.cases:
            self.case(session, case)
        have = dict(SiteAttendance.objects.filter(session=session).values_list("site_id", "head_count"))
        for code, count in spec.head_counts:
            site = self.facilities[code]
            if have.get(site.pk) != count:
                mentoring.site_attendance_set(by=self.by, session=session, site=site, head_count=count)
                self._count(True, "head count")

    def case(self, session: MentoringSession, spec: CaseSpec) -> None:
        site = self.facilities[spec.site]
        presentation = CasePresentation.objects.filter(session=session, site=site, title=spec.title).first()
        if presentation is None:
            # The county's clinician presents where the demo has one; the hub's coordinator approves.
            presenter = self._user("haibei.clinician") if site.organisation.code == "cn-gc-cph" else None
            presentation = mentoring.presentation_submit(
                by=presenter or self.by, session=session, site=site,
                data={"title": spec.title, "summary": spec.summary, "question": spec.question},
            )
            self._count(True, "case presentation")
        if spec.approved and presentation.status == CasePresentation.Status.SUBMITTED:
            reviewer = self._user("haibei.coordinator") or self.by
            mentoring.presentation_review(by=reviewer, presentation=presentation, approve=True)
            self._count(True, "case approval")


def load(*, by, result) -> None:
    """Bring the demo's training in line with the programmes; safe to run any number of times."""
    today = timezone.localdate()
    demo = TrainingDemo(by=by, result=result, today=today)
    mou = demo.agreements.get("SG-MN-KZ")
    # The continuing education follows the tripartite MoU (signed ~7 months before today in the demo).
    mou_day = mou.start if mou is not None else today - timedelta(days=209)
    for spec in [*russian_seminars(), *shougang_courses(today, mou_day), *lao_cai_courses(today)]:
        demo.course(spec)
    for spec in haibei_series(today):
        demo.series(spec)
