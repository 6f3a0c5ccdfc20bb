"""The HTTP API at /api/v1/: one NinjaAPI, one router per module, one error shape."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from caravan.core.api_auth import SessionAuth, TokenAuth
from caravan.core.errors import ApplicationError

api = NinjaAPI(
    title="Caravan API",
    version="1",
    description="Registry, agreements and the flows of health partnerships. "
    "Authenticate with the session cookie (and CSRF token) or a personal token: `Authorization: Bearer cvn_…`.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(request, {"code": code, "message": message, "fields": fields or {}}, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request, exc: ApplicationError):
    return _error(request, exc.status, exc.code, str(exc.message), exc.fields)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path", "form")]
        name = ".".join(loc) or "__all__"
        fields.setdefault(name, []).append(_schema_message(err))
    return _error(request, 422, "invalid", _("Some fields are not valid."), fields)


def _schema_message(err: dict) -> str:
    """Pydantic's reasons, said in the user's language."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not known.")
    if kind == "string_type":
        return _("Enter text.")
    if kind in {"list_type", "set_type", "tuple_type"}:
        return _("Enter a list.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Send an object with named fields.")
    if kind in {"int_parsing", "int_type", "float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("Enter a number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Must be at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Must be at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in {"string_too_long"}:
        return _("Must be at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind in {"string_too_short"}:
        return _("This field cannot be blank.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return _("Enter a date as YYYY-MM-DD.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    return _("This value is not valid.")


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "unauthenticated", _("Log in or send a valid API token."))


@api.exception_handler(Http404)
def on_404(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


# django-ninja's session auth raises this HttpError when the CSRF token is missing or wrong...
_NINJA_CSRF_FAILURE = "CSRF check Failed"
# ...and this one (followed by the parser's reason when DEBUG is on) for a body it cannot parse.
_NINJA_BODY_FAILURE = "Cannot parse request body"


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 403 and str(exc) == _NINJA_CSRF_FAILURE:
        return _error(request, 403, "csrf_failed",
                      _("The CSRF token is missing or wrong; reload the page and try again."))
    if exc.status_code == 400 and str(exc).startswith(_NINJA_BODY_FAILURE):
        return _error(request, 400, "bad_body", _("The request body is not valid JSON."))
    return _error(request, exc.status_code, "error", str(exc))


from caravan.core.api import router as core_router  # noqa: E402
from caravan.deployments.api import router as deployments_router  # noqa: E402
from caravan.indicators.api import router as indicators_router  # noqa: E402
from caravan.partnerships.api import router as partnerships_router  # noqa: E402
from caravan.referrals.api import router as referrals_router  # noqa: E402
from caravan.registry.api import router as registry_router  # noqa: E402
from caravan.teleconsult.api import router as teleconsult_router  # noqa: E402
from caravan.training.api import router as training_router  # noqa: E402
from caravan.transfer.api import router as transfer_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/registry/", registry_router)
api.add_router("/agreements/", partnerships_router)
api.add_router("/training/", training_router)
api.add_router("/transfer/", transfer_router)
api.add_router("/deployments/", deployments_router)
api.add_router("/teleconsult/", teleconsult_router)
api.add_router("/referrals/", referrals_router)
api.add_router("/indicators/", indicators_router)
