"""Idempotent creation: a repeated submission returns the first result and creates nothing.

One mechanism for every create route, pages and API alike (docs/api.md, "Idempotency-Key"):

- A page's create form carries a hidden `idempotency_key`, new at each render (`{% idempotency_field %}`);
  the view is wrapped in `@idempotent_form`. A second POST of the same form (double click, a retry after
  a lost answer, the Back button then "Simpan" again) redirects to where the first one did, with a
  message, and creates nothing. The same key with different form content (the user went back and
  changed something) is a new submission: it is saved, under its own key.
- An API create handler is wrapped in `@idempotent_api` (or its viewset uses `IdempotentCreateMixin`).
  With an `Idempotency-Key` header, a repeat with the same body answers the first answer's status
  and body again, with `Idempotent-Replayed: true`; the same key with another body is a 422.
  Without the header the route works as before.

Concurrency: the key row is inserted in the same transaction as the record the request creates
(the view runs inside it, the service's own transaction nests as a savepoint). A second request with
the same key blocks on the unique index (user, key) until the first commits, then finds its answer;
if the first failed and rolled back, the second does the work itself. No lock is held outside the
database, so nothing is left "in progress" by a killed process.

Why not a library: django-idempotency-key (Redis or in-process locks, Django ≤ 4.2), drf-idempotency
and drf-idempotencykey (API only, the key claimed and the response stored in transactions of their own
around the view) neither serve HTML forms nor tie the key to the creating transaction, so a process
killed between the two leaves a duplicate or a key stuck "in progress".

Keys live KESOS_IDEMPOTENCY_KEY_HOURS (24 h): an older key is taken over by the next request that
uses it, and the hourly `purge_idempotency_keys` task deletes the rest (stored API answers hold
personal data; docs/data-protection.md).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotencyKey

FORM_FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"^[!-~]{1,255}$"  # visible ASCII, no space: a UUID, a ULID, a counter…
_KEY_RE = re.compile(KEY_PATTERN)
# Lock or statement timeout while waiting for the first request with the same key.
_WAIT_ENDED = {"55P03", "57014"}

REPLAYED_MESSAGE = "Formulir ini sudah terkirim sebelumnya dan sudah tersimpan; data tidak dicatat dua kali."
IN_PROGRESS_MESSAGE = "Permintaan yang sama masih diproses. Tunggu sebentar, lalu muat ulang halaman."
KEY_REUSED_MESSAGE = (
    "Idempotency-Key ini sudah dipakai untuk permintaan lain dengan isi berbeda. "
    "Gunakan kunci baru untuk setiap data baru."
)
BAD_KEY_MESSAGE = "Idempotency-Key harus 1–255 karakter ASCII yang terlihat (tanpa spasi), mis. sebuah UUID."


class KeyReused(exceptions.APIException):
    """422: the key came with another request before (another body or another route)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = KEY_REUSED_MESSAGE
    default_code = "idempotency_key_reused"


class InProgress(exceptions.APIException):
    """409: the first request with this key is still running (its transaction held us past the lock
    timeout). The client retries later with the same key."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = IN_PROGRESS_MESSAGE
    default_code = "idempotency_key_in_progress"
    wait = 2  # seconds, sent as Retry-After


@dataclass(frozen=True)
class Replay:
    """The first answer to a key, to give again."""

    status: int
    location: str
    body: object


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.KESOS_IDEMPOTENCY_KEY_HOURS)


def new_key() -> str:
    return str(uuid.uuid4())


def valid_key(key: str) -> bool:
    return bool(_KEY_RE.match(key))


# --- The request's fingerprint -------------------------------------------------------------------------
def _canonical(value):
    """JSON-able form of request data: QueryDicts as sorted lists, uploads by name, size and content hash."""
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict, MultiValueDict (request.POST, request.FILES, DRF's form data)
        return {k: [_canonical(v) for v in vs] for k, vs in sorted(value.lists())}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def fingerprint(method: str, path: str, *parts, ignore: tuple[str, ...] = ()) -> str:
    """SHA-256 of the method, the path and the request's data (fields in `ignore` left out)."""
    data = []
    for part in parts:
        canonical = _canonical(part)
        if isinstance(canonical, dict):
            canonical = {k: v for k, v in canonical.items() if k not in ignore}
        data.append(canonical)
    text = json.dumps([method.upper(), path, data], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# --- The one mechanism ---------------------------------------------------------------------------------
def _claim(user, key: str, print_: str) -> tuple[IdempotencyKey, bool]:
    """The key's row, inserted now (True) or as stored by an earlier request (False). Blocks while another
    open transaction holds an insert of the same key; call inside transaction.atomic()."""
    for _ in range(3):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_), True
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.select_for_update().filter(user=user, key=key).first()
        if row is None:  # deleted (expired) between the two statements: claim it again
            continue
        if row.created_at < timezone.now() - ttl():  # expired: this request takes it over
            row.fingerprint, row.created_at, row.status, row.location, row.body = print_, timezone.now(), None, "", None
            row.save()
            return row, True
        return row, False
    raise InProgress()


def run_once(*, user, key: str, fingerprint: str, call: Callable, answer_of: Callable):
    """Run `call()` once for (user, key): its result, or the Replay of the first run's answer.

    `answer_of(result)` gives what a repeat must get (a Replay) when the result is a success, or None
    when it is not (a form shown again with errors): the key is then released so the same request may
    be sent again. An exception from `call` rolls the key back with everything else. Raises KeyReused
    when the key was used with another fingerprint, InProgress when the wait for a concurrent first
    request with the same key timed out.
    """
    with transaction.atomic():
        try:
            row, claimed = _claim(user, key, fingerprint)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) in _WAIT_ENDED:
                raise InProgress() from exc
            raise
        if not claimed:
            if row.fingerprint != fingerprint:
                raise KeyReused()
            if row.status is None:  # only possible with a row written outside run_once
                raise InProgress()
            return Replay(status=row.status, location=row.location, body=row.body)
        result = call()
        answer = answer_of(result)
        if answer is None:
            row.delete()
        else:
            row.status, row.location, row.body = answer.status, answer.location[:2000], answer.body
            row.save(update_fields=["status", "location", "body"])
        return result


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete the keys older than their lifetime; returns how many."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- Pages --------------------------------------------------------------------------------------------
def hidden_field() -> str:
    """The hidden input of a create form: a new key at each render (template tag `idempotency_field`)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_key())


def _page_answer(request, response) -> Replay | None:
    """A create view's success is its redirect (to the record, or back to the page it was added on);
    a redirect that carries an error message (a small form refused on the page it sits on) is not."""
    if response.status_code not in (301, 302, 303) or not response.has_header("Location"):
        return None
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    if any(m.level >= messages.ERROR for m in queued):
        return None
    return Replay(status=response.status_code, location=response["Location"], body=None)


def idempotent_form(view):
    """Make a page's create view idempotent for the form's hidden key (see the module docstring).
    Put it below @login_required; a POST without the key (an old page, a script) runs as before."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.POST.get(FORM_FIELD, "") if request.method == "POST" else ""
        if not key or not valid_key(key) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        print_ = fingerprint(
            request.method, request.path, request.POST, request.FILES, ignore=(FORM_FIELD, "csrfmiddlewaretoken")
        )
        # The form's content is part of the stored key: the same form sent again with other content is a
        # new submission (the user went back and changed it), not a repeat.
        stored = "form:" + hashlib.sha256(f"{key}\n{print_}".encode()).hexdigest()
        try:
            result = run_once(
                user=request.user, key=stored, fingerprint=print_, call=lambda: view(request, *args, **kwargs),
                answer_of=lambda response: _page_answer(request, response),
            )  # fmt: skip
        except InProgress:
            response = render(request, "errors/in_progress.html", status=409)
            response["Retry-After"] = str(InProgress.wait)
            return response
        if isinstance(result, Replay):
            messages.info(request, REPLAYED_MESSAGE)
            return HttpResponseRedirect(result.location)
        return result

    wrapper.idempotent = True
    return wrapper


# --- API ----------------------------------------------------------------------------------------------
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type={"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Kunci unik per data baru (mis. UUID). Permintaan yang diulang dengan kunci dan isi yang sama "
        "tidak membuat data kedua: jawabannya status dan isi jawaban pertama, dengan header "
        "`Idempotent-Replayed: true`. Kunci yang sama dengan isi berbeda: 422. Kunci berlaku 24 jam, per pengguna."
    ),
)


def _api_answer(response) -> Replay | None:
    if not 200 <= response.status_code < 300:
        return None
    body = json.loads(JSONRenderer().render(response.data)) if response.data is not None else None
    return Replay(status=response.status_code, location=response.get("Location", ""), body=body)


def idempotent_api(handler):
    """Make a DRF handler (create, or an @action taking POST) idempotent for the `Idempotency-Key` header;
    documents the header in the OpenAPI schema. Other methods and requests without the header pass."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return handler(self, request, *args, **kwargs)
        if not valid_key(key):
            raise exceptions.ValidationError({HEADER: [BAD_KEY_MESSAGE]})
        print_ = fingerprint(request.method, request.path, request.data)
        result = run_once(
            user=request.user, key=f"api:{key}", fingerprint=print_,
            call=lambda: handler(self, request, *args, **kwargs), answer_of=_api_answer,
        )  # fmt: skip
        if isinstance(result, Replay):
            headers = {REPLAYED_HEADER: "true", **({"Location": result.location} if result.location else {})}
            return Response(result.body, status=result.status, headers=headers)
        return result

    wrapper.idempotent = True
    return extend_schema(methods=["POST"], parameters=[IDEMPOTENCY_PARAMETER])(wrapper)


class IdempotentCreateMixin(mixins.CreateModelMixin):
    """CreateModelMixin whose `create` takes an `Idempotency-Key` header (see idempotent_api)."""

    @idempotent_api
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


def document_idempotency(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the answers an operation taking `Idempotency-Key` adds (409, 422)."""
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Penolakan"}}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if not any(p.get("in") == "header" and p.get("name") == HEADER for p in operation.get("parameters", [])):
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("409", {"description": "Permintaan dengan kunci yang sama masih diproses", **error})
            responses.setdefault("422", {"description": "Idempotency-Key dipakai untuk isi yang berbeda", **error})
    return result
