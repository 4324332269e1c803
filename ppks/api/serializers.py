from rest_framework import serializers

from kesos.core.masking import nik_for
from kesos.wilayah.models import Wilayah
from kesos.wilayah.nik import normalize_digits, validate_kk, validate_nik

from ..models import Person


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


class PersonSerializer(serializers.ModelSerializer):
    nik = MaskedNikField(validators=[validate_nik])
    no_kk = MaskedNikField(validators=[validate_kk])
    wilayah = serializers.SlugRelatedField(
        slug_field="code", queryset=Wilayah.objects.active().filter(level=4), help_text="Kode desa/kelurahan."
    )
    wilayah_nama = serializers.CharField(source="wilayah.name", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "nik",
            "no_kk",
            "name",
            "sex",
            "birth_place",
            "birth_date",
            "wilayah",
            "wilayah_nama",
            "address",
            "rt",
            "rw",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        # Uniqueness is decided by the service, whose message respects the caller's scope.
        extra_kwargs = {"nik": {"validators": []}}

    def get_validators(self):
        return []
