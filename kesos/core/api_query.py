"""Typed query parameters of the API lists: one serializer per list both validates and documents them.

Each list declares a `QueryParams` subclass whose fields are its filters (`search`, `choice`, `flag`,
`region`, `code` below). The view reads its filters with `validated_query(view, TheQuery)`: a value
of the wrong type or outside the choices is a 400 keyed by the parameter, in Indonesian; parameters
the list does not know are ignored. The same class goes to drf-spectacular
(`extend_schema(parameters=[TheQuery])`), which expands it into typed, enumerated query parameters,
so what the schema promises and what the API accepts cannot drift apart.
"""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

# A Kemendagri region code: provinsi 63, kab/kota 63.71, kecamatan 63.71.01, desa/kelurahan 63.71.01.1001.
REGION_CODE = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"
REGION_MESSAGE = "Kode wilayah tidak sah: tulis seperti 63, 63.71, 63.71.01 atau 63.71.01.1001."
# Codes of the reference tables (PPKS-08, tksk, lansia): letters, digits, - and _.
CODE = r"^[A-Za-z0-9_-]+$"


def _text_messages(max_length: int) -> dict:
    return {
        "invalid": "Harus berupa teks.",
        "max_length": f"Paling banyak {max_length} karakter.",
    }


class QueryParams(serializers.Serializer):
    """The query parameters of one list. Every parameter is optional; an empty value means "not given"."""


def search(max_length: int = 100, help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, help_text=help_text,
        error_messages=_text_messages(max_length),
    )  # fmt: skip


def choice(choices, help_text: str = "") -> serializers.ChoiceField:
    """One of `choices` (a model's TextChoices.choices, or a {value: label} dict)."""
    choices = list(choices.items()) if isinstance(choices, dict) else list(choices)
    allowed = ", ".join(str(value) for value, _ in choices)
    return serializers.ChoiceField(
        choices=choices, required=False, allow_blank=True, help_text=help_text,
        error_messages={"invalid_choice": f'"{{input}}" bukan pilihan yang sah. Pilihan: {allowed}.'},
    )  # fmt: skip


def region(help_text: str = "Kode wilayah, mis. 63.71") -> serializers.RegexField:
    return serializers.RegexField(
        REGION_CODE, required=False, allow_blank=True, max_length=13, help_text=help_text,
        error_messages={"invalid": REGION_MESSAGE, "max_length": REGION_MESSAGE},
    )  # fmt: skip


def code(max_length: int, help_text: str = "") -> serializers.RegexField:
    message = f"Kode tidak sah: huruf, angka, - atau _, paling banyak {max_length} karakter."
    return serializers.RegexField(
        CODE, required=False, allow_blank=True, max_length=max_length, help_text=help_text,
        error_messages={"invalid": message, "max_length": message},
    )  # fmt: skip


class Flag(serializers.BooleanField):
    """true/false (also 1/0, ya/tidak, on/off); an empty value is false."""

    TRUE_VALUES = serializers.BooleanField.TRUE_VALUES | {"ya", "Ya", "YA"}
    FALSE_VALUES = serializers.BooleanField.FALSE_VALUES | {"tidak", "Tidak", "TIDAK", ""}
    default_error_messages = {"invalid": '"{input}" bukan nilai ya/tidak yang sah: pakai true atau false.'}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def flag(help_text: str = "") -> Flag:
    return Flag(help_text=help_text)


def validated_query(view, query_class: type[QueryParams]) -> dict:
    """The view's query parameters checked against `query_class`: a dict with every parameter of the
    class (absent: "" or False), or a 400 naming each refused parameter. A view with a number search
    (kesos.core.api_search) is read through `search_params()`, so the `q` of a POST `cari/` body counts."""
    params = view.search_params() if hasattr(view, "search_params") else view.request.query_params
    query = query_class(data=params)
    if not query.is_valid():
        raise ValidationError(query.errors)
    data = query.validated_data
    return {
        name: data.get(name, False if isinstance(field, serializers.BooleanField) else "")
        for name, field in query.fields.items()
    }
