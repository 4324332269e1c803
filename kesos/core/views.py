import sys

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kesos.audit import actions
from kesos.audit.services import audit_record

from . import health, outage


@require_GET
@never_cache
def healthz(request):
    """Database and broker status as JSON: 200 when both answer, 503 otherwise."""
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    ok = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if ok else "error", **checks, "worker": health.worker_status()}
    return JsonResponse(body, status=200 if ok else 503)


@login_required
def home(request):
    assignments = request.user.assignments.current().select_related("wilayah", "lks")
    return render(request, "home.html", {"assignments": assignments})


def error_403(request, exception=None):
    if request.user.is_authenticated:
        audit_record(action=actions.DENIED, actor=request.user, detail={"reason": str(exception or "")[:200]})
    return render(request, "errors/403.html", {"reason": exception}, status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    """Django calls this inside its `except` block: an outage (database or broker unavailable, a
    timeout) becomes a 503 with Retry-After (kesos.core.outage), anything else stays a 500."""
    exc = sys.exc_info()[1]
    if exc is not None and (unavailable := outage.respond_to(request, exc)) is not None:
        return unavailable
    # No request context: the failure may be the database the context processors read.
    return HttpResponseServerError(render_to_string("errors/500.html"))
