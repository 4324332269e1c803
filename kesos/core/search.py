"""Search forms that keep a full NIK / No. KK out of the address bar (and so out of every log and audit path).

The list's search form is POSTed. `search_redirect` moves an exact number into the session under a
random token and redirects to the list with the other filters and `?pencarian=<token>` in the
address; `search_params` puts the number back for the list, its pagination and its export. A full
number typed straight into the address is not searched (the user is told to use the form).
"""

from __future__ import annotations

import secrets

from django.http import QueryDict
from django.shortcuts import redirect

from .redact import has_number

TOKEN_PARAM = "pencarian"  # noqa: S105 - a parameter name, not a secret
SESSION_KEY = "kesos_number_searches"
KEEP = 20  # tokens kept per session: enough for a few tabs, small enough for the session row

ADDRESS_MESSAGE = (
    "NIK/No. KK tidak dicari dari alamat halaman agar tidak tercatat di log. Ketik di kotak pencarian lalu tekan Cari."
)


def search_redirect(request, field: str = "q"):
    """The search form was posted: redirect to the list (GET) without the full number in the address."""
    params = request.POST.copy()
    for key in ("csrfmiddlewaretoken", TOKEN_PARAM, "page"):
        params.pop(key, None)
    term = params.get(field, "")
    if has_number(term):
        token = secrets.token_urlsafe(9)
        store = dict(request.session.get(SESSION_KEY, {}))
        store[token] = term
        request.session[SESSION_KEY] = dict(list(store.items())[-KEEP:])
        params.pop(field)
        params[TOKEN_PARAM] = token
    query = params.urlencode()
    return redirect(f"{request.path}?{query}" if query else request.path)


def search_params(request, field: str = "q") -> tuple[QueryDict | None, bool]:
    """The list's filters: the address's parameters with the searched number put back from the session.
    Returns (parameters or None when there are none, whether a number typed into the address was dropped)."""
    params = request.GET.copy()
    dropped = has_number(params.get(field, ""))
    if dropped:
        params.pop(field)
    token = params.pop(TOKEN_PARAM, [""])[-1]
    term = request.session.get(SESSION_KEY, {}).get(token) if token else None
    if term and not dropped:
        params[field] = term
    params.pop("page", None)
    return (params or None), dropped
