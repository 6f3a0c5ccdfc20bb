"""Forms of the training pages.

They parse input into Python values; the services validate the whole record
and save it, so each rule lives in one place and the API gets the same
messages. Choices come from selectors, scoped to the user who fills the form.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from caravan.core.forms_widgets import BootstrapFormMixin, DayInput
from caravan.registry.selectors import facility_list_for_user, specialty_list

from . import selectors, zones
from .models import CasePresentation, Course, MentoringSeries, SessionStatus

# Offered as suggestions beside the time zone box; any IANA name is accepted.
COMMON_ZONES = (
    "Europe/Moscow", "Asia/Almaty", "Asia/Aqtobe", "Asia/Aqtau", "Asia/Atyrau", "Asia/Oral", "Asia/Qyzylorda",
    "Asia/Shanghai", "Asia/Ulaanbaatar", "Asia/Ho_Chi_Minh", "Asia/Tehran", "Asia/Dushanbe", "Asia/Kolkata",
    "Asia/Dhaka", "Asia/Bahrain", "Africa/Harare", "Africa/Tripoli", "Indian/Mahe", "UTC",
)


class ClockInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class LocalTextInput(forms.TextInput):
    """Text in its own script: the browser sets the direction from what is typed."""

    def __init__(self, attrs=None):
        super().__init__({"dir": "auto", **(attrs or {})})


def zone_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Time zone"), max_length=64,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("A name from the time zone database, such as Europe/Moscow or Asia/Almaty (Astana uses "
                    "Asia/Almaty)."),
    )


class ParseOnlyModelForm(BootstrapFormMixin, forms.ModelForm):
    """A model form that parses only; a training service validates the record and saves it."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        # The model's own checks run in the service, in its transaction.
        pass

    def save(self, commit=True):
        raise TypeError("Training forms do not save: pass cleaned_data to a service.")


class CourseForm(ParseOnlyModelForm):
    class Meta:
        model = Course
        fields = [
            "title", "title_local", "description", "provider", "partners", "agreement", "specialty", "mode",
            "language", "cme_credits", "venue", "pass_mark", "certificate_months",
        ]
        widgets = {
            "title_local": LocalTextInput, "description": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = selectors.organisation_choices(user=self.user)
        self.fields["provider"].queryset = organisations
        self.fields["partners"].queryset = organisations
        self.fields["agreement"].queryset = selectors.agreement_choices(user=self.user)
        self.fields["specialty"].queryset = specialty_list(user=self.user)
        self.fields["venue"].queryset = facility_list_for_user(user=self.user)
        # Django would refuse a negative number itself; the service says why, in the course's words.
        self.fields["cme_credits"].widget.attrs.pop("min", None)


class TimesForm(BootstrapFormMixin, forms.Form):
    """A day, a start and an end on the clocks of a time zone; turned into aware datetimes for the services."""

    day = forms.DateField(label=_("Day"), widget=DayInput)
    start = forms.TimeField(label=_("Starts at"), widget=ClockInput)
    end = forms.TimeField(label=_("Ends at"), widget=ClockInput)
    time_zone = zone_field()
    # Service field names -> the fields of this form that show their errors.
    RENAMED = {"starts_at": "start", "ends_at": "end"}

    def times(self) -> dict:
        data = self.cleaned_data
        zone_name = data["time_zone"].strip()
        # An unknown zone is refused by the service with its own message; the times are read in UTC meanwhile.
        known = zone_name if zones.is_known(zone_name) else "UTC"
        return {
            "starts_at": zones.aware(data["day"], data["start"], known),
            "ends_at": zones.aware(data["day"], data["end"], known),
            "time_zone": zone_name,
        }

    @classmethod
    def initial_from(cls, obj) -> dict:
        clock = zones.wall_clock(obj.starts_at, obj.ends_at, obj.time_zone)
        return {"day": clock.day, "start": clock.start, "end": clock.end, "time_zone": obj.time_zone}


class SessionForm(TimesForm):
    title = forms.CharField(label=_("Topic"), max_length=300)
    title_local = forms.CharField(label=_("Topic in its own script"), max_length=300, required=False,
                                  widget=LocalTextInput)
    place = forms.CharField(label=_("Room or link"), max_length=300, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=SessionStatus.choices, initial=SessionStatus.PLANNED)

    field_order = ["title", "title_local", "day", "start", "end", "time_zone", "place", "status"]

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "title_local": d["title_local"], "place": d["place"], "status": d["status"],
                **self.times()}


class EnrolmentForm(BootstrapFormMixin, forms.Form):
    """Enrol a practitioner of the registry, or name a person who is not in it."""

    practitioner = forms.ModelChoiceField(label=_("Practitioner"), queryset=None, required=False,
                                          empty_label=_("Not in the registry: enter the name below"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False, widget=LocalTextInput)
    name_latin = forms.CharField(label=_("Name in Latin letters"), max_length=200, required=False)
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=None, required=False)
    username = forms.CharField(
        label=_("Their Caravan login (optional)"), max_length=150, required=False,
        help_text=_("With their login, participants see their own attendance, results and certificate."),
    )

    def __init__(self, *args, user, course, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # Any visible practitioner is accepted; the menu lists those of the provider and partners.
        field = self.fields["practitioner"]
        field.queryset = selectors.practitioners_visible(user=user)
        offered = list(selectors.practitioner_choices(user=user, course=course))
        field.widget.choices = [("", field.empty_label)] + [(p.pk, field.label_from_instance(p)) for p in offered]
        self.fields["facility"].queryset = facility_list_for_user(user=user)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        login = selectors.login_by_username(user=self.user, username=username)
        if login is None:
            raise forms.ValidationError(_("No login with this name in your networks."))
        return login

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        return {"practitioner": d["practitioner"], "name": d["name"], "name_latin": d["name_latin"],
                "facility": d["facility"], "user": d["username"]}


class AssessmentForm(BootstrapFormMixin, forms.Form):
    score = forms.DecimalField(label=_("Score (out of 100)"), max_digits=5, decimal_places=1)
    passed = forms.TypedChoiceField(
        label=_("Result"), required=False, empty_value=None,
        choices=[("", _("Decided by the pass mark")), ("yes", _("Passed")), ("no", _("Not passed"))],
        coerce=lambda v: v == "yes",
    )
    on = forms.DateField(label=_("Assessed on"), widget=DayInput, required=False)


class CompletionForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("Completed on"), widget=DayInput, required=False)


class CertificateForm(BootstrapFormMixin, forms.Form):
    issued_on = forms.DateField(label=_("Issued on"), widget=DayInput, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DayInput, required=False,
                                  help_text=_("Leave empty to use the course's validity."))


class RevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg font-monospace",
                                      "autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters",
                                      "placeholder": "XXXX-XXXX-XXXX"}),
    )


# ---------------------------------------------------------------- tele-mentoring


class SeriesForm(ParseOnlyModelForm):
    spokes = forms.ModelMultipleChoiceField(label=_("Spoke sites"), queryset=None, required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 8}))
    time_zone = zone_field(_("Time zone of the sessions"))

    class Meta:
        model = MentoringSeries
        fields = ["title", "title_local", "description", "hub", "spokes", "agreement", "specialty", "language",
                  "time_zone"]
        widgets = {"title_local": LocalTextInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        facilities = facility_list_for_user(user=self.user)
        self.fields["hub"].queryset = facilities
        self.fields["spokes"].queryset = facilities
        self.fields["agreement"].queryset = selectors.agreement_choices(user=self.user)
        self.fields["specialty"].queryset = specialty_list(user=self.user)
        if self.instance.pk:
            self.initial["spokes"] = [s.facility_id for s in self.instance.spokes.all()]


class MentoringSessionForm(TimesForm):
    lecture_title = forms.CharField(label=_("Lecture"), max_length=300)
    lecture_speaker = forms.CharField(label=_("Speaker"), max_length=200, required=False)
    lecture_summary = forms.CharField(label=_("Lecture summary"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=SessionStatus.choices, initial=SessionStatus.PLANNED)

    field_order = ["lecture_title", "lecture_speaker", "lecture_summary", "day", "start", "end", "time_zone",
                   "status"]

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        return {"lecture_title": d["lecture_title"], "lecture_speaker": d["lecture_speaker"],
                "lecture_summary": d["lecture_summary"], "status": d["status"], **self.times()}


class PresentationForm(BootstrapFormMixin, forms.ModelForm):
    site = forms.ModelChoiceField(label=_("Presenting site"), queryset=None)

    class Meta:
        model = CasePresentation
        fields = ["site", "title", "summary", "question"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
                   "question": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
                   "title": LocalTextInput}
        help_texts = {"summary": _("No names, dates of birth, ID, passport, record or phone numbers: the case is "
                                   "shown to the other sites once the hub approves it.")}

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        from caravan.registry.models import Facility

        self.fields["site"].queryset = Facility.objects.filter(pk__in=[s.pk for s in sites]).order_by("name")
        if len(sites) == 1:
            self.fields["site"].initial = sites[0].pk
        if self.instance.pk:
            del self.fields["site"]

    def _post_clean(self):
        pass


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Send back"))])
    note = forms.CharField(label=_("Note to the site"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SiteAttendanceForm(BootstrapFormMixin, forms.Form):
    site = forms.IntegerField(widget=forms.HiddenInput)
    head_count = forms.IntegerField(label=_("People present"))


# ---------------------------------------------------------------- list filters


class CourseFilterForm(BootstrapFormMixin, forms.Form):
    """A GET form of list filters; a filter with a bad value is ignored."""

    q = forms.CharField(label=_("Title or provider"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "dir": "auto", "autocomplete": "off"}))
    mode = forms.ChoiceField(label=_("Mode"), choices=[("", _("Any mode")), *Course.Mode.choices], required=False)
    specialty = forms.ModelChoiceField(label=_("Specialty"), queryset=None, to_field_name="code", required=False,
                                       empty_label=_("Any specialty"))
    mine = forms.BooleanField(label=_("Only courses I take"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = specialty_list(user=user)

    def filters(self) -> selectors.CourseFilters:
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        specialty = d.get("specialty")
        return selectors.CourseFilters(q=d.get("q") or "", mode=d.get("mode") or "",
                                       specialty=specialty.code if specialty else "", mine=bool(d.get("mine")))


class SeriesFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Title or hub"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "dir": "auto", "autocomplete": "off"}))

    def query(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("q") or ""
