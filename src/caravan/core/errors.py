"""One error tree for services, selectors, views and the API.

Every error has a stable `code`, a translated `message` and, for bad input,
`fields`: a mapping of field name to a list of translated reasons. The API
turns it into {"code", "message", "fields"}; views show it beside the field.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    code = "error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "fields": self.fields}


class NotFound(ApplicationError):
    """Raised alike for a missing row and for one the user may not see."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(ApplicationError):
    code = "forbidden"
    status = 403
    default_message = _("You do not have permission to do this.")


class ValidationFailed(ApplicationError):
    code = "invalid"
    status = 400
    default_message = _("Some fields are not valid.")

    @classmethod
    def from_django(cls, error: ValidationError) -> "ValidationFailed":
        if hasattr(error, "error_dict"):
            fields = {name: [m for e in errs for m in e.messages] for name, errs in error.error_dict.items()}
        else:
            fields = {"__all__": list(error.messages)}
        return cls(fields=fields)

    @classmethod
    def field(cls, name: str, message, *, code: str = "invalid") -> "ValidationFailed":
        return cls(code=code, fields={name: [message]})
