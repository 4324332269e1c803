from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kesos.accounts.permissions import can
from kesos.core.masking import birth_for, nik_for
from kesos.core.validators import validate_birth_date
from kesos.wilayah.models import Wilayah
from kesos.wilayah.nik import normalize_digits, validate_kk, validate_nik

from ..models import (
    Assessment,
    Attachment,
    Case,
    CaseNote,
    Household,
    HouseholdMember,
    Person,
    PersonCategory,
    PlanItem,
    PpksCategory,
    Referensi,
    Referral,
    RefKind,
    ServiceDelivery,
)
from ..services import PERSON_NOT_FOUND, WORKER_NOT_FOUND
from ..workflow import Stage


class MaskedNikField(serializers.CharField):
    """Reads the NIK/No. KK through the one masking helper; writes the plain 16 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return nik_for(self.context["request"].user, instance, self.source)

    def to_internal_value(self, data):
        return normalize_digits(super().to_internal_value(data) or "")


class MaskedBirthDateField(serializers.DateField):
    """Reads the birth date only for callers who see the NIK in full (else null: see `umur`); writes a date.
    The NIK holds the birth date, so a masked NIK next to a birth date is no mask at all."""

    def __init__(self, subject: str = "", **kwargs):
        self.subject = subject  # the attribute holding the person ("person" on a placement), or "" for the object
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", "Tanggal lahir; null bagi pengguna yang melihat NIK tersamar (lihat `umur`).")
        kwargs.setdefault("validators", [validate_birth_date])  # the model field's bounds: 1900 to today
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        field = f"{self.subject}.birth_date" if self.subject else "birth_date"
        return birth_for(self.context["request"].user, instance, field).date


@extend_schema_field({"type": "integer", "nullable": True, "readOnly": True})
class AgeField(serializers.ReadOnlyField):
    """The age in full years today, for every caller (the one birth-date fact a masked NIK leaves visible)."""

    def __init__(self, subject: str = "", **kwargs):
        self.subject = subject
        kwargs.setdefault("help_text", "Umur dalam tahun penuh hari ini; null bila tanggal lahir tidak diketahui.")
        super().__init__(source="*", **kwargs)

    def to_representation(self, instance):
        field = f"{self.subject}.birth_date" if self.subject else "birth_date"
        return birth_for(self.context["request"].user, instance, field).age


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id that must point at a record the caller can see: others read as 'does not exist'."""

    default_error_messages = {"does_not_exist": PERSON_NOT_FOUND}

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.visible_to(self.context["request"].user)


def reference(kind, help_text, required=False):
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Referensi.objects.filter(kind=kind, active=True), required=required,
        allow_null=not required, help_text=help_text,
    )  # fmt: skip


def wilayah_desa():
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Wilayah.objects.active().filter(level=4), help_text="Kode desa/kelurahan."
    )


class PersonSerializer(serializers.ModelSerializer):
    nik = MaskedNikField(validators=[validate_nik])
    no_kk = MaskedNikField(validators=[validate_kk])
    birth_date = MaskedBirthDateField()
    umur = AgeField()
    wilayah = wilayah_desa()
    wilayah_nama = serializers.CharField(source="wilayah.name", read_only=True)
    religion = reference(RefKind.AGAMA, "Kode agama (GET /api/v1/ppks/referensi/?jenis=agama).")
    marital_status = reference(RefKind.STATUS_KAWIN, "Kode status perkawinan.")
    education = reference(RefKind.PENDIDIKAN, "Kode pendidikan.")
    disability = reference(RefKind.DISABILITAS, "Kode jenis disabilitas.")
    legal_basis = reference(RefKind.DASAR_HUKUM, "Kode dasar pemrosesan data.")
    confirm_not_duplicate = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Kirim true setelah memeriksa data mirip yang dilaporkan (400 pada confirm_not_duplicate).",
    )  # fmt: skip

    class Meta:
        model = Person
        fields = [
            "id", "nik", "no_kk", "name", "aliases", "sex", "birth_place", "birth_date", "umur", "wilayah",
            "wilayah_nama", "address", "rt", "rw", "phone", "religion", "marital_status", "education", "occupation",
            "disability", "dtsen_desil", "dtsen_period", "legal_basis", "version", "created_at", "updated_at",
            "confirm_not_duplicate",
        ]  # fmt: skip
        read_only_fields = ["version", "created_at", "updated_at"]

    def get_validators(self):
        # Uniqueness is decided by the service, whose message respects the caller's scope.
        return []


class CategoryHoldingSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=PpksCategory.objects.filter(active=True))
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = PersonCategory
        fields = ["id", "category", "category_name", "source", "recorded_on", "ended_on", "verified", "note"]
        read_only_fields = ["ended_on", "verified"]
        extra_kwargs = {"recorded_on": {"required": False}}


class MemberSerializer(serializers.ModelSerializer):
    person = ScopedPrimaryKeyRelatedField(Person, help_text="ID orang (dalam wilayah Anda).")
    person_name = serializers.CharField(source="person.name", read_only=True)
    relation = serializers.SlugRelatedField(
        slug_field="code", queryset=Referensi.objects.filter(kind=RefKind.HUBUNGAN, active=True)
    )

    class Meta:
        model = HouseholdMember
        fields = ["id", "person", "person_name", "relation", "joined_on", "left_on"]
        read_only_fields = ["left_on"]
        extra_kwargs = {"joined_on": {"required": False}}


class HouseholdSerializer(serializers.ModelSerializer):
    no_kk = MaskedNikField(validators=[validate_kk])
    wilayah = wilayah_desa()
    label = serializers.CharField(source="__str__", read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "label", "no_kk", "wilayah", "address", "rt", "rw", "version", "members", "created_at"]
        read_only_fields = ["version", "created_at"]

    def get_validators(self):
        return []

    def get_members(self, household) -> list[dict]:
        if self.context.get("view") and self.context["view"].action == "list":
            return []  # the list stays one query per page; open the household for its members
        return MemberSerializer(
            household.members.filter(left_on__isnull=True).select_related("person", "relation"), many=True
        ).data


class PpksCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = PpksCategory
        fields = ["code", "name", "abbreviation", "legacy_labels"]


class ReferensiSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referensi
        fields = ["kind", "code", "label"]


class CaseSerializer(serializers.ModelSerializer):
    person = ScopedPrimaryKeyRelatedField(Person, required=False, allow_null=True)
    household = ScopedPrimaryKeyRelatedField(Household, required=False, allow_null=True)
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=PpksCategory.objects.filter(active=True)
    )
    subject_name = serializers.CharField(read_only=True)
    sensitive_notes = serializers.CharField(
        required=False, allow_blank=True,
        help_text="Hanya dikirim kepada pekerja sosial yang ditugaskan dan penyelia; selain itu null.",
    )  # fmt: skip
    summary = serializers.CharField(
        allow_null=True,
        help_text="Ringkasan masalah: bagian dari kerja kasus, dikirim kepada pekerja sosial yang ditugaskan, "
        "penyelia dan pelapor kasus; selain itu null.",
    )

    class Meta:
        model = Case
        fields = [
            "id", "number", "person", "household", "subject_name", "categories", "wilayah", "source",
            "reporter_name", "priority", "stage", "summary", "sensitive_notes", "assigned_worker", "opened_at",
            "closed_at", "version",
        ]  # fmt: skip
        read_only_fields = ["number", "wilayah", "stage", "assigned_worker", "opened_at", "closed_at", "version"]

    def to_representation(self, case):
        data = super().to_representation(case)
        user = self.context["request"].user
        if not can(user, "ppks.view_sensitive", case):
            data["sensitive_notes"] = None
        if not can(user, "ppks.view_casework", case):
            data["summary"] = None
        return data

    def validate_summary(self, value):
        # Null is how the summary reads to those who may not see it; a new case needs its summary.
        if not (value or "").strip():
            raise serializers.ValidationError("Tuliskan ringkasan masalah.")
        return value


class CaseTransitionSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(help_text="Versi kasus yang terakhir dibaca.")


class CaseAssignSerializer(serializers.Serializer):
    # An unknown id gets the very answer the service gives a user who does not work in the case's region.
    worker = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), error_messages={"does_not_exist": WORKER_NOT_FOUND},
        help_text="ID pekerja sosial atau operator yang bertugas di wilayah kasus.",
    )  # fmt: skip


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["id", "assessed_on", "scope", "findings", "needs", "strengths", "author", "created_at"]
        read_only_fields = ["author", "created_at"]


class PlanItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["id", "goal", "service", "responsible", "target_date", "done_on", "author"]
        read_only_fields = ["done_on", "author"]
        # As for the case's worker: an unknown id and one outside the case's region get one answer.
        extra_kwargs = {"responsible": {"error_messages": {"does_not_exist": WORKER_NOT_FOUND}}}


class ServiceDeliverySerializer(serializers.ModelSerializer):
    programme = reference(RefKind.PROGRAM, "Kode program (GET /api/v1/ppks/referensi/?jenis=program).", required=True)
    atensi_component = reference(RefKind.ATENSI, "Kode komponen ATENSI, bila ada.")

    class Meta:
        model = ServiceDelivery
        fields = ["id", "delivered_on", "form", "programme", "atensi_component", "description", "provider", "amount",
                  "in_kind", "author"]  # fmt: skip
        read_only_fields = ["author"]


class CaseNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseNote
        fields = ["id", "text", "author", "at"]
        read_only_fields = ["author", "at"]


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = ["id", "target_kind", "target_name", "reason", "sent_on", "acknowledge_by", "status", "outcome",
                  "author", "created_at"]  # fmt: skip
        read_only_fields = ["status", "outcome", "author", "created_at"]
        extra_kwargs = {"sent_on": {"required": False}, "acknowledge_by": {"required": False}}


class AttachmentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True, help_text="JPG, PNG atau PDF; dicek dari isi berkas.")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "file", "original_name", "content_type", "size", "description", "uploaded_by", "uploaded_at",
                  "download"]  # fmt: skip
        read_only_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]

    def get_download(self, attachment) -> str:
        return reverse("ppks:attachment", args=[attachment.case_id, attachment.pk])
