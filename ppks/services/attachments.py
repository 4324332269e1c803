"""Case attachments (photos, letters): checked by their content, stored under a name nobody chose."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.uploads import check_upload

from ..models import Attachment, Case


@transaction.atomic
def attachment_add(*, actor, case: Case, upload, description: str = "") -> Attachment:
    """Store a JPG, PNG or PDF on the case, outside the web root, under a random name."""
    require(actor, "ppks.work_case", case)
    checked = check_upload(upload)
    description = (description or "").strip()
    if len(description) > 200:
        raise ValidationError({"description": "Keterangan paling banyak 200 huruf."})
    attachment = Attachment(
        case=case, stored_name=checked.stored_name, original_name=checked.original_name,
        content_type=checked.content_type, size=checked.size, description=description, uploaded_by=actor,
        uploaded_at=timezone.now(),
    )  # fmt: skip
    attachment.file.save(attachment.stored_name, checked.content, save=False)
    try:
        attachment.save()
        audit_record(
            action=actions.CREATE, actor=actor, obj=case,
            detail={"attachment": attachment.pk, "content_type": checked.content_type, "size": attachment.size},
        )  # fmt: skip
    except Exception:
        # No row, no file. (Should a caller's outer transaction roll back later, the file stays as an
        # unreferenced random name that no view can serve; Django has no on-rollback hook.)
        attachment.file.delete(save=False)
        raise
    return attachment
