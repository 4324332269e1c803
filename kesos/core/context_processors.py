from django.conf import settings


def office(request):
    """The office name for page titles and letterheads; the user's own office when they have one."""
    user = getattr(request, "user", None)
    user_office = getattr(user, "office", None) if user and user.is_authenticated else None
    return {"office_name": user_office.name if user_office else settings.KESOS_OFFICE_NAME}
