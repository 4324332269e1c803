"""`{% idempotency_field %}`: the hidden key of a create form, new at each render (kesos.core.idempotency)."""

from django import template

from kesos.core.idempotency import hidden_field

register = template.Library()


@register.simple_tag
def idempotency_field() -> str:
    return hidden_field()
