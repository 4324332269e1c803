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
