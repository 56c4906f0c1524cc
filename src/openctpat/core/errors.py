"""Domain errors raised by services; the web and API layers turn them into messages and 4xx."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


def invalid(field_name: str, message: str) -> ValidationFailed:
    """A validation error on one field, with the same message above the form."""
    return ValidationFailed(message, field_errors={field_name: [message]})
