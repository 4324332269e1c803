import zoneinfo

from django.utils import timezone


class OfficeTimezoneMiddleware:
    """Show times in the zone of the user's office (Kalsel WITA, Kalteng WIB); the default otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = user.time_zone if user is not None and user.is_authenticated else None
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


NUL_MESSAGE = "Permintaan berisi karakter NUL (\\x00) yang tidak diizinkan."
TOO_BIG_MESSAGE = "Isi permintaan terlalu besar (paling banyak {limit} byte)."


def _has_nul(data) -> bool:
    """Whether a QueryDict carries NUL in a key or in any of a key's values (not only the last one)."""
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class BadInputMiddleware:
    """Refuse, before any view runs, input no view can handle (issue 13, item 9).

    - A NUL character in the path, the query string or a form body: PostgreSQL refuses it in text,
      so it would surface as a server error deep in a query. Answer 400 once, here.
    - An API body over KESOS_API_MAX_BODY_BYTES, or one Django refuses to read (DATA_UPLOAD_MAX_*):
      413 with a JSON body. JSON bodies are checked for NUL and depth by the API's JSON parser.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.api_limit = settings.KESOS_API_MAX_BODY_BYTES
        self.form_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # Django's limit on what is not a file

    def __call__(self, request):
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
        from django.http import HttpResponseBadRequest, JsonResponse

        api = request.path_info.startswith("/api/")

        def refuse(message, status):
            if api:
                return JsonResponse({"detail": message}, status=status)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8", status=status)

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if api and length > self.api_limit:
            return refuse(TOO_BIG_MESSAGE.format(limit=self.api_limit), 413)
        if "\x00" in request.path or _has_nul(request.GET):
            return refuse(NUL_MESSAGE, 400)
        if request.method in {"POST", "PUT", "PATCH"} and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            try:
                fields, files = request.POST, request.FILES
            except RequestDataTooBig:
                return refuse(TOO_BIG_MESSAGE.format(limit=self.form_limit), 413)
            except TooManyFieldsSent:
                return refuse("Permintaan berisi terlalu banyak isian.", 400)
            if _has_nul(fields) or any("\x00" in (f.name or "") for f in files.values()):
                return refuse(NUL_MESSAGE, 400)
        elif api and request.method in {"POST", "PUT", "PATCH"}:
            try:
                request.body  # noqa: B018 - reads (and caches) the body to apply Django's size limit here
            except RequestDataTooBig:
                return refuse(TOO_BIG_MESSAGE.format(limit=self.form_limit), 413)
        return self.get_response(request)


class OutageMiddleware:
    """503 with Retry-After, instead of a 500, when a view meets an outage (kesos.core.outage).

    Exceptions raised by views come here (`process_exception`, also with DEBUG on); those raised in
    other middleware (the session or user lookup when PostgreSQL is down) reach `handler500`
    (kesos.core.views.error_500), which gives the same answer. While a database outage is open, each
    request watches for a query that succeeds, so the outage's end is logged (once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        from . import outage

        if not outage.database.down:
            return self.get_response(request)
        with connection.execute_wrapper(_database_answered):
            return self.get_response(request)

    def process_exception(self, request, exception):
        from . import outage

        return outage.respond_to(request, exception)


def _database_answered(execute, sql, params, many, context):
    from . import outage

    result = execute(sql, params, many, context)
    outage.database.succeeded()
    return result
