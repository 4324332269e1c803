"""The cascading region picker: provinsi → kab/kota → kecamatan → desa/kelurahan.

Each level is a native <select> (good on a phone); static/kesos/wilayah-picker.js fills the next
level from the JSON endpoint when one changes. The form receives the deepest code chosen, so a
rejected form re-renders the selection the user had made.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from .models import Level, Wilayah

LEVEL_PROMPTS = {1: "Pilih provinsi", 2: "Pilih kabupaten/kota", 3: "Pilih kecamatan", 4: "Pilih desa/kelurahan"}


class WilayahPickerWidget(forms.Widget):
    template_name = "widgets/wilayah_picker.html"
    use_fieldset = True  # several selects under one legend

    def __init__(self, attrs=None, depth: int = Level.DESA, province: str | None = None):
        super().__init__(attrs)
        self.depth = depth
        self.province = province

    def value_from_datadict(self, data, files, name):
        """The deepest level the user chose."""
        for level in range(self.depth, 0, -1):
            value = data.get(self.level_name(name, level), "").strip()
            if value:
                return value
        return ""

    def value_omitted_from_data(self, data, files, name):
        return not any(self.level_name(name, level) in data for level in range(1, self.depth + 1))

    def level_name(self, name: str, level: int) -> str:
        return name if level == self.depth else f"{name}__{level}"

    def format_value(self, value):
        if isinstance(value, Wilayah):
            return value.code
        return str(value) if value else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Limited to one province: start there, with its kab/kota ready to choose.
        code = self.format_value(value) or (self.province or "")
        parts = code.split(".") if code else []
        chosen = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
        # Options for each level: the provinces, then the children of each chosen code.
        parents = [None, *chosen][: self.depth]
        options_by_parent = {}
        qs = Wilayah.objects.active().only("code", "name", "kind", "parent_id")
        roots = qs.filter(level=1)
        if self.province:
            roots = roots.filter(code=self.province)
        options_by_parent[None] = list(roots)
        if chosen:
            for w in qs.filter(parent_id__in=[p for p in parents if p]).order_by("code"):
                options_by_parent.setdefault(w.parent_id, []).append(w)
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        context["widget"]["levels"] = [
            {
                "level": level,
                "name": self.level_name(name, level),
                "id": f"{base_id}__{level}" if level != self.depth else base_id,
                "prompt": LEVEL_PROMPTS[level],
                "label": Level(level).label,
                "options": options_by_parent.get(parents[level - 1], [])
                if level == 1 or len(chosen) >= level - 1
                else [],
                "selected": chosen[level - 1] if len(chosen) >= level else "",
            }
            for level in range(1, self.depth + 1)
        ]
        context["widget"]["endpoint"] = reverse("wilayah-api:children")
        return context


class WilayahField(forms.ModelChoiceField):
    """A region chosen with the picker. `depth` is the level the user must reach (4 = desa)."""

    widget = WilayahPickerWidget

    def __init__(self, *, depth: int = Level.DESA, province: str | None = None, require_depth=True, **kwargs):
        self.depth = depth
        self.require_depth = require_depth
        kwargs.setdefault("queryset", Wilayah.objects.active())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("widget", WilayahPickerWidget(depth=depth, province=province))
        kwargs.setdefault("error_messages", {"invalid_choice": "Wilayah tidak dikenal atau sudah tidak aktif."})
        super().__init__(**kwargs)
        self.limit_to(province)

    def limit_to(self, province: str | None) -> None:
        self.province = province
        self.widget.province = province
        if province:
            self.queryset = self.queryset.within(province)

    def clean(self, value):
        wilayah = super().clean(value)
        if wilayah is not None and self.require_depth and wilayah.level < self.depth:
            raise ValidationError(f"{LEVEL_PROMPTS[self.depth]} terlebih dahulu.", code="too_shallow")
        return wilayah


class WilayahJumpForm(forms.Form):
    """The region browser's 'go to' form: any level will do."""

    wilayah = WilayahField(label="Wilayah", required=True, require_depth=False)

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].limit_to(province)
