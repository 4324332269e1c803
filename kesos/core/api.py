"""REST framework hooks shared by every API view."""

from rest_framework.views import exception_handler as drf_exception_handler

from kesos.audit import actions
from kesos.audit.services import audit_record


def exception_handler(exc, context):
    """DRF's handler, plus an audit row for each permission denial (403) to a logged-in user."""
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and response.status_code == 403 and request is not None and request.user.is_authenticated:
        audit_record(action=actions.DENIED, actor=request.user, detail={"reason": str(exc)[:200]})
    return response
