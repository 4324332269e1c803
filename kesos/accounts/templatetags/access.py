"""Template side of the access rules: `{% can "ppks.change_person" person as may_edit %}`, `{% nik person %}`
and `{% birth person %}`."""

from django import template

from kesos.accounts.permissions import can as can_do
from kesos.core.masking import birth_for, nik_for

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    return can_do(context["request"].user, action, obj)


@register.simple_tag(takes_context=True)
def nik(context, obj, field="nik"):
    """The object's NIK (or No. KK with field="no_kk"), masked unless the user may see it in full."""
    return nik_for(context["request"].user, obj, field)


@register.simple_tag(takes_context=True)
def birth(context, obj, field="birth_date"):
    """The birth date for those who see the NIK in full, else only the age: `{% birth person as born %}`,
    then `{{ born|default:"—" }}` ("14 Maret 1958" or "45 tahun"), `{{ born.date }}`, `{{ born.age }}`."""
    return birth_for(context["request"].user, obj, field)
