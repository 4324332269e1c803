"""Pages of events (kegiatan): the list, the event with its participants and daily attendance, the
participant recap by group (article 004's table), the printable attendance list, and the selection of
exemplary pillars (criteria, nominations, judges' scores, closing with the winners)."""

import datetime
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesos.accounts.models import place_of
from kesos.accounts.permissions import can, require
from kesos.audit.searches import number_search_record, page_number_search_allowed
from kesos.core.adapters import add_service_errors
from kesos.core.exports import stream_csv
from kesos.core.idempotency import idempotent_form
from kesos.core.pagination import page_of
from kesos.core.pdf import table_pdf
from kesos.core.search import ADDRESS_MESSAGE, search_params, search_redirect
from lks.selectors import lks_choices

from .. import event_selectors, selectors
from ..choices import TRAINING_KINDS, EventKind, SelectionStatus
from ..event_forms import (
    AttendanceForm,
    CriterionForm,
    EventForm,
    EventSearchForm,
    NominationForm,
    ParticipantForm,
    ScoreForm,
)
from ..services import events as services

PAGE_SIZE = 25
SEARCH_SIZE = 20


def _dates(event) -> str:
    """'6 November 2023' or '6–8 November 2023' or '30 Oktober – 2 November 2023'."""
    start, end = event.starts_on, event.ends_on
    if start == end:
        return date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{date_format(start, 'j F')} – {date_format(end, 'j F Y')}"
    return f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}"


def _member_search(request):
    """Roster members matching ?cari=, for the 'pick a member' helper of the participant and nomination
    forms (at most SEARCH_SIZE)."""
    params, dropped = search_params(request, field="cari")  # a NIK comes from the session, not the address
    if dropped:
        messages.error(request, ADDRESS_MESSAGE)
    q = ((params or {}).get("cari") or "").strip()
    if not q or not page_number_search_allowed(request, q):
        return q, []
    found = list(selectors.member_list(user=request.user, q=q).order_by("name", "id")[:SEARCH_SIZE])
    route = request.resolver_match.view_name if request.resolver_match else ""
    number_search_record(actor=request.user, term=q, route=route, rows=len(found), found=found)
    return q, found


# --- List, create, edit ----------------------------------------------------------------------------------
@login_required
@require_GET
def event_list(request):
    require(request.user, "pilar.view")
    form = EventSearchForm(request.GET or None)
    page = page_of(selectors.event_list(user=request.user, **form.filters()), request, PAGE_SIZE)
    for event in page:
        event.dates = _dates(event)
    return render(request, "pilar/event_list.html", {"form": form, "page": page})


@login_required
@idempotent_form
def event_create(request):
    require(request.user, "pilar.event")
    form = EventForm(request.POST or None, regions=event_selectors.organiser_regions(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            event = services.event_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = f"Kegiatan {event.name} tercatat. Tambahkan peserta."
            if event.kind == EventKind.SELEKSI:
                text += " Seleksi pilar teladan sudah dibuka: isi kriteria penilaian dan calon."
            messages.success(request, text)
            return redirect("pilar:event", pk=event.pk)
    return render(request, "pilar/event_form.html", {"form": form})


@login_required
def event_edit(request, pk):
    require(request.user, "pilar.event")
    event = selectors.event_get(user=request.user, pk=pk)
    require(request.user, "pilar.event", event)
    form = EventForm(request.POST or None, regions=[event.wilayah], event=event)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.service_data().items() if k not in ("kind", "wilayah")}
        try:
            services.event_update(actor=request.user, event=event, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Perubahan kegiatan tersimpan.")
            return redirect("pilar:event", pk=event.pk)
    return render(request, "pilar/event_form.html", {"form": form, "event": event})


# --- The event, its participants --------------------------------------------------------------------------
def _participant_rows(event):
    """Participants grouped by unsur (recap order), each with the days they were present."""
    present = selectors.attendance_days(event)
    groups: OrderedDict[str, list] = OrderedDict()
    participants = list(selectors.participants(event))
    for p in participants:
        p.days_present = sorted(present.get(p.pk, ()))
        groups.setdefault(p.group.recap_label, []).append(p)
    return participants, groups, present


@login_required
@require_GET
def event_detail(request, pk):
    require(request.user, "pilar.view")
    event = selectors.event_get(user=request.user, pk=pk)
    require(request.user, "pilar.view", event)
    participants, groups, present = _participant_rows(event)
    days = [
        {"day": d, "n": n, "count": sum(1 for ds in present.values() if d in ds)}
        for n, d in enumerate(event.days, start=1)
    ]
    context = {
        "event": event,
        "dates": _dates(event),
        "groups": groups,
        "participant_count": len(participants),
        "days": days,
        "training": event.kind in TRAINING_KINDS,
        "may_organise": can(request.user, "pilar.event", event),
        "selection": selectors.selection_of(event) if event.kind == EventKind.SELEKSI else None,
    }
    return render(request, "pilar/event.html", context)


@login_required
@idempotent_form
def participant_add(request, pk):
    require(request.user, "pilar.event")
    event = selectors.event_get(user=request.user, pk=pk)
    require(request.user, "pilar.event", event)
    if request.method == "POST" and "cari" in request.POST:  # the member search box, not the participant form
        return search_redirect(request, field="cari")
    initial = {"member": request.GET.get("anggota") or None}
    form = ParticipantForm(
        request.POST or None, user=request.user, kabkota=event_selectors.kabkota_choices(request.user),
        lks_choices=lks_choices(user=request.user), initial=initial,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            participant = services.participant_add(actor=request.user, event=event, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            role = participant.get_role_display().lower()
            messages.success(request, f"{participant.name} ditambahkan sebagai {role}.")
            if request.POST.get("lagi"):
                return redirect("pilar:participant_add", pk=event.pk)
            return redirect("pilar:event", pk=event.pk)
    q, found = _member_search(request)
    context = {"event": event, "form": form, "q": q, "found": found, "searched": bool(q)}
    return render(request, "pilar/participant_form.html", context)


@login_required
@require_POST
def participant_remove(request, pk, participant_pk):
    require(request.user, "pilar.event")
    event = selectors.event_get(user=request.user, pk=pk)
    participant = selectors.participant_get(user=request.user, event=event, pk=participant_pk)
    participant.event = event
    require(request.user, "pilar.event", participant)
    name = participant.name
    services.participant_remove(actor=request.user, participant=participant)
    messages.success(request, f"{name} dihapus dari daftar peserta.")
    return redirect(reverse("pilar:event", kwargs={"pk": event.pk}) + "#peserta")


# --- Attendance -------------------------------------------------------------------------------------------
def _day_of(event, text) -> datetime.date:
    """The day asked for when it is a day of the event; else today during the event, or its first day."""
    try:
        day = datetime.date.fromisoformat(text or "")
    except ValueError:
        day = None
    if day in event.days:
        return day
    today = timezone.localdate()
    return today if event.starts_on <= today <= event.ends_on else event.starts_on


@login_required
def attendance(request, pk):
    require(request.user, "pilar.event")
    event = selectors.event_get(user=request.user, pk=pk)
    require(request.user, "pilar.event", event)
    participants = list(selectors.participants(event))
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("semua"):  # "everyone was there": no need to tick 200 boxes
            data.setlist("present", [str(p.pk) for p in participants])
        form = AttendanceForm(data, event=event, participants=participants)
        if form.is_valid():
            day = form.cleaned_data["day"]
            try:
                n = services.attendance_record(
                    actor=request.user, event=event, day=day, present_ids=form.cleaned_data["present"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                text = f"Kehadiran {day:%d-%m-%Y} tersimpan: {n} dari {len(participants)} peserta hadir."
                if event.kind in TRAINING_KINDS:
                    text += " Pelatihan ini tercatat di riwayat pelatihan anggota pilar yang hadir."
                messages.success(request, text)
                return redirect(reverse("pilar:attendance", kwargs={"pk": event.pk}) + f"?hari={day.isoformat()}")
        day = _day_of(event, request.POST.get("day"))
    else:
        day = _day_of(event, request.GET.get("hari"))
        present = selectors.attendance_days(event)
        form = AttendanceForm(
            event=event, participants=participants,
            initial={"day": day.isoformat(), "present": [p.pk for p in participants if day in present.get(p.pk, ())]},
        )  # fmt: skip
    checked = {str(v) for v in (form["present"].value() or [])}
    rows = [(p, str(p.pk) in checked) for p in participants]
    context = {
        "event": event,
        "dates": _dates(event),
        "form": form,
        "rows": rows,
        "day": day,
        "day_choices": form.fields["day"].choices,
        "training": event.kind in TRAINING_KINDS,
    }
    return render(request, "pilar/attendance.html", context)


def _office(user):
    """The user's office, and its name as `kesos.core.context_processors.office` finds it."""
    from django.conf import settings

    office = getattr(user, "office", None)
    return office, office.name if office else settings.KESOS_OFFICE_NAME


@login_required
@require_GET
def attendance_pdf(request, pk):
    """The daftar hadir to print and sign: one row per participant, one column per day."""
    require(request.user, "pilar.view")
    event = selectors.event_get(user=request.user, pk=pk)
    require(request.user, "pilar.view", event)
    participants = list(selectors.participants(event))
    present = selectors.attendance_days(event)
    days = event.days
    recorded = bool(present)
    header = ["No", "Nama", "Unsur", "Asal kab/kota", "Jabatan/instansi"]
    widths = [0.8, 4.5, 2.6, 3, 4]
    if recorded:
        header += [f"Hari {n}\n{d:%d-%m}" for n, d in enumerate(days, start=1)]
        widths += [1.4] * len(days)
    else:
        header.append("Tanda tangan")
        widths.append(3.5)
    rows = []
    for n, p in enumerate(participants, start=1):
        row = [n, p.name, p.group.recap_label, p.kabkota.name if p.kabkota else "", p.position]
        if recorded:
            row += ["Hadir" if d in present.get(p.pk, ()) else "" for d in days]
        else:
            row.append(f"{n}. ....................")
        rows.append(row)
    office, office_name = _office(request.user)
    letterhead = [office_name.upper()]
    if office is not None and office.address:
        letterhead += office.address.splitlines()
    if office is not None and office.head_name and office.wilayah_id == event.wilayah_id:
        signature = {"title": f"Kepala {office.name}", "name": office.head_name, "nip": office.head_nip}
    else:
        signature = {"title": "Penyelenggara,\n" + (event.organiser or f"Dinas Sosial {event.wilayah.name}"),
                     "name": "", "nip": ""}  # fmt: skip
    signature |= {"place": office.signing_place if office and office.wilayah_id == event.wilayah_id
                  else place_of(event.wilayah), "date": event.ends_on}  # fmt: skip
    pdf = table_pdf(
        title_lines=["DAFTAR HADIR", event.name, f"{_dates(event)} · {event.venue}"],
        header=header, rows=rows, letterhead=letterhead, landscape=recorded and len(days) > 2,
        signature=signature, col_widths=widths, align=["CENTER", "LEFT", "LEFT", "LEFT", "LEFT"]
        + ["CENTER"] * (len(header) - 5),
    )  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename=daftar-hadir-{event.pk}.pdf"
    return response


# --- Recap ------------------------------------------------------------------------------------------------
@login_required
@require_GET
def event_recap(request, pk):
    """Participants by group (article 004's table), and the kab/kota × group matrix."""
    require(request.user, "pilar.view")
    event = selectors.event_get(user=request.user, pk=pk)
    require(request.user, "pilar.view", event)
    recap, total = selectors.event_recap(event)
    if request.GET.get("format") == "csv":
        rows = [(n, r.label, r.count) for n, r in enumerate(recap, start=1)] + [("", "Jumlah", total)]
        return stream_csv(filename=f"rekap-peserta-{event.pk}.csv", header=["No", "Unsur", "Jumlah peserta"],
                          rows=rows)  # fmt: skip
    labels, matrix, totals = selectors.event_recap_by_kabkota(event)
    context = {
        "event": event,
        "dates": _dates(event),
        "recap": recap,
        "total": total,
        "labels": labels,
        "matrix": matrix,
        "totals": totals,
    }
    return render(request, "pilar/event_recap.html", context)


# --- Selection of exemplary pillars -----------------------------------------------------------------------
def _selection_for(request, pk, rule):
    """The event (404 out of scope), the rule on it, and its selection (404 unless it is a Seleksi)."""
    event = selectors.event_get(user=request.user, pk=pk)
    require(request.user, rule, event)
    selection = selectors.selection_of(event)
    if selection is None:
        raise Http404("Kegiatan ini bukan seleksi pilar sosial.")
    selection.event = event
    return event, selection


def _by_type(nominations):
    groups: OrderedDict[str, list] = OrderedDict()
    for n in sorted(nominations, key=lambda n: (n.member.type.order, n.rank or 0, n.kabkota_id, n.member.name)):
        groups.setdefault(n.member.type.name, []).append(n)
    return groups


def _selection_page(request, event, selection, *, criterion_form=None, nomination_form=None, close_errors=()):
    criteria = event_selectors.criteria_of(selection)
    nominations = list(selectors.nominations(selection))
    totals = services.nomination_totals(selection)
    progress = event_selectors.judge_progress(selection)
    for n in nominations:
        n.weighted = n.total if n.total is not None else totals.get(n.pk)
        n.judges = progress.get(n.pk, [])
    open_ = selection.status == SelectionStatus.TERBUKA
    may_organise = can(request.user, "pilar.event", selection)
    q, found = _member_search(request)
    context = {
        "event": event,
        "dates": _dates(event),
        "selection": selection,
        "open": open_,
        "criteria": criteria,
        "weight_sum": sum(c.weight for c in criteria),
        "weight_missing": 100 - sum(c.weight for c in criteria),
        "groups": _by_type(nominations),
        "nomination_count": len(nominations),
        "may_organise": may_organise,
        "may_judge": can(request.user, "pilar.judge", selection),
        "criterion_form": criterion_form or CriterionForm(),
        "nomination_form": nomination_form
        or NominationForm(user=request.user, initial={"member": request.GET.get("anggota") or None}),
        "close_errors": close_errors,
        "q": q,
        "found": found,
        "searched": bool(q),
    }
    return render(request, "pilar/selection.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def selection_detail(request, pk):
    require(request.user, "pilar.view")
    event, selection = _selection_for(request, pk, "pilar.view")
    if request.method == "POST":  # the member search box: its NIK goes to the session, not the address
        return search_redirect(request, field="cari")
    return _selection_page(request, event, selection)


@login_required
@require_POST
@idempotent_form
def criterion_add(request, pk):
    require(request.user, "pilar.event")
    event, selection = _selection_for(request, pk, "pilar.event")
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            criterion = services.criterion_add(actor=request.user, selection=selection, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Kriteria {criterion.name} ({criterion.weight}%) ditambahkan.")
            return redirect(reverse("pilar:selection", kwargs={"pk": event.pk}) + "#kriteria")
    return _selection_page(request, event, selection, criterion_form=form)


@login_required
@require_POST
@idempotent_form
def nomination_add(request, pk):
    require(request.user, "pilar.event")
    event, selection = _selection_for(request, pk, "pilar.event")
    form = NominationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            nomination = services.nomination_add(actor=request.user, selection=selection, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{nomination.member.name} diusulkan sebagai calon.")
            return redirect(reverse("pilar:selection", kwargs={"pk": event.pk}) + "#calon")
    return _selection_page(request, event, selection, nomination_form=form)


@login_required
@require_POST
def selection_close(request, pk):
    require(request.user, "pilar.judge")
    event, selection = _selection_for(request, pk, "pilar.judge")
    try:
        ranked = services.selection_close(actor=request.user, selection=selection)
    except ValidationError as exc:
        return _selection_page(request, event, selection, close_errors=exc.messages)
    winners = sum(1 for n in ranked if n.winner)
    messages.success(request, f"Seleksi ditutup: {winners} pemenang ditetapkan. Hasilnya tidak dapat diubah lagi.")
    return redirect("pilar:selection", pk=event.pk)


@login_required
def nomination_score(request, pk):
    require(request.user, "pilar.judge")
    nomination = selectors.nomination_get(user=request.user, pk=pk)
    require(request.user, "pilar.judge", nomination)
    selection = nomination.selection
    event = selection.event
    criteria = event_selectors.criteria_of(selection)
    open_ = selection.status == SelectionStatus.TERBUKA
    form = ScoreForm(
        request.POST if request.method == "POST" and open_ else None, criteria=criteria,
        scores=event_selectors.scores_by(nomination, request.user), notes=nomination.visit_notes,
    )  # fmt: skip
    if request.method == "POST" and open_ and form.is_valid():
        try:
            services.scores_record(actor=request.user, nomination=nomination, values=form.values())
            if form.cleaned_data["visit_notes"] != nomination.visit_notes:
                services.nomination_visit(actor=request.user, nomination=nomination,
                                          notes=form.cleaned_data["visit_notes"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Nilai Anda untuk {nomination.member.name} tersimpan.")
            return redirect(reverse("pilar:selection", kwargs={"pk": event.pk}) + "#calon")
    if request.method == "POST" and not open_:
        messages.error(request, "Seleksi ini sudah ditutup; nilai tidak dapat diubah.")
    context = {"event": event, "selection": selection, "nomination": nomination, "form": form, "open": open_,
               "criteria": criteria}  # fmt: skip
    return render(request, "pilar/score_form.html", context)
