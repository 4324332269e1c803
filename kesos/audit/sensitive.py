"""How a change-history entry is shown: special-category fields as "changed", never their values.

A model declares its special-category fields (UU PDP Pasal 4 ayat 2: health, disability, criminal
matters, violence, a child's protection, personal finances) once, as a class attribute next to them:

    sensitive_fields = ("health_note", "exit_note")

The Auditor's change history shows that such a field changed and when, not what it said. NIK and
No. KK, on whichever model, are shown masked as everywhere else.
"""

from django.apps import apps

from kesos.core.masking import mask_number

MASKED_NUMBERS = ("nik", "no_kk")
CHANGED = "diubah (data sensitif)"
RECORDED = "dicatat (data sensitif)"
HIDDEN_KEYS = ("updated_at", "version")


def sensitive_fields(model) -> frozenset[str]:
    """The declared special-category fields of a model (or a model label such as "ppks.Person")."""
    if isinstance(model, str):
        try:
            model = apps.get_model(model)
        except (LookupError, ValueError):
            return frozenset()
    return frozenset(getattr(model, "sensitive_fields", ()))


def _is_sensitive(key: str, fields: frozenset[str]) -> bool:
    # The history stores columns: a foreign key `category` appears as `category_id`.
    return key in fields or (key.endswith("_id") and key[:-3] in fields)


def _show(key: str, value, fields: frozenset[str]) -> str:
    is_change = isinstance(value, list) and len(value) == 2
    if _is_sensitive(key, fields):
        return CHANGED if is_change else RECORDED
    if key in MASKED_NUMBERS:
        if isinstance(value, list):
            return " → ".join(mask_number(v) or "—" for v in value)
        return mask_number(value)
    if is_change:
        return f"{value[0]} → {value[1]}"
    return str(value)


def history_changes(model_label: str, changes: dict) -> list[tuple[str, str]]:
    """(field, what to show) for one change-history event (its diff, or its snapshot on insert)."""
    fields = sensitive_fields(model_label)
    return [(key, _show(key, value, fields)) for key, value in sorted(changes.items()) if key not in HIDDEN_KEYS]
