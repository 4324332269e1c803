"""Case work from the case page: assessment, plan items, services delivered, notes.

Each POST validates its form and calls one service; on an error the case page is shown again
with that form bound, so nothing the worker typed is lost.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kesos.accounts.permissions import require
from kesos.core.adapters import add_service_errors
from kesos.core.idempotency import idempotent_form

from .. import selectors
from ..forms import AssessmentForm, NoteForm, PlanItemForm, ServiceForm
from ..services import casework
from . import case_context


def _submit(request, pk, form_name, make_form, call, done):
    require(request.user, "ppks.view_person")
    case = selectors.case_get(user=request.user, pk=pk)
    # Refused before the form is read: the page shown again on an error holds the case work.
    require(request.user, "ppks.work_case", case)
    form = make_form(case)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            if form.non_field_errors():  # e.g. a closed case: its forms are not shown, so say it on top
                messages.error(request, " ".join(form.non_field_errors()))
        else:
            messages.success(request, done)
            return redirect("ppks:case", pk=case.pk)
    return render(request, "ppks/case.html", case_context(case, user=request.user, **{form_name: form}), status=400)


@login_required
@require_POST
@idempotent_form
def assessment_add(request, pk):
    return _submit(
        request, pk, "assessment_form", lambda case: AssessmentForm(request.POST),
        lambda case, data: casework.assessment_add(actor=request.user, case=case, **data), "Asesmen tersimpan.",
    )  # fmt: skip


@login_required
@require_POST
@idempotent_form
def plan_item_add(request, pk):
    return _submit(
        request, pk, "plan_form",
        lambda case: PlanItemForm(request.POST, workers=selectors.case_worker_choices(case)),
        lambda case, data: casework.plan_item_add(actor=request.user, case=case, **data),
        "Rencana intervensi ditambahkan.",
    )  # fmt: skip


@login_required
@require_POST
def plan_item_done(request, pk, item_pk):
    require(request.user, "ppks.view_person")
    case = selectors.case_get(user=request.user, pk=pk)
    require(request.user, "ppks.work_case", case)
    item = get_object_or_404(selectors.case_work(case, user=request.user)["plan_items"], pk=item_pk)
    try:
        casework.plan_item_done(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"'{item.goal}' ditandai selesai.")
    return redirect("ppks:case", pk=case.pk)


@login_required
@require_POST
@idempotent_form
def service_add(request, pk):
    return _submit(
        request, pk, "service_form", lambda case: ServiceForm(request.POST),
        lambda case, data: casework.service_record(actor=request.user, case=case, **data), "Layanan tercatat.",
    )  # fmt: skip


@login_required
@require_POST
@idempotent_form
def note_add(request, pk):
    return _submit(
        request, pk, "note_form", lambda case: NoteForm(request.POST),
        lambda case, data: casework.note_add(actor=request.user, case=case, **data), "Catatan tersimpan.",
    )  # fmt: skip
