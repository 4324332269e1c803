from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kesos.accounts.permissions import require
from kesos.accounts.scope import BY_NAME_ROLES, scope_of
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.adapters import add_service_errors
from kesos.core.exports import stream_csv
from kesos.core.masking import nik_for
from kesos.wilayah.selectors import allowed_province

from . import selectors, services
from .forms import PersonForm, PersonSearchForm

PAGE_SIZE = 25


def _search(request):
    form = PersonSearchForm(request.GET or None, province=allowed_province(request.user))
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {"q": form.cleaned_data["q"], "wilayah": getattr(form.cleaned_data["wilayah"], "code", "")}
    return form, filters


@login_required
@require_GET
def person_list(request):
    require(request.user, "ppks.view_person")
    form, filters = _search(request)
    page = Paginator(selectors.person_list(user=request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(person, nik_for(request.user, person)) for person in page]
    return render(request, "ppks/person_list.html", {"form": form, "page": page, "rows": rows})


@login_required
@require_GET
def person_detail(request, pk):
    require(request.user, "ppks.view_person")
    person = selectors.person_get(user=request.user, pk=pk)
    audit_record(action=actions.VIEW, actor=request.user, obj=person)
    return render(request, "ppks/person.html", {"person": person})


@login_required
@require_GET
def person_print(request, pk):
    """A printable sheet of one person's record (the browser prints it or saves it as PDF); audited."""
    require(request.user, "ppks.view_person")
    person = selectors.person_get(user=request.user, pk=pk)
    audit_record(action=actions.PRINT, actor=request.user, obj=person)
    return render(request, "ppks/person_print.html", {"person": person, "printed_at": timezone.now()})


@login_required
def person_create(request):
    require(request.user, "ppks.add_person")
    form = PersonForm(request.POST or None, province=allowed_province(request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            person = services.person_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
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
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.person_update(
                actor=request.user,
                person=selectors.person_get(user=request.user, pk=pk),
                version=form.cleaned_data["version"] or 0,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Perubahan tersimpan.")
            return redirect("ppks:person", pk=pk)
    return render(request, "ppks/person_form.html", {"form": form, "person": person})


@login_required
@require_GET
def person_export(request):
    """By-name CSV of the persons in the user's scope and search; restricted and audited."""
    require(request.user, "ppks.export_by_name")
    _, filters = _search(request)
    qs = selectors.person_list(user=request.user, **filters).order_by("wilayah_id", "name", "id")
    count = qs.count()
    # One event per region the export covered, so a person's data-subject report finds it.
    scope = scope_of(request.user)
    for region in [filters["wilayah"]] if filters.get("wilayah") else scope.regions_for(*BY_NAME_ROLES):
        audit_record(
            action=actions.EXPORT,
            actor=request.user,
            object_repr=f"Daftar orang ({count} baris)",
            wilayah_code=region,
            detail={"format": "csv", "filters": filters, "rows": count},
        )
    user = request.user
    rows = (
        (
            p.pk,
            nik_for(user, p),
            nik_for(user, p, "no_kk"),
            p.name,
            p.sex,
            p.birth_place,
            p.birth_date.strftime("%d/%m/%Y") if p.birth_date else "",
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
