"""Scoped reads of the work on cases: referrals, attachments, and a worker's due and overdue tasks.

Every query starts from `Case.objects.visible_to(user)`, as in `ppks.selectors`, so a task on a case
the user no longer sees (reassigned, region changed) disappears with the case.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.utils import timezone

from kesos.accounts.scope import SUPERVISOR_ROLES, scope_of

from .models import Attachment, Case, CaseTransition, Household, HouseholdMember, PlanItem, Referral
from .selectors import casework_visible
from .services.referrals import AWAITING_ANSWER
from .workflow import Stage

CASE_RELATED = ("case", "case__person", "case__wilayah")


def _households():
    """Households with their head's name annotated, so naming a household case costs no query per row."""
    head = HouseholdMember.objects.filter(household=OuterRef("pk"), left_on__isnull=True, relation__code="kepala")
    return Household.objects.annotate(head_name=Subquery(head.values("person__name")[:1]))


def _with_case(qs):
    return qs.select_related(*CASE_RELATED).prefetch_related(Prefetch("case__household", queryset=_households()))


def case_referrals(case, *, user):
    """The referrals of a case the user may read (ppks.selectors.casework_visible)."""
    rows = case.referrals.select_related("author").order_by("sent_on", "id")
    return casework_visible(user=user, case=case, rows=rows)


def case_referral_get(*, case, pk) -> Referral:
    """A referral of a case the caller already fetched through `case_get`; anything else is 404."""
    try:
        return case.referrals.select_related("case").get(pk=pk)
    except (Referral.DoesNotExist, ValueError):
        raise Http404("Rujukan tidak ditemukan.") from None


def case_attachments(case, *, user):
    rows = case.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")
    return casework_visible(user=user, case=case, rows=rows)


def case_attachment_get(*, case, pk, user) -> Attachment:
    """An attachment of a case the caller fetched through `case_get`, if the user may read it; else 404."""
    try:
        return casework_visible(user=user, case=case, rows=case.attachments.all()).get(pk=pk)
    except (Attachment.DoesNotExist, ValueError):
        raise Http404("Lampiran tidak ditemukan.") from None


def referral_overdue_list(*, user, today: datetime.date | None = None):
    """Referrals still without an answer after their deadline, on open cases of the regions the user
    supervises (not the cases they merely hold as a worker: those are on 'Pekerjaan saya')."""
    today = today or timezone.localdate()
    supervised = scope_of(user).region_q("wilayah__code", *SUPERVISOR_ROLES)
    cases = Case.objects.visible_to(user).open().filter(supervised)
    return _with_case(
        Referral.objects.filter(case__in=cases, status__in=AWAITING_ANSWER, acknowledge_by__lt=today)
        .select_related("case__assigned_worker", "author")
        .order_by("acknowledge_by", "id")
    )


@dataclass
class MyWork:
    """What a worker has to do, each list with its overdue rows first."""

    today: datetime.date
    plan_items: list  # PlanItem, with .overdue
    referrals: list  # Referral awaiting an answer, with .overdue
    follow_ups: list  # Case in bimbingan lanjut, with .since (date it entered the stage)
    cases: list  # other open cases assigned to the worker

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in (*self.plan_items, *self.referrals) if row.overdue)


def my_work(*, user, today: datetime.date | None = None) -> MyWork:
    """The logged-in worker's open cases, undone plan items, referrals awaiting an answer and follow-ups.

    A fixed number of queries whatever the number of rows (three lists, and their households)."""
    today = today or timezone.localdate()
    visible_open = Case.objects.visible_to(user).open()
    mine = visible_open.filter(assigned_worker=user)

    plan_items = list(
        _with_case(PlanItem.objects.filter(case__in=visible_open, responsible=user, done_on__isnull=True)).order_by(
            "target_date", "id"
        )
    )
    for item in plan_items:
        item.overdue = item.target_date < today

    referrals = list(
        _with_case(Referral.objects.filter(case__in=mine, status__in=AWAITING_ANSWER)).order_by("acknowledge_by", "id")
    )
    for referral in referrals:
        referral.overdue = referral.acknowledge_by < today

    entered = (
        CaseTransition.objects.filter(case=OuterRef("pk"), to_stage=Stage.BIMBINGAN_LANJUT)
        .values("case")
        .annotate(last=Max("at"))
        .values("last")
    )
    cases = list(
        mine.select_related("person", "wilayah")
        .prefetch_related(Prefetch("household", queryset=_households()))
        .annotate(follow_up_since=Subquery(entered))
        .order_by("opened_at", "id")
    )
    follow_ups = [c for c in cases if c.stage == Stage.BIMBINGAN_LANJUT]
    others = [c for c in cases if c.stage != Stage.BIMBINGAN_LANJUT]
    return MyWork(today=today, plan_items=plan_items, referrals=referrals, follow_ups=follow_ups, cases=others)
