"""User management pages for the Admin Dinsos Provinsi. Reads go through selectors, writes through services.

Every view first checks `accounts.manage_users` (403 for anyone else), then fetches the user
through the scoped selector (404 outside the admin's province).
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kesos.core.adapters import add_service_errors
from kesos.core.idempotency import idempotent_form
from kesos.core.pagination import page_of

from . import notifications, selectors, services
from .forms import (
    AssignmentForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    UserPasswordForm,
)
from .permissions import require

MANAGE = "accounts.manage_users"


def _first_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _submit(form, call) -> object | None:
    """Run a service with a valid form's data; on a ValidationError put it on the form and return None."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@login_required
def user_list(request):
    require(request.user, MANAGE)
    filter_form = UserFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = selectors.user_list(actor=request.user, filters=filters, page=request.GET.get("halaman", 1))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "filter_form": filter_form, "query": query.urlencode()},
    )


@login_required
@idempotent_form
def user_create(request):
    require(request.user, MANAGE)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        user = _submit(
            form,
            lambda data: services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                office=data["office"],
                password=data["password"],
                nip=data["nip"],
                phone=data["phone"],
                role=data["role"],
                wilayah=data["wilayah"],
                lks=data["lks"],
            ),
        )
        if user is not None:
            messages.success(request, f"Akun {user.username} dibuat. Sampaikan kata sandinya secara langsung.")
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


@login_required
def user_detail(request, pk):
    require(request.user, MANAGE)
    target = selectors.user_get(actor=request.user, pk=pk)
    today = timezone.localdate()
    assignments = selectors.user_assignments(actor=request.user, user=target)
    for a in assignments:
        if a.ends_on is not None and a.ends_on <= today:
            a.status = "ended"
        else:
            a.status = "upcoming" if a.starts_on > today else "current"
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "current": [a for a in assignments if a.status != "ended"],
            "past": [a for a in assignments if a.status == "ended"],
            "is_self": target.pk == request.user.pk,
        },
    )


@login_required
def user_edit(request, pk):
    require(request.user, MANAGE)
    target = selectors.user_get(actor=request.user, pk=pk)
    initial = {"full_name": target.full_name, "nip": target.nip, "phone": target.phone, "office": target.office_id}
    form = UserEditForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST":
        done = _submit(
            form,
            lambda data: services.user_update(
                actor=request.user,
                user=target,
                full_name=data["full_name"],
                nip=data["nip"],
                phone=data["phone"],
                office=data["office"],
            ),
        )
        if done is not None:
            messages.success(request, "Data pengguna disimpan.")
            return redirect("accounts:user", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


def _post_action(request, pk, service, success: str):
    require(request.user, MANAGE)
    target = selectors.user_get(actor=request.user, pk=pk)
    try:
        service(actor=request.user, user=target)
    except ValidationError as exc:
        messages.error(request, _first_message(exc))
    else:
        messages.success(request, success.format(user=target.username))
    return redirect("accounts:user", pk=target.pk)


@login_required
@require_POST
def user_deactivate(request, pk):
    return _post_action(request, pk, services.user_deactivate, "Akun {user} dinonaktifkan dan tidak dapat masuk lagi.")


@login_required
@require_POST
def user_activate(request, pk):
    return _post_action(request, pk, services.user_activate, "Akun {user} diaktifkan kembali.")


@login_required
@require_POST
def user_reset_2fa(request, pk):
    return _post_action(
        request,
        pk,
        services.user_reset_second_factor,
        "Verifikasi dua langkah {user} diatur ulang; ia mendaftarkan aplikasi autentikator lagi saat masuk.",
    )


@login_required
def user_password(request, pk):
    require(request.user, MANAGE)
    target = selectors.user_get(actor=request.user, pk=pk)
    form = UserPasswordForm(request.POST or None)
    if request.method == "POST":
        done = _submit(
            form, lambda data: services.user_set_password(actor=request.user, user=target, password=data["password"])
        )
        if done is not None:
            if target.pk == request.user.pk:
                update_session_auth_hash(request, target)
            messages.success(
                request, f"Kata sandi {target.username} diganti. Semua sesi masuk pengguna ini telah diakhiri."
            )
            return redirect("accounts:user", pk=target.pk)
    return render(request, "accounts/user_password.html", {"form": form, "target": target})


@login_required
@idempotent_form
def assignment_add(request, pk):
    require(request.user, MANAGE)
    target = selectors.user_get(actor=request.user, pk=pk)
    form = AssignmentForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        done = _submit(
            form,
            lambda data: services.assignment_add(
                actor=request.user,
                user=target,
                role=data["role"],
                wilayah=data["wilayah"],
                lks=data["lks"],
                starts_on=data["starts_on"],
            ),
        )
        if done is not None:
            messages.success(request, f"Penugasan {done} ditambahkan untuk {target.username}.")
            return redirect("accounts:user", pk=target.pk)
    return render(request, "accounts/user_assignment_form.html", {"form": form, "target": target})


@login_required
@require_POST
def assignment_end(request, pk, assignment_pk):
    require(request.user, MANAGE)
    target = selectors.user_get(actor=request.user, pk=pk)
    assignment = selectors.assignment_get(actor=request.user, user=target, pk=assignment_pk)
    try:
        services.assignment_end(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, _first_message(exc))
    else:
        messages.success(request, f"Penugasan {assignment} diakhiri; aksesnya berhenti mulai hari ini.")
    return redirect("accounts:user", pk=target.pk)


# --- The user's own inbox ---------------------------------------------------------------------------
@login_required
def notification_list(request):
    page = page_of(notifications.notification_list(user=request.user), request, 30)
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    notifications.notifications_mark_read(actor=request.user)
    return redirect("inbox:list")
