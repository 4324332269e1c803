from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from . import selectors
from .forms import WilayahJumpForm


@login_required
def wilayah_browse(request, code=None):
    """Look up a region: its code, kode pos, parents and children, down to the desa."""
    province = selectors.allowed_province(request.user)
    form = WilayahJumpForm(request.GET or None, province=province)
    if form.is_bound and form.is_valid():
        return redirect("wilayah:detail", code=form.cleaned_data["wilayah"].code)
    if code is None and province and not form.is_bound:
        return redirect("wilayah:detail", code=province)
    wilayah = selectors.wilayah_get(user=request.user, code=code) if code else None
    children = selectors.wilayah_visible(user=request.user).filter(
        parent_id=wilayah.code if wilayah else None, **({} if wilayah else {"level": 1})
    )
    children = children.annotate(n_children=Count("children", filter=Q(children__active=True)))
    if not form.is_bound and wilayah:
        form = WilayahJumpForm(initial={"wilayah": wilayah.code}, province=province)
    return render(
        request,
        "wilayah/browse.html",
        {
            "wilayah": wilayah,
            "ancestors": wilayah.ancestors() if wilayah else [],
            "children": children.order_by("code"),
            "form": form,
        },
    )
