"""Forms of teleconsultation pages; the services hold the rules, the forms only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caravan.core.forms_widgets import BootstrapFormMixin
from caravan.registry.models import Specialty

from .models import Urgency

SEX_CHOICES = [("", "—"), ("female", _("Female")), ("male", _("Male")), ("other", _("Other"))]


class CaseForm(BootstrapFormMixin, forms.Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None, required=False)
    facility = forms.ModelChoiceField(label=_("Requesting facility"), queryset=None, required=False)
    patient_local_id = forms.CharField(label=_("Patient's local identifier"), required=False, max_length=100,
                                       help_text=_("Stored only as a keyed hash; never shown to the consultant."))
    patient_age = forms.IntegerField(label=_("Age (years)"), required=False)
    patient_sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    specialty = forms.ModelChoiceField(label=_("Specialty wanted"), queryset=Specialty.objects.all(), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    question = forms.CharField(label=_("Clinical question"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, agreements, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements
        self.fields["facility"].queryset = facilities


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; their content is judged by the service, which names the problem."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        return list(data) if isinstance(data, list | tuple) else ([data] if data else [])


class UploadForm(BootstrapFormMixin, forms.Form):
    file = MultipleFileField(label=_("ECG or DICOM file(s)"), required=False,
                             help_text=_("A WFDB record: choose its .hea header with its data files together."))
    sampling_rate = forms.FloatField(label=_("Sampling rate (Hz), for text files without one"), required=False)


class ReportForm(BootstrapFormMixin, forms.Form):
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    impression = forms.CharField(label=_("Impression"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    recommendation = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}),
                                     required=False)
    addendum = forms.BooleanField(label=_("Addendum to the signed report"), required=False)


class MessageForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssignForm(BootstrapFormMixin, forms.Form):
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=None, required=False)

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants
        self.fields["consultant"].label_from_instance = lambda u: f"{u.get_username()} ({u.load})"


class FollowUpForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why see the patient again"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)


class ScheduleForm(BootstrapFormMixin, forms.Form):
    scheduled_for = forms.DateTimeField(label=_("Date and time"), required=False,
                                        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                        help_text=_("In your own time zone."))
    consultant = forms.ModelChoiceField(label=_("With"), queryset=None, required=False)

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants
        self.fields["consultant"].label_from_instance = lambda u: u.get_username()


class MdtSessionForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    host = forms.ModelChoiceField(label=_("Host facility"), queryset=None, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    help_text=_("In the session's time zone."))
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, required=False,
                                help_text=_("For example Asia/Shanghai, Asia/Ulaanbaatar or Asia/Almaty."))
    facilities = forms.ModelMultipleChoiceField(label=_("Participating facilities"), queryset=None, required=False)
    participants = forms.ModelMultipleChoiceField(label=_("Participants"), queryset=None, required=False)
    cases = forms.ModelMultipleChoiceField(label=_("Cases on the agenda"), queryset=None, required=False)

    def __init__(self, *args, facilities, people, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = facilities
        self.fields["facilities"].queryset = facilities
        self.fields["participants"].queryset = people
        self.fields["participants"].label_from_instance = lambda u: u.get_username()
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda c: f"{c.reference} · {c.specialty.label}"

    def clean(self):
        # The date and time are read in the session's own zone, whatever the user's zone is.
        data = super().clean()
        when, zone = data.get("starts_at"), (data.get("time_zone") or "").strip()
        if when is not None and zone:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            from django.utils import timezone

            try:
                data["starts_at"] = timezone.make_aware(timezone.make_naive(when), ZoneInfo(zone))
            except (ZoneInfoNotFoundError, ValueError):
                pass  # the service names the bad zone
        return data


class MdtDecisionForm(BootstrapFormMixin, forms.Form):
    findings = forms.CharField(label=_("Discussion"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    impression = forms.CharField(label=_("MDT recommendation"), widget=forms.Textarea(attrs={"rows": 2}),
                                 required=False)
    recommendation = forms.CharField(label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
