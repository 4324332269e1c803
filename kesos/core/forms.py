"""Form rendering shared by every page: Bootstrap markup from templates, no per-form boilerplate."""

from django import forms
from django.forms.renderers import TemplatesSetting


class KesosFormRenderer(TemplatesSetting):
    """`{{ form }}` and `{{ form.field.as_field_group }}` render with templates/generic/field.html."""

    form_template_name = "generic/form.html"
    field_template_name = "generic/field.html"


def widget_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class StyledFormMixin:
    """Gives every widget its Bootstrap class, and marks a field invalid whenever it gets an error
    (from its own validation or from a service, through `add_service_errors`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} {widget_class(field.widget)}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class ScopedSearchMixin:
    """A list page's search form with a kab/kota and a type filter whose choices come from the caller
    (the kab/kota of the user's scope, the reference types), and the filters the user filled in."""

    def __init__(self, *args, kabkota=(), types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].choices = [("", "Semua kabupaten/kota")] + [(w.code, w.name) for w in kabkota]
        self.fields["type"].choices = [("", "Semua jenis")] + [(t.code, t.abbreviation) for t in types]

    def filters(self) -> dict:
        if not (self.is_bound and self.is_valid()):
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
