"""Forms of the core pages: login, profile, two-factor codes, API tokens and the audit filter."""

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .forms_widgets import BootstrapFormMixin
from .models import AuditEvent


def _code_widget():
    """A one-time-code input: numeric keypad on phones, the browser may fill it from an SMS or app."""
    return forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"})


class LoginForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"), required=False, max_length=8,
        help_text=_("Only if you turned on two-factor login."), widget=_code_widget(),
    )


def _time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, grouped by area (Asia/…, Europe/…) so the list is easy to scan."""
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    groups: dict[str, list[tuple[str, str]]] = {}
    for zone in zones:
        area, _sep, place = zone.partition("/")
        groups.setdefault(area, []).append((zone, place.replace("_", " ")))
    return [("UTC", "UTC")] + [(area, options) for area, options in groups.items()]


class ProfileForm(BootstrapFormMixin, forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=200, required=False,
                                   help_text=_("As colleagues should see it, in your own script."))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices,
                                  help_text=_("Dates and times are shown in this zone."))


class TokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("Where you will use it, e.g. “HIS export”."))


class OtpForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(label=_("Six-digit code"), max_length=8, widget=_code_widget(),
                            help_text=_("The code your authenticator app shows now."))


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("Any"))] + list(AuditEvent.Action.choices))
    object_type = forms.CharField(label=_("Record type"), required=False, max_length=64,
                                  help_text=_("For example registry.facility."))
    object_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    # A native date picker reads and writes ISO dates whatever the page's language.
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    until = forms.DateField(label=_("Until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data
