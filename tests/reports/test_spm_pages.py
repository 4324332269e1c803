"""SPM target pages: the Dinsos of a region enters and changes its five services' targets for a year."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.audit.models import AuditEvent
from kesos.reports import spm
from kesos.reports.models import SpmTarget
from kesos.wilayah.models import Wilayah
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
SERVICES = ["disabilitas", "anak", "lansia", "tuna_sosial", "bencana"]


def user_with(role, region):
    user = UserFactory()
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def operator(client):
    user = user_with(Role.OPERATOR_KABKOTA, "63.71")
    client.force_login(user)
    return user


def blank_form(**values):
    data = {f"{s}_{f}": "" for s in SERVICES for f in ("target", "budget", "spent", "problems", "solutions")}
    return {**data, **values}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_operator_enters_the_targets_of_their_kabkota(client, operator):
    form = blank_form(wilayah="63.71", tahun="2026", lansia_target="40", lansia_budget="Rp 150.000.000",
                      lansia_spent="0", anak_target="25", anak_problems="Data anak telantar belum padu")  # fmt: skip
    response = client.post(reverse("reports:spm_create"), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:spm_list") + "?wilayah=63.71&tahun=2026"
    saved = {t.service: t for t in SpmTarget.objects.filter(region_id="63.71", year=2026)}
    assert set(saved) == {"lansia", "anak"}
    assert (saved["lansia"].target, saved["lansia"].budget, saved["lansia"].spent) == (40, 150_000_000, 0)
    assert saved["anak"].problems == "Data anak telantar belum padu"
    assert messages_of(response) == ["Target SPM Kota Banjarmasin tahun 2026 tersimpan."]
    events = AuditEvent.objects.filter(action="record.create", object_type="reports.spmtarget")
    assert events.count() == 2 and {e.wilayah_code for e in events} == {"63.71"}


def test_the_list_shows_the_years_targets_and_the_regions_still_to_fill(client, operator):
    spm.spm_target_save(actor=operator, region=Wilayah.objects.get(code="63.71"), year=2026, service="lansia",
                        target=40, budget=1_500_000)  # fmt: skip
    page = client.get(reverse("reports:spm_list"), {"tahun": "2026"}).content.decode()
    assert "Kota Banjarmasin" in page and re.search(r"1[.,]500[.,]000", page)
    assert 'data-testid="baris-target-spm"' in page
    other_year = client.get(reverse("reports:spm_list"), {"tahun": "2025"}).content.decode()
    assert 'data-testid="baris-target-spm"' not in other_year
    assert 'data-testid="wilayah-belum-diisi"' in other_year


def test_an_operator_changes_a_target_and_clears_another(client, operator):
    region = Wilayah.objects.get(code="63.71")
    for service in ("lansia", "anak"):
        spm.spm_target_save(actor=operator, region=region, year=2026, service=service, target=10)
    url = reverse("reports:spm_edit", kwargs={"code": "63.71", "year": 2026})
    page = client.get(url).content.decode()
    assert 'name="lansia_target" value="10"' in page
    response = client.post(url, blank_form(lansia_target="12", lansia_budget="1000", lansia_spent="900"))
    assert response.status_code == 302
    saved = {t.service: t for t in SpmTarget.objects.filter(region=region, year=2026)}
    assert set(saved) == {"lansia"} and (saved["lansia"].target, saved["lansia"].spent) == (12, 900)
    update = AuditEvent.objects.get(action="record.update", object_type="reports.spmtarget")
    assert update.detail == {"fields": ["budget", "spent", "target"]}
    assert AuditEvent.objects.filter(action="record.delete", object_type="reports.spmtarget").count() == 1


def test_a_rejected_form_keeps_what_the_user_typed(client, operator):
    form = blank_form(wilayah="63.71", tahun="2026", lansia_target="40", lansia_budget="1000", lansia_spent="5000",
                      lansia_problems="Petugas kurang", anak_budget="2000")  # fmt: skip
    response = client.post(reverse("reports:spm_create"), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Realisasi tidak boleh melebihi anggaran." in page
    assert "Isi jumlah penerima yang harus dilayani (sasaran)." in page  # anak: a budget without a target
    assert 'name="lansia_target" value="40"' in page and "Petugas kurang" in page
    assert 'name="anak_budget" value="2000"' in page
    assert not SpmTarget.objects.exists() and not AuditEvent.objects.filter(object_type="reports.spmtarget")


def test_creating_a_year_that_already_has_targets_points_to_the_edit_page(client, operator):
    spm.spm_target_save(actor=operator, region=Wilayah.objects.get(code="63.71"), year=2026, service="anak", target=1)
    response = client.post(reverse("reports:spm_create"), blank_form(wilayah="63.71", tahun="2026", anak_target="5"))
    assert response.status_code == 200
    assert "sudah diisi" in response.content.decode()
    assert SpmTarget.objects.get().target == 1


def test_a_region_outside_the_operators_is_not_found(client, operator):
    url = reverse("reports:spm_edit", kwargs={"code": "63.72", "year": 2026})
    assert client.get(url).status_code == 404
    assert client.post(url, blank_form(lansia_target="1")).status_code == 404
    create = client.post(reverse("reports:spm_create"), blank_form(wilayah="63.72", tahun="2026", lansia_target="1"))
    assert create.status_code == 200 and "Wilayah di luar wilayah kerja Anda." in create.content.decode()
    assert not SpmTarget.objects.exists()


def test_an_admin_provinsi_keeps_the_province_and_its_kabkota(client):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    client.force_login(admin)
    for code in ("63", "63.72"):
        assert client.get(reverse("reports:spm_edit", kwargs={"code": code, "year": 2026})).status_code == 200
    assert client.get(reverse("reports:spm_edit", kwargs={"code": "62", "year": 2026})).status_code == 404
    # A kecamatan keeps no SPM targets.
    assert client.get(reverse("reports:spm_edit", kwargs={"code": "63.72.03", "year": 2026})).status_code == 404


@pytest.mark.parametrize("name", ["reports:spm_list", "reports:spm_create"])
def test_a_pimpinan_may_not_use_the_spm_pages(client, name):
    client.force_login(user_with(Role.PIMPINAN, "63"))
    assert client.get(reverse(name)).status_code == 403


def test_a_pimpinan_may_not_open_a_regions_targets(client):
    client.force_login(user_with(Role.PIMPINAN, "63"))
    assert client.get(reverse("reports:spm_edit", kwargs={"code": "63.71", "year": 2026})).status_code == 403


def test_the_service_refuses_a_region_outside_the_actors(operator):
    with pytest.raises(ValidationError) as refused:
        spm.spm_target_save(actor=operator, region=Wilayah.objects.get(code="63.72"), year=2026, service="anak",
                            target=1)  # fmt: skip
    assert refused.value.message_dict == {"region": ["Wilayah ini di luar wilayah kerja Anda."]}


def test_the_list_of_targets_is_scoped_to_the_users_regions(operator):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    for code in ("63.71", "63.72"):
        spm.spm_target_save(actor=admin, region=Wilayah.objects.get(code=code), year=2026, service="anak", target=1)
    assert [t.region_id for t in spm.spm_target_list(user=operator, year=2026)] == ["63.71"]
    assert [t.region_id for t in spm.spm_target_list(user=admin, year=2026)] == ["63.71", "63.72"]
