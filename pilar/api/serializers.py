"""Shapes of the pilar API. They validate input and render output; every write goes through pilar.services."""

from rest_framework import serializers

from kesos.core.masking import nik_for
from kesos.wilayah.models import Wilayah
from ppks.api.serializers import AgeField, MaskedBirthDateField

from .. import selectors
from ..choices import Grade, MemberKind
from ..models import Member, PilarType


class PilarTypeSerializer(serializers.ModelSerializer):
    unit = serializers.ChoiceField(
        source="kind", choices=MemberKind.choices, read_only=True, help_text="orang (perorangan) atau organisasi."
    )
    tingkat = serializers.IntegerField(
        source="level", read_only=True, allow_null=True,
        help_text="Tingkat wilayah penugasan: 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan; kosong: bebas.",
    )  # fmt: skip

    class Meta:
        model = PilarType
        fields = [
            "code", "name", "abbreviation", "unit", "tingkat", "psks", "roster", "has_member_number", "has_grade",
            "has_classification",
        ]  # fmt: skip


class PilarMemberSerializer(serializers.ModelSerializer):
    """A pillar on the roster. The NIK is masked unless the caller manages the roster of its region.
    `type`, `wilayah` and `starts_on` are set on creation; later moves go through the posting pages."""

    type = serializers.SlugRelatedField(
        slug_field="code", queryset=selectors.pilar_types(roster_only=True),
        help_text="Kode jenis pilar (GET /api/v1/pilar/jenis-pilar/).",
    )  # fmt: skip
    type_name = serializers.CharField(source="type.abbreviation", read_only=True)
    wilayah = serializers.SlugRelatedField(
        slug_field="code", queryset=Wilayah.objects.active(),
        help_text="Kode wilayah tugas sesuai tingkat jenisnya: TKSK kecamatan, PSM/Karang Taruna desa, "
        "Tagana kabupaten/kota.",
    )  # fmt: skip
    wilayah_nama = serializers.CharField(source="wilayah.label", read_only=True)
    starts_on = serializers.DateField(
        write_only=True, required=False, allow_null=True,
        help_text="Mulai penugasan pertama (kosong: aktif sejak, tanggal SK, atau hari ini).",
    )  # fmt: skip
    nik = serializers.CharField(
        max_length=16, required=False, allow_blank=True, help_text="Disamarkan bila tidak berwenang."
    )
    birth_date = MaskedBirthDateField()
    umur = AgeField()
    # "grade" and "status" would clash with the LKS enums of the same names in the schema.
    member_grade = serializers.ChoiceField(
        source="grade", choices=Grade.choices, required=False, allow_blank=True, help_text="Tingkatan (Tagana)."
    )
    member_status = serializers.CharField(source="status", read_only=True, help_text="aktif, non_aktif, diberhentikan.")

    class Meta:
        model = Member
        fields = [
            "id", "type", "type_name", "name", "nik", "sex", "birth_date", "umur", "phone", "email", "education",
            "occupation", "address", "chair_name", "member_count", "classification", "business_units", "sk_number",
            "sk_date", "sk_issuer", "member_number", "member_grade", "member_status", "active_from", "active_until",
            "wilayah", "wilayah_nama", "starts_on", "user", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["active_until", "user", "version", "created_at", "updated_at"]

    def get_validators(self):
        return []  # one NIK per type: the service says so, in words

    def to_representation(self, member):
        data = super().to_representation(member)
        if data.get("nik"):
            data["nik"] = nik_for(self.context["request"].user, member)
        return data


class CoverageRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Kode kabupaten/kota (cakupan provinsi) atau kecamatan.")
    name = serializers.CharField()
    kecamatan = serializers.IntegerField(help_text="Jumlah kecamatan aktif.")
    kecamatan_with_tksk = serializers.IntegerField(help_text="Kecamatan dengan TKSK aktif.")
    tksk_pct = serializers.FloatField()
    desa = serializers.IntegerField(help_text="Jumlah desa/kelurahan aktif.")
    desa_with_kt = serializers.IntegerField(help_text="Desa/kelurahan dengan Karang Taruna aktif.")
    kt_pct = serializers.FloatField()
    desa_with_psm = serializers.IntegerField(help_text="Desa/kelurahan dengan PSM aktif.")
    uncovered = serializers.SerializerMethodField(help_text="Kecamatan tanpa TKSK aktif.")

    def get_uncovered(self, row) -> list[dict[str, str]]:
        return [{"code": code, "name": name} for code, name in row.uncovered]


class CoverageSerializer(serializers.Serializer):
    wilayah = serializers.CharField(help_text="Kode wilayah yang dirinci.")
    wilayah_nama = serializers.CharField()
    on = serializers.DateField(help_text="Tanggal keadaan.")
    rows = CoverageRowSerializer(many=True)
    total = CoverageRowSerializer()
