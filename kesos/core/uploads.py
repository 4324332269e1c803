"""Uploaded files (case attachments, LKS documents): checked by their content, stored under a name
nobody chose, kept outside the web root and served only through permission-checked views."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

# What the file *is*, from its first bytes. The name and the browser's content type are whatever
# the sender says; a script renamed to .jpg still starts like a script.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)
TYPE_MESSAGE = "Jenis berkas tidak diizinkan: hanya JPG, PNG atau PDF."


def sniff(upload) -> tuple[str, str] | None:
    """(content type, extension) of an allowed file, from its signature; None for anything else."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


@dataclass
class CheckedUpload:
    content_type: str
    stored_name: str  # random, with the extension the content says
    original_name: str  # the sender's name, for display and the download only
    size: int


def check_upload(upload, field: str = "upload") -> CheckedUpload:
    """Refuse an empty, oversized or disallowed file with a message on `field`."""
    max_mb = settings.KESOS_ATTACHMENT_MAX_MB
    if upload is None or not upload.size:
        raise ValidationError({field: "Pilih berkas yang akan diunggah."})
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError({field: f"Berkas terlalu besar: maksimal {max_mb} MB."})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError({field: TYPE_MESSAGE})
    content_type, extension = kind
    original_name = (upload.name or f"berkas.{extension}").replace("\\", "/").rsplit("/", 1)[-1][:200]
    return CheckedUpload(content_type, f"{secrets.token_hex(16)}.{extension}", original_name, upload.size)


def private_response(response):
    """Headers of a served private file (case attachment, LKS document, TKSK photo): the browser must not
    guess its type, and no cache may keep it."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_stored(stored, *, missing: str, as_attachment: bool = True):
    """A stored upload (a model with `file`, `original_name`, `content_type`) as a private download,
    under the sender's file name; 404 with `missing` when the file is gone from the disk."""
    from django.http import FileResponse, Http404

    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    return private_response(
        FileResponse(
            handle, as_attachment=as_attachment, filename=stored.original_name, content_type=stored.content_type
        )
    )
