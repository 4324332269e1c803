"""Case attachments (photos, letters): checked by their content, stored under a name nobody chose."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record

from ..models import Attachment, Case

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


@transaction.atomic
def attachment_add(*, actor, case: Case, upload, description: str = "") -> Attachment:
    """Store a JPG, PNG or PDF on the case, outside the web root, under a random name."""
    require(actor, "ppks.work_case", case)
    max_mb = settings.KESOS_ATTACHMENT_MAX_MB
    if upload is None or not upload.size:
        raise ValidationError({"upload": "Pilih berkas yang akan diunggah."})
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError({"upload": f"Berkas terlalu besar: maksimal {max_mb} MB."})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError({"upload": TYPE_MESSAGE})
    content_type, extension = kind
    description = (description or "").strip()
    if len(description) > 200:
        raise ValidationError({"description": "Keterangan paling banyak 200 huruf."})
    # The user's file name is kept for display and the download's name only; it never touches the disk.
    original_name = (upload.name or f"lampiran.{extension}").replace("\\", "/").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        case=case, stored_name=f"{secrets.token_hex(16)}.{extension}", original_name=original_name,
        content_type=content_type, size=upload.size, description=description, uploaded_by=actor,
        uploaded_at=timezone.now(),
    )  # fmt: skip
    attachment.file.save(attachment.stored_name, upload, save=False)
    try:
        attachment.save()
        audit_record(
            action=actions.CREATE, actor=actor, obj=case,
            detail={"attachment": attachment.pk, "content_type": content_type, "size": attachment.size},
        )  # fmt: skip
    except Exception:
        # No row, no file. (Should a caller's outer transaction roll back later, the file stays as an
        # unreferenced random name that no view can serve; Django has no on-rollback hook.)
        attachment.file.delete(save=False)
        raise
    return attachment
