"""The two small adapters between services and their doors: forms and the REST API.

Services raise Django's ValidationError (a field → message dict, in Indonesian). A form shows
those messages beside the fields the user typed into; the API answers 400 with the same dict.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import serializers


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto a bound form, so the re-rendered form keeps the input."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def api_validation_error(exc: ValidationError) -> serializers.ValidationError:
    """The DRF 400 for a service's ValidationError."""
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): [m for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = {"non_field_errors": exc.messages}
    return serializers.ValidationError(detail)
