"""Case attachments: upload from the case page; download only through the permission checks below."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.idempotency import idempotent_form
from kesos.core.uploads import serve_stored

from .. import selectors, work_selectors
from ..services import attachments as attachment_services


class AttachmentForm(forms.Form):
    """Shape only: type, size and permission are checked by the service, on the file's content."""

    upload = forms.FileField(label="Berkas")
    description = forms.CharField(label="Keterangan", max_length=200, required=False)


@login_required
@require_POST
@idempotent_form
def attachment_add(request, pk):
    require(request.user, "ppks.view_person")
    case = selectors.case_get(user=request.user, pk=pk)
    require(request.user, "ppks.work_case", case)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Pilih berkas yang akan diunggah.")
        return redirect("ppks:case", pk=case.pk)
    try:
        attachment = attachment_services.attachment_add(
            actor=request.user, case=case, upload=form.cleaned_data["upload"],
            description=form.cleaned_data["description"],
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Lampiran {attachment.original_name} tersimpan.")
    return redirect("ppks:case", pk=case.pk)


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """The file, to those who may read the case work (a letter or photo is often medical, legal or about
    a child): the assigned worker and the supervisors; the case's reporter their own uploads. Audited."""
    require(request.user, "ppks.view_person")
    case = selectors.case_get(user=request.user, pk=pk)
    selectors.casework_require(user=request.user, case=case)
    attachment = work_selectors.case_attachment_get(case=case, pk=attachment_pk, user=request.user)
    response = serve_stored(attachment, missing="Berkas lampiran tidak ditemukan.")
    audit_record(action=actions.VIEW, actor=request.user, obj=case, detail={"attachment": attachment.pk})
    return response
