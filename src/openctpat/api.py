"""The JSON API at /api/v1/: one NinjaAPI, one router per app, one error shape."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from openctpat.accounts.api import router as accounts_router
from openctpat.accounts.api_auth import SessionAuth, TokenAuth
from openctpat.catalog.api import router as catalog_router
from openctpat.core.api import router as audit_router
from openctpat.core.concurrency import StaleEdit
from openctpat.core.errors import DomainError
from openctpat.inspections.api import router as inspections_router
from openctpat.inspections.export_api import export_router as inspection_exports_router
from openctpat.partners.api import router as partners_router
from openctpat.profiles.api import router as profiles_router
from openctpat.risk.api import router as risk_router
from openctpat.screening.api import router as screening_router


def error(request, status: int, code: str, message: str, fields: dict | None = None, **extra):
    return api.create_response(  # the one renderer every API instance shares
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}, **extra}},
        status=status,
    )


def _field_errors(errors) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", "invalid"))
    return fields


def on_validation_error(request, exc):
    return error(
        request, 422, "validation_error", "The request is not valid.", _field_errors(exc.errors)
    )


def on_auth_error(request, exc):
    return error(request, 401, "not_authenticated", "Authentication required.")


def on_http_error(request, exc):
    codes = {
        400: "bad_request",
        401: "not_authenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "throttled",
    }
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


def on_stale_edit(request, exc):
    """409 with the row as it is now, so the client can redo its change on top of it."""
    response = error(request, 409, exc.code, exc.message, exc.field_errors, current=exc.current)
    response["ETag"] = f'"{exc.version}"'
    return response


def on_domain_error(request, exc):
    return error(request, exc.status, exc.code, exc.message, exc.field_errors)


def on_not_found(request, exc):
    return error(request, 404, "not_found", "Not found.")


def on_forbidden(request, exc):
    return error(request, 403, "permission_denied", str(exc) or "Permission denied.")


HANDLERS = {
    ValidationError: on_validation_error,
    AuthenticationError: on_auth_error,
    HttpError: on_http_error,
    StaleEdit: on_stale_edit,
    DomainError: on_domain_error,
    Http404: on_not_found,
    DjangoPermissionDenied: on_forbidden,
}


def build_api(**kwargs) -> NinjaAPI:
    """A NinjaAPI with the app's authentication and its one error shape."""
    built = NinjaAPI(
        title="OpenCTPAT API",
        version="1",
        description=(
            "Run a CTPAT program over HTTP. Authenticate with a personal API token "
            "(`Authorization: Bearer ctpat_...`) or a signed-in browser session. "
            'Every error has the shape `{"error": {"code", "message", "fields"}}`; '
            'lists take `limit` and `offset` and return `{"items", "count"}`. '
            "An object's answers carry an `ETag`; send it back as `If-Match` with a change and "
            "the change is refused with 409 (code `stale`, the stored values in `current`) if "
            "someone else changed the object since you read it."
        ),
        auth=[TokenAuth(), SessionAuth()],
        **kwargs,
    )
    for exc_class, handler in HANDLERS.items():
        built.add_exception_handler(exc_class, handler)
    return built


api = build_api(urls_namespace="api")
api.add_router("/", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/catalog", catalog_router)
api.add_router("/", profiles_router)
api.add_router("/risk", risk_router)
api.add_router("/", partners_router)
api.add_router("/", screening_router)
api.add_router("/", inspections_router)
api.add_router("/", inspection_exports_router)
