"""One masking helper for NIK and No. KK, used by templates, serializers, exports and logs."""

MASK = "*"


def mask_number(value: str | None) -> str:
    """'6371015807900001' → '6371********0001': region prefix and last four digits stay, length too."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return MASK * len(value)
    return value[:4] + MASK * (len(value) - 8) + value[-4:]


def nik_for(user, obj, field: str = "nik") -> str:
    """The NIK/No. KK of `obj` as `user` may see it: full for those who need it, masked for the rest."""
    from kesos.accounts.permissions import can

    value = getattr(obj, field, "") or ""
    if value and can(user, f"{obj._meta.app_label}.view_full_nik", obj):
        return value
    return mask_number(value)
