"""Model fields that carry their bounds to every door: page forms, the API, services and imports.

Services write plain keyword arguments (`objects.create`, `QuerySet.update`) without `full_clean`,
so a bound that lives only in validators holds for ModelForms and ModelSerializers and nowhere
else. These fields also apply it where every write passes: the value prepared for the database.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .validators import NOTE_MAX, TextLengthValidator, clean_name


class BoundedTextField(models.TextField):
    """Free text (a note, findings, a reason) of at most `limit` characters.

    The validator gives ModelForms and ModelSerializers a field error before anything is written; a
    longer value written by a service is refused as it is prepared for the database, with the same
    message under the field's name, which the form and API adapters show like any service error.
    """

    def __init__(self, *args, limit: int = NOTE_MAX, **kwargs):
        self.limit = limit
        self.default_validators = [TextLengthValidator(limit)]
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["limit"] = self.limit
        return name, path, args, kwargs

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str):
            try:
                TextLengthValidator(self.limit)(value)
            except ValidationError as exc:
                raise ValidationError({self.name: exc.error_list}) from None
        return super().get_db_prep_save(value, connection)


class NameFormField(forms.CharField):
    """A form's name input: what the user sees after a refused submit is what will be stored."""

    def to_python(self, value):
        return clean_name(super().to_python(value))


class NameField(models.CharField):
    """The name of a person or an institution, stored without invisible characters.

    A right-to-left override (U+202E) or a zero-width space makes a name display differently from
    what is stored and searched. `to_python` cleans the name in `full_clean` and in every value
    prepared for the database (CharField.get_prep_value calls it: `QuerySet.update` included);
    `pre_save` also cleans the instance, so what a service returns is what was stored.
    """

    def to_python(self, value):
        return clean_name(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = clean_name(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NameFormField, **kwargs})
