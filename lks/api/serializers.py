"""Shapes of the LKS API. They validate input and render output; every write goes through lks.services."""

from rest_framework import serializers

from kesos.core.masking import nik_for
from kesos.wilayah.models import Wilayah
from ppks.api.serializers import AgeField, MaskedBirthDateField, ScopedPrimaryKeyRelatedField
from ppks.models import Case, Person

from ..choices import DOCUMENT_LABELS, PermitKind
from ..models import Accreditation, Lks, LksType, Placement, Registration


class LksTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LksType
        fields = ["code", "name", "abbreviation"]


class PermitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = ["id", "number", "issuer", "issued_on", "valid_until"]


class AccreditationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Accreditation
        fields = ["id", "grade", "certificate_number", "accredited_on", "valid_until"]


class LksSerializer(serializers.ModelSerializer):
    types = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=LksType.objects.filter(active=True),
        help_text="Kode jenis layanan (GET /api/v1/lks/jenis-lks/).",
    )  # fmt: skip
    wilayah = serializers.SlugRelatedField(
        slug_field="code", queryset=Wilayah.objects.active().filter(level=4), help_text="Kode desa/kelurahan."
    )
    wilayah_nama = serializers.CharField(source="wilayah.name", read_only=True)
    occupancy = serializers.SerializerMethodField(help_text="Penghuni dalam panti saat ini.")
    tanda_daftar = PermitBriefSerializer(read_only=True, allow_null=True)
    izin_operasional = PermitBriefSerializer(read_only=True, allow_null=True)
    accreditation = AccreditationBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Lks
        fields = [
            "id", "name", "types", "lingkup", "service_mode", "capacity", "occupancy", "wilayah", "wilayah_nama",
            "address", "latitude", "longitude", "phone", "email", "head_name", "head_phone", "legal_status",
            "legal_form", "deed_number", "deed_date", "sk_kemenkumham", "npwp", "bank_name", "bank_account",
            "bank_account_name", "facilities", "services_offered", "funding_sources", "status", "tanda_daftar",
            "izin_operasional", "accreditation", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["version", "created_at", "updated_at"]

    def get_validators(self):
        return []

    def get_occupancy(self, lks) -> int:
        annotated = getattr(lks, "occupancy", None)
        if annotated is not None:
            return annotated
        from ..services import occupancy

        return occupancy(lks)


class ChangeRequestAcceptedSerializer(serializers.Serializer):
    """202: legal data an LKS operator changed wait for the Dinsos to verify them."""

    id = serializers.IntegerField(help_text="ID usulan perubahan.")
    pending = serializers.ListField(child=serializers.CharField(), help_text="Kolom yang menunggu verifikasi.")
    detail = serializers.CharField()


class PlacementSerializer(serializers.ModelSerializer):
    """A resident or client; the NIK masked unless the caller may see it (the LKS's operator, the Dinsos)."""

    person = ScopedPrimaryKeyRelatedField(
        Person, required=False, allow_null=True, help_text="ID orang; boleh kosong bila `case` diisi."
    )
    case = ScopedPrimaryKeyRelatedField(Case, required=False, allow_null=True, help_text="ID kasus asal.")
    person_name = serializers.CharField(source="person.name", read_only=True)
    nik = serializers.SerializerMethodField()
    sex = serializers.CharField(source="person.sex", read_only=True)
    birth_date = MaskedBirthDateField(subject="person", read_only=True)
    umur = AgeField(subject="person")
    origin_wilayah = serializers.CharField(source="person.wilayah_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True, default=None)
    confirm_over_capacity = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Kirim true setelah peringatan melebihi kapasitas (400 pada confirm_over_capacity).",
    )  # fmt: skip

    class Meta:
        model = Placement
        fields = [
            "id", "lks", "person", "person_name", "nik", "sex", "birth_date", "umur", "origin_wilayah", "case",
            "case_number", "residential", "admitted_on", "programme", "family_status", "guardian_name",
            "guardian_phone", "schooling", "health_note", "exit_on", "exit_reason", "exit_note", "version",
            "confirm_over_capacity",
        ]  # fmt: skip
        read_only_fields = ["lks", "exit_on", "exit_reason", "exit_note", "version"]
        extra_kwargs = {"admitted_on": {"required": True}}

    def get_validators(self):
        return []  # one current placement per person: the service says so, in words

    def get_nik(self, placement) -> str:
        return nik_for(self.context["request"].user, placement, "person.nik")

    def validate(self, data):
        if data.get("person") is None:
            case = data.get("case")
            if case is None:
                raise serializers.ValidationError({"person": "Isi `person` atau `case`."})
            if case.person_id is None:
                raise serializers.ValidationError(
                    {"person": "Kasus ini tentang keluarga: isi ID orang yang ditempatkan."}
                )
            data["person"] = case.person
        return data


class AccreditationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Accreditation
        fields = ["id", "grade", "certificate_number", "accredited_on", "valid_until", "body", "note", "recorded_by"]
        read_only_fields = ["recorded_by"]
        extra_kwargs = {"valid_until": {"required": False}, "body": {"required": False}}


class RegistrationSerializer(serializers.ModelSerializer):
    documents = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(DOCUMENT_LABELS)), required=False,
        help_text="Kode berkas yang diserahkan (permohonan, akta, adart, pengurus, ...).",
    )  # fmt: skip
    kind = serializers.ChoiceField(choices=PermitKind.choices, default=PermitKind.TANDA_DAFTAR)
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")

    class Meta:
        model = Registration
        fields = [
            "id", "kind", "status", "renewal", "applied_on", "applied_by", "documents", "note", "application_note",
            "checked_documents", "visit_on", "number", "issuer", "issued_on", "valid_until", "rejection_reason",
            "version",
        ]  # fmt: skip
        read_only_fields = [
            "status", "renewal", "applied_by", "application_note", "checked_documents", "visit_on", "number",
            "issuer", "issued_on", "valid_until", "rejection_reason", "version",
        ]  # fmt: skip
        extra_kwargs = {"applied_on": {"required": False}}


class ExpirySerializer(serializers.Serializer):
    """One document of an LKS that expires within 90 days or has expired."""

    lks = serializers.IntegerField(source="lks.pk")
    lks_name = serializers.CharField(source="lks.name")
    wilayah = serializers.CharField(source="lks.wilayah_id")
    what = serializers.CharField(help_text="Tanda Daftar LKS, Izin operasional, Akreditasi A/B/C.")
    kind = serializers.CharField(help_text="tanda_daftar, izin_operasional atau akreditasi.")
    number = serializers.CharField()
    valid_until = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Negatif: sudah kedaluwarsa.")
    expired = serializers.BooleanField()
