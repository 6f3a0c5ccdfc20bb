"""What every transfer service shares: permission checks, validation of dates and choices, saving."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core.access import access_for
from caravan.core.errors import PermissionDenied, ValidationFailed


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def access_of(by):
    access = access_for(by)
    require(access.is_authenticated)
    return access


def check_day(value, field: str, *, required: bool = True, past_only: bool = True) -> None:
    if value is None:
        if required:
            raise ValidationFailed.field(field, _("Enter a date."), code="required")
        return
    if not isinstance(value, date):
        raise ValidationFailed.field(field, _("Enter a date as YYYY-MM-DD."), code="invalid_date")
    if past_only and value > timezone.localdate():
        raise ValidationFailed.field(field, _("The date is in the future."), code="future_date")


def check_choice(value, choices, field: str, message) -> None:
    if value not in choices.values:
        raise ValidationFailed.field(
            field, message % {"value": value, "choices": ", ".join(choices.values)}, code="unknown_choice"
        )


def validate(instance, *, exclude: list[str] | None = None) -> None:
    """Run the model's field validation and turn it into one field-named error."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from None


def save(instance, *, update_fields: list[str] | None = None) -> None:
    """Save; a constraint the checks missed (a race) still becomes an error, not a crash."""
    try:
        with transaction.atomic():
            instance.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationFailed(_("This record conflicts with another; reload and try again."), code="conflict") from None


def assign(instance, data: dict, fields: list[str]) -> None:
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
