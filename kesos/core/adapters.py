"""The two small adapters between services and their doors: forms and the REST API.

Services raise Django's ValidationError (a field → message dict, in Indonesian). A form shows
those messages beside the fields the user typed into; the API answers 400 with the same dict.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import exceptions, serializers, status


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto a bound form, so the re-rendered form keeps the input."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class TooManyRequests(exceptions.APIException):
    """429 with the service's field → messages and a Retry-After header (DRF sets it from `wait`)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "throttled"

    def __init__(self, detail, wait: int):
        super().__init__(detail)
        self.wait = wait


def api_validation_error(exc: ValidationError) -> exceptions.APIException:
    """The DRF 400 for a service's ValidationError; 429 for one that refuses a user over a rate limit
    (it carries `retry_after`, e.g. kesos.core.existence.ProbeLimited)."""
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): [m for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = {"non_field_errors": exc.messages}
    if getattr(exc, "retry_after", None):
        return TooManyRequests(detail, wait=exc.retry_after)
    return serializers.ValidationError(detail)
