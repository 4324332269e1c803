from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesos.accounts.permissions import require
from kesos.accounts.scope import BY_NAME_ROLES
from kesos.audit import actions
from kesos.audit.searches import number_search_record, page_number_search_allowed
from kesos.audit.services import audit_export, audit_list_read, audit_record
from kesos.core.adapters import add_service_errors
from kesos.core.exports import stream_csv
from kesos.core.idempotency import idempotent_form
from kesos.core.masking import birth_for, nik_for
from kesos.core.pagination import page_of
from kesos.core.search import ADDRESS_MESSAGE, search_params, search_redirect
from kesos.wilayah.selectors import allowed_province

from .. import selectors, services, timeline
from ..forms import (
    CaseAssignForm,
    CaseOpenForm,
    CaseSearchForm,
    CaseTransitionForm,
    CategoryForm,
    ExistingMemberForm,
    HouseholdForm,
    NewMemberForm,
    PersonForm,
    PersonSearchForm,
)

PAGE_SIZE = 25


def _search(request):
    """The list's search form, bound to its filters (a searched NIK/No. KK comes from the session,
    never from the address: kesos.core.search)."""
    params, dropped = search_params(request)
    if dropped:
        messages.error(request, ADDRESS_MESSAGE)
    form = PersonSearchForm(params, province=allowed_province(request.user))
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {"q": form.cleaned_data["q"], "wilayah": getattr(form.cleaned_data["wilayah"], "code", "")}
    return form, filters


def _searched_page(request, qs, filters, route: str):
    """One page of a by-name list, its read audited (one event with its rows), its exact-number search
    counted against the limit and audited. Past the limit: no rows, and the page answers 429."""
    allowed = page_number_search_allowed(request, filters.get("q"))
    page = page_of(qs if allowed else qs.none(), request, PAGE_SIZE)
    if allowed:
        number_search_record(
            actor=request.user, term=filters.get("q"), route=route, rows=page.paginator.count, found=page
        )
    audit_list_read(actor=request.user, rows=page, model=qs.model)
    return page, (200 if allowed else 429)


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    require(request.user, "ppks.view_person")
    if request.method == "POST":
        return search_redirect(request)
    form, filters = _search(request)
    qs = selectors.person_list(user=request.user, **filters)
    page, status = _searched_page(request, qs, filters, "ppks:person_list")
    user = request.user
    rows = [(person, nik_for(user, person), birth_for(user, person).display("d/m/Y")) for person in page]
    return render(request, "ppks/person_list.html", {"form": form, "page": page, "rows": rows}, status=status)


@login_required
@require_GET
def person_detail(request, pk):
    from kesos.accounts.permissions import can
    from lks import selectors as lks_selectors

    require(request.user, "ppks.view_person")
    person = selectors.person_get(user=request.user, pk=pk)
    audit_record(action=actions.VIEW, actor=request.user, obj=person)
    context = {
        "person": person,
        "memberships": selectors.person_memberships(person),
        "categories": selectors.person_categories(person),
        "category_form": CategoryForm(),
        "cases": selectors.person_cases(user=request.user, person=person),
        "timeline": timeline.person_timeline(user=request.user, person=person),
    }
    if can(request.user, "lks.view_residents"):
        # Where the person lives or lived in an LKS (one query; roles outside the LKS registry skip it).
        context["placements"] = list(lks_selectors.person_placements(user=request.user, person=person))
    return render(request, "ppks/person.html", context)


@login_required
@require_GET
def person_print(request, pk):
    """A printable sheet of one person's record (the browser prints it or saves it as PDF); audited."""
    require(request.user, "ppks.view_person")
    person = selectors.person_get(user=request.user, pk=pk)
    audit_record(action=actions.PRINT, actor=request.user, obj=person)
    return render(request, "ppks/person_print.html", {"person": person, "printed_at": timezone.now()})


def _save_person(request, form, call):
    """Run a person service from a valid form; service errors land on the form (input kept)."""
    try:
        return call(form.service_data())
    except services.PossibleDuplicate as exc:
        form.show_duplicate_confirmation()
        add_service_errors(form, exc)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None


@login_required
@idempotent_form
def person_create(request):
    require(request.user, "ppks.add_person")
    form = PersonForm(request.POST or None, province=allowed_province(request.user))
    if request.method == "POST" and form.is_valid():
        person = _save_person(
            request,
            form,
            lambda data: services.person_create(
                actor=request.user, confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"], **data
            ),
        )
        if person is not None:
            messages.success(request, f"Data {person.name} tersimpan.")
            return redirect("ppks:person", pk=person.pk)
    return render(request, "ppks/person_form.html", {"form": form})


@login_required
def person_edit(request, pk):
    require(request.user, "ppks.view_person")
    person = selectors.person_get(user=request.user, pk=pk)
    require(request.user, "ppks.change_person", person)
    form = PersonForm(request.POST or None, instance=person, province=allowed_province(request.user))
    if request.method == "POST" and form.is_valid():
        saved = _save_person(
            request,
            form,
            lambda data: services.person_update(
                actor=request.user,
                person=selectors.person_get(user=request.user, pk=pk),
                version=form.cleaned_data["version"] or 0,
                **data,
            ),
        )
        if saved is not None:
            messages.success(request, "Perubahan tersimpan.")
            return redirect("ppks:person", pk=pk)
    return render(request, "ppks/person_form.html", {"form": form, "person": person})


@login_required
@require_GET
def person_export(request):
    """By-name CSV of the persons in the user's scope and search; restricted and audited."""
    require(request.user, "ppks.export_by_name")
    _, filters = _search(request)
    if not page_number_search_allowed(request, filters.get("q")):
        return redirect("ppks:person_list")
    qs = selectors.person_list(user=request.user, **filters).order_by("wilayah_id", "name", "id")
    count = qs.count()
    found = qs[:2] if count == 1 else ()
    number_search_record(actor=request.user, term=filters.get("q"), route="ppks:person_export", rows=count, found=found)
    audit_export(
        actor=request.user, what="Daftar orang", count=count, filters=filters, roles=BY_NAME_ROLES,
        region=filters.get("wilayah", ""),
    )  # fmt: skip
    user = request.user
    rows = (
        (
            p.pk,
            nik_for(user, p),
            nik_for(user, p, "no_kk"),
            p.name,
            p.sex,
            p.birth_place,
            birth_for(user, p).display("d/m/Y"),
            p.wilayah_id,
            p.wilayah.name,
            p.address,
        )
        for p in qs.iterator(chunk_size=2000)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return stream_csv(
        filename=f"kesos-orang-{stamp}.csv",
        header=[
            "ID",
            "NIK",
            "No. KK",
            "Nama",
            "L/P",
            "Tempat lahir",
            "Tanggal lahir",
            "Kode wilayah",
            "Desa/kelurahan",
            "Alamat",
        ],
        rows=rows,
    )


# --- PPKS categories of a person or household ------------------------------------------------------
def _holder_redirect(holder):
    """Back to the page of the person or household a category holding belongs to."""
    name = "ppks:person" if holder._meta.model_name == "person" else "ppks:household"
    return redirect(name, pk=holder.pk)


def _category_add(request, holder, **who):
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            services.category_add(actor=request.user, **who, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Jenis PPKS {form.cleaned_data['category'].abbreviation} dicatat.")
    else:
        messages.error(request, "Pilih jenis PPKS dan sumbernya.")
    return _holder_redirect(holder)


@login_required
@require_POST
@idempotent_form
def person_category_add(request, pk):
    require(request.user, "ppks.view_person")
    person = selectors.person_get(user=request.user, pk=pk)
    return _category_add(request, person, person=person)


@login_required
@require_POST
@idempotent_form
def household_category_add(request, pk):
    require(request.user, "ppks.view_person")
    household = selectors.household_get(user=request.user, pk=pk)
    return _category_add(request, household, household=household)


@login_required
@require_POST
def category_verify(request, pk):
    require(request.user, "ppks.verify")
    holding = selectors.category_get(user=request.user, pk=pk)
    services.category_verify(actor=request.user, holding=holding)
    messages.success(request, f"{holding.category.abbreviation} terverifikasi.")
    return _holder_redirect(holding.holder)


@login_required
@require_POST
def category_end(request, pk):
    require(request.user, "ppks.view_person")
    holding = selectors.category_get(user=request.user, pk=pk)
    services.category_end(actor=request.user, holding=holding)
    messages.success(request, f"{holding.category.abbreviation} diakhiri.")
    return _holder_redirect(holding.holder)


# --- Households ---------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def household_list(request):
    require(request.user, "ppks.view_person")
    if request.method == "POST":
        return search_redirect(request)
    form, filters = _search(request)
    qs = selectors.household_list(user=request.user, **filters)
    page, status = _searched_page(request, qs, filters, "ppks:household_list")
    rows = [(h, nik_for(request.user, h, "no_kk")) for h in page]
    return render(request, "ppks/household_list.html", {"form": form, "page": page, "rows": rows}, status=status)


@login_required
@idempotent_form
def household_create(request):
    require(request.user, "ppks.add_person")
    form = HouseholdForm(request.POST or None, province=allowed_province(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Keluarga tercatat. Tambahkan anggotanya, mulai dari kepala keluarga.")
            return redirect("ppks:household", pk=household.pk)
    return render(request, "ppks/household_form.html", {"form": form})


@login_required
@require_GET
def household_detail(request, pk):
    require(request.user, "ppks.view_person")
    household = selectors.household_get(user=request.user, pk=pk)
    audit_record(action=actions.VIEW, actor=request.user, obj=household)
    members = [(m, nik_for(request.user, m.person)) for m in selectors.household_members(household)]
    context = {
        "household": household,
        "members": members,
        "categories": selectors.household_categories(household),
        "category_form": CategoryForm(),
        "no_kk": nik_for(request.user, household, "no_kk"),
        "timeline": timeline.household_timeline(user=request.user, household=household),
    }
    return render(request, "ppks/household.html", context)


@login_required
@idempotent_form
def household_member_new(request, pk):
    """Register a new person straight into the household (the usual way to enter a family)."""
    require(request.user, "ppks.view_person")
    household = selectors.household_get(user=request.user, pk=pk)
    require(request.user, "ppks.change_person", household)
    initial = {"wilayah": household.wilayah_id, "address": household.address, "rt": household.rt, "rw": household.rw,
               "no_kk": household.no_kk}  # fmt: skip
    form = NewMemberForm(request.POST or None, initial=initial, province=allowed_province(request.user))
    if request.method == "POST" and form.is_valid():
        relation = form.cleaned_data["relation"]

        def register(data):
            with transaction.atomic():
                person = services.person_create(
                    actor=request.user, confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"], **data
                )
                services.household_add_member(actor=request.user, household=household, person=person, relation=relation)
                return person

        person = _save_person(request, form, register)
        if person is not None:
            messages.success(request, f"{person.name} ditambahkan sebagai {relation.label.lower()}.")
            return redirect("ppks:household", pk=household.pk)
    return render(request, "ppks/household_member_form.html", {"form": form, "household": household})


@login_required
@idempotent_form
def household_member_add(request, pk):
    """Add a person already registered (found by NIK) to the household."""
    require(request.user, "ppks.view_person")
    household = selectors.household_get(user=request.user, pk=pk)
    require(request.user, "ppks.change_person", household)
    form = ExistingMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.person_by_nik(user=request.user, nik=form.cleaned_data["nik"])
        if person is None:
            form.add_error("nik", "Tidak ada orang dengan NIK ini di wilayah Anda. Daftarkan sebagai anggota baru.")
        else:
            try:
                services.household_add_member(
                    actor=request.user, household=household, person=person, relation=form.cleaned_data["relation"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"{person.name} ditambahkan ke keluarga.")
                return redirect("ppks:household", pk=household.pk)
    return render(request, "ppks/household_member_form.html", {"form": form, "household": household, "existing": True})


@login_required
@require_POST
def household_member_end(request, pk, member_pk):
    require(request.user, "ppks.view_person")
    household = selectors.household_get(user=request.user, pk=pk)
    member = get_object_or_404(selectors.household_members(household), pk=member_pk, left_on__isnull=True)
    try:
        services.household_end_member(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{member.person.name} tidak lagi tercatat sebagai anggota keluarga ini.")
    return redirect("ppks:household", pk=household.pk)


# --- Cases --------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def case_list(request):
    require(request.user, "ppks.view_person")
    if request.method == "POST":
        return search_redirect(request)
    params, dropped = search_params(request)
    if dropped:
        messages.error(request, ADDRESS_MESSAGE)
    form = CaseSearchForm(params, province=allowed_province(request.user))
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"], "stage": data["stage"], "category": data["category"], "open_only": data["open_only"],
            "wilayah": getattr(data["wilayah"], "code", ""), "overdue": data["overdue"],
            "worker": request.user if data["mine"] else None,
        }  # fmt: skip
    qs = selectors.case_list(user=request.user, **filters).prefetch_related("categories")
    page, status = _searched_page(request, qs, filters, "ppks:case_list")
    return render(request, "ppks/case_list.html", {"form": form, "page": page}, status=status)


def _case_open(request, holder, **who):
    require(request.user, "ppks.open_case", holder)
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, **who, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Kasus {case.number} dibuka.")
            return redirect("ppks:case", pk=case.pk)
    back = reverse("ppks:person" if "person" in who else "ppks:household", args=[holder.pk])
    return render(request, "ppks/case_form.html", {"form": form, "holder": holder, "back_url": back})


@login_required
@idempotent_form
def person_case_open(request, pk):
    require(request.user, "ppks.view_person")
    person = selectors.person_get(user=request.user, pk=pk)
    return _case_open(request, person, person=person)


@login_required
@idempotent_form
def household_case_open(request, pk):
    require(request.user, "ppks.view_person")
    household = selectors.household_get(user=request.user, pk=pk)
    return _case_open(request, household, household=household)


@login_required
@require_GET
def case_detail(request, pk):
    from kesos.accounts.permissions import can
    from lks import selectors as lks_selectors

    require(request.user, "ppks.view_person")
    case = selectors.case_get(user=request.user, pk=pk)
    audit_record(action=actions.VIEW, actor=request.user, obj=case)
    context = case_context(case, user=request.user)
    if case.person_id and can(request.user, "lks.view_residents"):
        # The LKS this case placed its person in (one query; roles outside the LKS registry skip it).
        context["placements"] = list(
            lks_selectors.person_placements(user=request.user, person=case.person).filter(case=case)
        )
    return render(request, "ppks/case.html", context)


def case_context(case, *, user, **bound_forms) -> dict:
    """Everything the case page shows to `user`; a view that failed validation passes its bound form in.
    Case work comes only through the case-work selectors: a by-name role that may not read it sees the
    case, its stage and dates, and a sentence saying why the rest is not shown."""
    from kesos.accounts.permissions import can

    from .. import work_selectors
    from ..forms import AssessmentForm, NoteForm, PlanItemForm, ServiceForm

    workers = selectors.case_worker_choices(case)
    forms = {
        "transition_form": CaseTransitionForm(case=case),
        "assign_form": CaseAssignForm(workers=workers),
        "assessment_form": AssessmentForm(),
        "plan_form": PlanItemForm(workers=workers),
        "service_form": ServiceForm(),
        "note_form": NoteForm(),
    }
    forms.update(bound_forms)
    return {
        "case": case,
        "categories": case.categories.all(),
        "transitions": selectors.case_transitions(case, user=user),
        "may_read_casework": can(user, "ppks.view_casework", case),
        "may_read_all_casework": can(user, "ppks.view_others_casework", case),
        "casework_hidden": selectors.CASEWORK_HIDDEN,
        "work": selectors.case_work(case, user=user),
        "referrals": work_selectors.case_referrals(case, user=user),
        "attachments": work_selectors.case_attachments(case, user=user),
        **forms,
    }


@login_required
@require_POST
def case_transition(request, pk):
    require(request.user, "ppks.view_person")
    case = selectors.case_get(user=request.user, pk=pk)
    form = CaseTransitionForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_transition(
                actor=request.user, case=case, to_stage=form.cleaned_data["to_stage"],
                note=form.cleaned_data["note"], version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Kasus pindah ke tahap {case.get_stage_display()}.")
    else:
        messages.error(request, "Pilih tahap berikutnya yang tersedia.")
    return redirect("ppks:case", pk=case.pk)


@login_required
@require_POST
def case_assign(request, pk):
    require(request.user, "ppks.assign_case")
    case = selectors.case_get(user=request.user, pk=pk)
    form = CaseAssignForm(request.POST, workers=selectors.case_worker_choices(case))
    if form.is_valid():
        try:
            services.case_assign(actor=request.user, case=case, worker=form.cleaned_data["worker"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Kasus ditugaskan kepada {form.cleaned_data['worker'].get_full_name()}.")
    else:
        messages.error(request, "Pilih pekerja sosial yang bertugas di wilayah kasus.")
    return redirect("ppks:case", pk=case.pk)
