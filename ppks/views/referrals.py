"""Rujukan pages: send from the case page, record the agency's answer, and the supervisors' overdue list."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kesos.accounts.permissions import require
from kesos.core.idempotency import idempotent_form

from .. import selectors, work_selectors
from ..models import ReferralStatus, ReferralTarget
from ..services import referrals as referral_services

PAGE_SIZE = 25


class ReferralSendForm(forms.Form):
    """Shape of a referral; dates, the case's state and permission are the service's job."""

    target_kind = forms.ChoiceField(label="Dirujuk ke", choices=ReferralTarget.choices)
    target_name = forms.CharField(label="Nama lembaga", max_length=200)
    reason = forms.CharField(label="Alasan rujukan", max_length=4000)
    sent_on = forms.DateField(label="Tanggal kirim", required=False)
    acknowledge_by = forms.DateField(label="Batas jawaban", required=False)


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ReferralStatus.choices)
    outcome = forms.CharField(label="Hasil", max_length=4000, required=False)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
    )


@login_required
@require_POST
@idempotent_form
def referral_send(request, pk):
    require(request.user, "ppks.view_person")
    case = selectors.case_get(user=request.user, pk=pk)
    require(request.user, "ppks.work_case", case)
    form = ReferralSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Rujukan belum terkirim. {_form_errors(form)}")
        return redirect("ppks:case", pk=case.pk)
    try:
        referral = referral_services.referral_send(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "Rujukan belum terkirim. " + " ".join(exc.messages))
    else:
        messages.success(
            request, f"Rujukan ke {referral.target_name} tercatat; batas jawaban {referral.acknowledge_by:%d/%m/%Y}."
        )
    return redirect("ppks:case", pk=case.pk)


@login_required
@require_POST
def referral_update(request, pk, referral_pk):
    require(request.user, "ppks.view_person")
    case = selectors.case_get(user=request.user, pk=pk)
    require(request.user, "ppks.work_case", case)
    referral = work_selectors.case_referral_get(case=case, pk=referral_pk)
    form = ReferralUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Status rujukan belum berubah. {_form_errors(form)}")
        return redirect("ppks:case", pk=case.pk)
    try:
        referral = referral_services.referral_update(actor=request.user, referral=referral, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "Status rujukan belum berubah. " + " ".join(exc.messages))
    else:
        messages.success(request, f"Rujukan ke {referral.target_name}: {referral.get_status_display().lower()}.")
    return redirect("ppks:case", pk=case.pk)


@login_required
@require_GET
def referral_overdue(request):
    """Referrals past their answer deadline in the regions the user supervises."""
    require(request.user, "ppks.view_person")
    require(request.user, "ppks.assign_case")  # the supervisors' rule: they chase what their workers sent
    qs = work_selectors.referral_overdue_list(user=request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ppks/referral_overdue.html", {"page": page})
