"""Typed errors. One handler (core.http) renders every one of them as the error envelope."""

from typing import Any

from chalice.app import ChaliceUnhandledError


class AppError(ChaliceUnhandledError):
    """Base of every error a client may see. Subclasses ChaliceUnhandledError so middleware renders it."""

    status = 500
    code = "internal_error"
    default_message = "An unexpected error occurred."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class ValidationFailed(AppError):
    status = 400
    code = "validation_error"
    default_message = "The request failed validation."

    @classmethod
    def field(cls, field: str, message: str) -> "ValidationFailed":
        """A validation error about one named field."""
        return cls(f"{field}: {message}", details=[{"field": field, "message": message}])


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    default_message = "Missing or invalid credentials."


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    default_message = "You do not have permission to perform this action."


class NotFound(AppError):
    status = 404
    code = "not_found"
    default_message = "The requested resource does not exist."


class MethodNotAllowed(AppError):
    status = 405
    code = "method_not_allowed"
    default_message = "This method is not allowed on this resource."


class Conflict(AppError):
    status = 409
    code = "conflict"
    default_message = "The request conflicts with the current state of the resource."


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"
    default_message = "The request body is too large."


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"
    default_message = "Unsupported content type."


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests, slow down."

    def __init__(self, retry_after: int, message: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, headers={**(headers or {}), "Retry-After": str(retry_after)})


class FeatureGated(AppError):
    status = 402
    code = "feature_gated"
    default_message = "This feature requires a higher plan."


class ServiceUnavailable(AppError):
    status = 503
    code = "internal_error"
    default_message = "The service is temporarily overloaded; retry shortly."

    def __init__(self, retry_after: int = 1, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class InternalError(AppError):
    """Never carries internal text: the message is always the generic one."""
