from .notifications import unread_count


def inbox(request):
    """The unread-message badge of the navigation bar (from the cache: no query)."""
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_count(user) if user is not None else None}
