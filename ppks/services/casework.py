"""Case work: assessments, the intervention plan, services delivered, case notes.

Each is written by the assigned worker or a supervisor of the case's region, on an open case.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record

from ..models import Assessment, Case, CaseNote, PlanItem, RefKind, ServiceDelivery
from . import WORKER_NOT_FOUND, worker_can_take


def _open_case(actor, case: Case) -> None:
    require(actor, "ppks.work_case", case)
    if not case.is_open:
        raise ValidationError(f"Kasus sudah {case.get_stage_display().lower()}; tidak dapat diubah lagi.")


def _not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "Tanggal tidak boleh di masa depan."})


@transaction.atomic
def assessment_add(*, actor, case: Case, assessed_on, findings, scope="individu", needs="", strengths="") -> Assessment:
    _open_case(actor, case)
    _not_future(assessed_on, "assessed_on")
    if not findings.strip():
        raise ValidationError({"findings": "Tuliskan temuan asesmen."})
    assessment = Assessment.objects.create(
        case=case, assessed_on=assessed_on, scope=scope, findings=findings, needs=needs, strengths=strengths,
        author=actor,
    )  # fmt: skip
    audit_record(action=actions.UPDATE, actor=actor, obj=case, detail={"assessment": assessment.pk})
    return assessment


@transaction.atomic
def plan_item_add(*, actor, case: Case, goal, service, responsible, target_date) -> PlanItem:
    _open_case(actor, case)
    if target_date < case.opened_at.date():
        raise ValidationError({"target_date": "Target tidak boleh sebelum kasus dibuka."})
    if responsible is not None and not worker_can_take(responsible, case):
        raise ValidationError({"responsible": WORKER_NOT_FOUND})
    item = PlanItem.objects.create(
        case=case, goal=goal, service=service, responsible=responsible, target_date=target_date, author=actor
    )
    audit_record(action=actions.UPDATE, actor=actor, obj=case, detail={"plan_item": item.pk})
    return item


@transaction.atomic
def plan_item_done(*, actor, item: PlanItem, done_on=None) -> PlanItem:
    _open_case(actor, item.case)
    item.done_on = done_on or timezone.localdate()
    item.save(update_fields=["done_on", "updated_at"])
    audit_record(action=actions.UPDATE, actor=actor, obj=item.case, detail={"plan_item_done": item.pk})
    return item


@transaction.atomic
def service_record(
    *, actor, case: Case, delivered_on, form, description, provider, programme=None, atensi_component=None,
    amount=None, in_kind="",
) -> ServiceDelivery:  # fmt: skip
    """A service delivered: one of the four forms of welfare delivery, the programme, the value."""
    _open_case(actor, case)
    _not_future(delivered_on, "delivered_on")
    if programme is None:
        raise ValidationError({"programme": "Pilih program layanan."})
    if programme.kind != RefKind.PROGRAM or (atensi_component and atensi_component.kind != RefKind.ATENSI):
        raise ValidationError({"programme": "Program atau komponen ATENSI tidak dikenal."})
    if amount is None and not in_kind.strip():
        raise ValidationError({"amount": "Isi nilai uang atau uraian bantuan barang."})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "Nilai tidak boleh negatif."})
    service = ServiceDelivery.objects.create(
        case=case, delivered_on=delivered_on, form=form, programme=programme, atensi_component=atensi_component,
        description=description, provider=provider, amount=amount, in_kind=in_kind, author=actor,
    )  # fmt: skip
    audit_record(action=actions.UPDATE, actor=actor, obj=case, detail={"service": service.pk})
    return service


@transaction.atomic
def note_add(*, actor, case: Case, text: str) -> CaseNote:
    """Notes may be added to a closed case too (follow-up after closure is part of the work)."""
    require(actor, "ppks.work_case", case)
    if not text.strip():
        raise ValidationError({"text": "Catatan kosong."})
    note = CaseNote.objects.create(case=case, author=actor, at=timezone.now(), text=text.strip())
    audit_record(action=actions.UPDATE, actor=actor, obj=case, detail={"note": note.pk})
    return note
