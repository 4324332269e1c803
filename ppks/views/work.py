"""'Pekerjaan saya': a worker's due and overdue tasks across their cases."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kesos.accounts.permissions import require

from .. import work_selectors


@login_required
@require_GET
def my_work(request):
    require(request.user, "ppks.view_person")
    return render(request, "ppks/my_work.html", {"work": work_selectors.my_work(user=request.user)})
