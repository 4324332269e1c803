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
