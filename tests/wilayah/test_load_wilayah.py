import pytest
from django.core.management import call_command
from django.db import connection

from kesos.wilayah.models import Kind, Level, Wilayah
from kesos.wilayah.services import wilayah_load

KEMENDAGRI_2025 = {Level.PROVINSI: 38, Level.KABKOTA: 514, Level.KECAMATAN: 7285, Level.DESA: 83762}


def active_counts():
    return {level: Wilayah.objects.active().filter(level=level).count() for level in Level}


@pytest.mark.django_db
def test_the_session_table_holds_the_kemendagri_2025_counts():
    assert active_counts() == KEMENDAGRI_2025


@pytest.mark.django_db
def test_a_desa_walks_up_to_its_province():
    palam = Wilayah.objects.get(code="63.72.03.1001")
    assert palam.kind == Kind.KELURAHAN
    assert palam.postal_code == "70731"
    chain = [w.name for w in palam.ancestors()]
    assert chain == ["Kalimantan Selatan", "Kota Banjarbaru", "Cempaka"]
    assert palam.parent.parent.parent.parent is None
    assert palam.parent.parent.kind == Kind.KOTA


@pytest.mark.django_db
def test_papua_kecamatan_are_called_distrik():
    assert Wilayah.objects.filter(level=Level.KECAMATAN, code__startswith="91.").exclude(kind=Kind.DISTRIK).count() == 0
    assert Wilayah.objects.filter(kind=Kind.DISTRIK).count() == 793


@pytest.mark.django_db
def test_reloading_changes_nothing():
    result = wilayah_load()
    assert (result.created, result.updated, result.deactivated) == (0, 0, 0)
    assert result.unchanged == sum(KEMENDAGRI_2025.values())


@pytest.mark.django_db
def test_a_code_missing_from_the_vintage_is_deactivated_not_deleted():
    Wilayah.objects.create(code="63.72.99", name="Kecamatan Lama", level=3, kind=Kind.KECAMATAN, parent_id="63.72")
    Wilayah.objects.filter(code="63.72.03").update(name="Nama Salah")

    result = wilayah_load()

    assert result.deactivated == 1 and result.updated == 1
    old = Wilayah.objects.get(code="63.72.99")
    assert old.active is False
    assert Wilayah.objects.get(code="63.72.03").name == "Cempaka"


@pytest.mark.django_db
def test_a_deactivated_code_that_returns_is_active_again():
    Wilayah.objects.filter(code="63.72.03.1001").update(active=False)
    wilayah_load()
    assert Wilayah.objects.get(code="63.72.03.1001").active


@pytest.mark.django_db
def test_within_matches_the_region_and_what_lies_under_it_only():
    banjarbaru = set(Wilayah.objects.within("63.72").values_list("code", flat=True))
    assert "63.72" in banjarbaru and "63.72.03.1001" in banjarbaru
    assert all(code == "63.72" or code.startswith("63.72.") for code in banjarbaru)
    # 5 kecamatan and 20 kelurahan in Kota Banjarbaru.
    assert Wilayah.objects.within("63.72").filter(level=Level.KECAMATAN).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_prefix_roll_up_uses_an_index_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wilayah_wilayah")
    plan = Wilayah.objects.within("63.71").explain()
    assert "Seq Scan" not in plan, plan
    assert "Index" in plan, plan


@pytest.mark.django_db
def test_the_command_reports_what_it_did(capsys):
    call_command("load_wilayah")
    out = capsys.readouterr().out
    assert "0 baru, 0 diperbarui, 0 dinonaktifkan" in out
    assert "38 Provinsi" in out and "83.762 Desa/Kelurahan" in out
