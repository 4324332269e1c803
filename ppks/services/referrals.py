"""Rujukan: sending a case to another service, following its answer, and bringing the outcome back."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record

from ..models import Case, CaseNote, Referral, ReferralStatus, ReferralTarget
from ..workflow import Stage
from . import case_transition

# The receiving agency is expected to confirm receipt within three days (the usual "3 x 24 jam"
# of a referral letter): short enough that a lost letter is chased within the same week, long
# enough for a puskesmas or police unit that reads its post every few days. The worker can set
# another date when they know the agency's own rule.
ACKNOWLEDGE_DAYS = 3

# Status moves a referral may make. Refused and completed are final.
S = ReferralStatus
MOVES: dict[str, tuple[str, ...]] = {
    S.DIKIRIM: (S.DITERIMA_PESAN, S.DISETUJUI, S.DITOLAK),
    S.DITERIMA_PESAN: (S.DISETUJUI, S.DITOLAK),
    S.DISETUJUI: (S.SELESAI,),
}
NEEDS_OUTCOME = frozenset({S.SELESAI, S.DITOLAK})
# Referrals still waiting for the agency's first answer: the ones the deadline is about.
AWAITING_ANSWER = (S.DIKIRIM,)


def next_statuses(status: str) -> tuple[str, ...]:
    return MOVES.get(status, ())


@transaction.atomic
def referral_send(
    *, actor, case: Case, target_kind: str, target_name: str, reason: str,
    sent_on: datetime.date | None = None, acknowledge_by: datetime.date | None = None,
) -> Referral:  # fmt: skip
    """Record a referral. A case in intervention moves to 'dirujuk'; in another stage it is only recorded
    (a referral made during assessment or follow-up does not change where the case stands)."""
    require(actor, "ppks.work_case", case)
    today = timezone.localdate()
    sent_on = sent_on or today
    acknowledge_by = acknowledge_by or sent_on + datetime.timedelta(days=ACKNOWLEDGE_DAYS)
    errors = {}
    if not case.is_open:
        errors["case"] = "Kasus sudah selesai: rujukan tidak dapat dikirim."
    if target_kind not in ReferralTarget.values:
        errors["target_kind"] = "Pilih jenis lembaga tujuan rujukan."
    if not (target_name or "").strip():
        errors["target_name"] = "Tuliskan nama lembaga tujuan."
    if not (reason or "").strip():
        errors["reason"] = "Tuliskan alasan rujukan."
    if sent_on > today:
        errors["sent_on"] = "Tanggal kirim tidak boleh di masa depan."
    if acknowledge_by < sent_on:
        errors["acknowledge_by"] = "Batas jawaban tidak boleh sebelum tanggal kirim."
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        case=case, target_kind=target_kind, target_name=target_name.strip(), reason=reason.strip(),
        sent_on=sent_on, acknowledge_by=acknowledge_by, author=actor,
    )  # fmt: skip
    audit_record(
        action=actions.CREATE, actor=actor, obj=case,
        detail={"referral": referral.pk, "target_kind": target_kind, "acknowledge_by": acknowledge_by.isoformat()},
    )  # fmt: skip
    if case.stage == Stage.INTERVENSI:
        case_transition(actor=actor, case=case, to_stage=Stage.DIRUJUK, note=f"Dirujuk ke {referral.target_name}.")
    return referral


@transaction.atomic
def referral_update(*, actor, referral: Referral, status: str, outcome: str = "") -> Referral:
    """Record the agency's answer. A refusal or a completion carries its outcome, which also becomes a
    note on the case so the worker reads it in the case's timeline."""
    case = referral.case
    require(actor, "ppks.work_case", case)
    # Lock the row: two workers answering the same referral at once must not both pass the check.
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    outcome = (outcome or "").strip()
    if status not in next_statuses(current.status):
        label = S(status).label if status in S.values else status
        raise ValidationError(
            {"status": f"Rujukan berstatus {current.get_status_display()} tidak dapat diubah menjadi {label}."}
        )
    if status in NEEDS_OUTCOME and not outcome:
        raise ValidationError({"outcome": "Tuliskan hasil rujukan."})
    previous = current.status
    current.status = status
    fields = ["status", "updated_at"]
    if outcome:
        current.outcome = outcome
        fields.append("outcome")
    current.save(update_fields=fields)
    if outcome:
        CaseNote.objects.create(
            case=case, author=actor, at=timezone.now(),
            text=f"Rujukan ke {current.target_name}: {current.get_status_display().lower()}. Hasil: {outcome}",
        )  # fmt: skip
    audit_record(
        action=actions.UPDATE, actor=actor, obj=case,
        detail={"referral": current.pk, "status_from": previous, "status": status},
    )  # fmt: skip
    referral.refresh_from_db()
    return referral
