"""Merging two person records (supervisors only) and undoing a merge.

The merge page first asks for the other record (by ID in the query string, or by NIK through a POST
form so the number stays out of URLs and logs), then shows both records side by side with a radio
for every field that differs. Writes go through ppks.services.merge.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.adapters import add_service_errors
from kesos.core.forms import StyledFormMixin
from kesos.core.masking import nik_for
from kesos.wilayah.nik import NikField

from .. import merge_selectors
from ..models import Person
from ..services import PERSON_FIELDS
from ..services.merge import person_merge as merge_persons
from ..services.merge import person_merge_undo as undo_merge

KEPT, MERGED = "kept", "merged"


class MergeFindForm(StyledFormMixin, forms.Form):
    nik = NikField(label="NIK data yang lain")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nik"].validators = []  # a lookup: any 16 digits the field accepts may be searched


class MergePickForm(StyledFormMixin, forms.Form):
    lain = forms.IntegerField(label="ID data yang lain", min_value=1)


class ValueChoice(forms.RadioSelect):
    """Bootstrap radios side by side; the class goes on each input, not on the wrapper."""

    template_name = "ppks/_merge_radio.html"


class MergeForm(StyledFormMixin, forms.Form):
    """One radio group per field whose values differ; everything else is the same on both records."""

    lain = forms.IntegerField(widget=forms.HiddenInput)
    kept_version = forms.IntegerField(widget=forms.HiddenInput)
    merged_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Alasan penggabungan",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mis. orang yang sama: tercatat dua kali sebelum NIK diketahui.",
    )

    def __init__(self, *args, kept: Person, other: Person, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lain"].initial = other.pk
        self.fields["kept_version"].initial = kept.version
        self.fields["merged_version"].initial = other.version
        self.choice_names = []
        for row in rows:
            if not row["differs"]:
                continue
            name = f"pilih_{row['name']}"
            # Where only the other record has a value, taking it is the likely choice.
            initial = MERGED if row["kept_empty"] and not row["other_empty"] else KEPT
            self.fields[name] = forms.ChoiceField(
                label=row["label"],
                choices=[(KEPT, f"Data ini (ID {kept.pk})"), (MERGED, f"Data lain (ID {other.pk})")],
                # Added after StyledFormMixin styled the declared fields: styled here.
                widget=ValueChoice(attrs={"class": "form-check-input"}),
                initial=initial,
            )
            self.choice_names.append(name)
        self.order_fields(["lain", "kept_version", "merged_version", *self.choice_names, "reason"])
        for row in rows:
            row["field"] = self[f"pilih_{row['name']}"] if row["differs"] else None

    def take_from_merged(self) -> list[str]:
        return [name.removeprefix("pilih_") for name in self.choice_names if self.cleaned_data[name] == MERGED]


def _display(user, person: Person, name: str) -> str:
    if name in ("nik", "no_kk"):
        return nik_for(user, person, name)
    field = Person._meta.get_field(name)
    if field.choices:
        return getattr(person, f"get_{name}_display")()
    value = getattr(person, name)
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _comparison(user, kept: Person, other: Person) -> list[dict]:
    rows = []
    for name in PERSON_FIELDS:
        field = Person._meta.get_field(name)
        raw_kept, raw_other = getattr(kept, field.attname), getattr(other, field.attname)
        rows.append(
            {
                "name": name,
                "label": str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:],
                "kept": _display(user, kept, name),
                "other": _display(user, other, name),
                "kept_empty": raw_kept in (None, ""),
                "other_empty": raw_other in (None, ""),
                "differs": raw_kept != raw_other,
            }
        )
    return rows


def _page(request, kept, *, other=None, form=None, rows=None, find_form=None, pick_form=None):
    merges = list(merge_selectors.person_merges(user=request.user, person=kept))
    for merge in merges:
        # In form order: jsonb (PostgreSQL) does not keep the keys' order.
        merge.taken_labels = [str(Person._meta.get_field(f).verbose_name) for f in PERSON_FIELDS if f in merge.fields]
    context = {
        "person": kept,
        "other": other,
        "form": form,
        "rows": rows,
        "find_form": find_form or MergeFindForm(),
        "pick_form": pick_form or MergePickForm(),
        "merges": merges,
    }
    if other is not None:
        context["kept_related"] = merge_selectors.person_related_counts(kept)
        context["other_related"] = merge_selectors.person_related_counts(other)
    return render(request, "ppks/merge.html", context)


def _other(request, kept, pk) -> Person:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("Data orang tidak ditemukan.") from None
    other = merge_selectors.merge_candidate(user=request.user, kept=kept, pk=pk)
    if other is None:
        raise Http404("Data orang tidak ditemukan.")
    require(request.user, "ppks.merge", other)
    return other


def _service_errors(form, exc: ValidationError):
    """The service names person fields (`birth_date`); the form's radio for that field is `pilih_birth_date`."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError(
            {(f"pilih_{k}" if f"pilih_{k}" in form.fields else k): v for k, v in exc.error_dict.items()}
        )
    add_service_errors(form, exc)


def _form(request, kept, other, data=None):
    rows = _comparison(request.user, kept, other)
    return MergeForm(data, kept=kept, other=other, rows=rows), rows


@login_required
def person_merge(request, pk):
    """GET: choose the other record, then compare. POST `langkah=cari`: find it by NIK; `langkah=gabung`: merge."""
    require(request.user, "ppks.merge")
    kept = merge_selectors.merge_person_get(user=request.user, pk=pk)
    require(request.user, "ppks.merge", kept)
    step = request.POST.get("langkah") if request.method == "POST" else None

    if step == "cari":
        find_form = MergeFindForm(request.POST)
        if find_form.is_valid():
            other = merge_selectors.merge_candidate(user=request.user, kept=kept, nik=find_form.cleaned_data["nik"])
            if other is not None:
                return redirect(f"{reverse('ppks:person_merge', args=[kept.pk])}?lain={other.pk}")
            find_form.add_error("nik", "Tidak ada data lain dengan NIK ini di wilayah Anda.")
        return _page(request, kept, find_form=find_form)

    if step == "gabung":
        other = _other(request, kept, request.POST.get("lain"))
        form, rows = _form(request, kept, other, request.POST)
        if form.is_valid():
            try:
                merge_persons(
                    actor=request.user, kept=kept, merged=other, take_from_merged=form.take_from_merged(),
                    reason=form.cleaned_data["reason"], kept_version=form.cleaned_data["kept_version"],
                    merged_version=form.cleaned_data["merged_version"],
                )  # fmt: skip
            except ValidationError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, f"Data ID {other.pk} digabungkan ke data {kept.name} (ID {kept.pk}).")
                return redirect("ppks:person", pk=kept.pk)
        return _page(request, kept, other=other, form=form, rows=rows)

    if request.method == "POST":
        return redirect("ppks:person_merge", pk=kept.pk)
    if "lain" in request.GET:
        pick_form = MergePickForm(request.GET)
        if not pick_form.is_valid():
            return _page(request, kept, pick_form=pick_form)
        other = _other(request, kept, pick_form.cleaned_data["lain"])
        form, rows = _form(request, kept, other)
        # The comparison shows both records in full: each is a view of personal data.
        audit_record(action=actions.VIEW, actor=request.user, obj=kept, detail={"merge_compare": other.pk})
        audit_record(action=actions.VIEW, actor=request.user, obj=other, detail={"merge_compare": kept.pk})
        return _page(request, kept, other=other, form=form, rows=rows)
    return _page(request, kept)


@login_required
@require_POST
def person_merge_undo(request, merge_pk):
    require(request.user, "ppks.merge")
    merge = merge_selectors.person_merge_get(user=request.user, pk=merge_pk)
    try:
        undo_merge(actor=request.user, merge=merge)
    except ValidationError as exc:
        messages.error(request, "Penggabungan tidak dibatalkan. " + " ".join(exc.messages))
        return redirect("ppks:person_merge", pk=merge.kept_id)
    messages.success(
        request, f"Penggabungan dibatalkan: data {merge.merged.name} (ID {merge.merged_id}) kembali terpisah."
    )
    return redirect("ppks:person", pk=merge.kept_id)
