"""factory_boy factories. Regions come from the real table loaded for the session."""

import datetime

import factory

from kesos.accounts.models import Assignment, Office, Role, User

PASSWORD = "Sandi-Uji-Coba-2026"  # noqa: S105


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Dinas Sosial Uji {n}")
    wilayah_id = "63"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    full_name = factory.Faker("name", locale="id_ID")
    office = factory.SubFactory(OfficeFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory)
    role = Role.OPERATOR_KABKOTA
    wilayah_id = "63.71"
    starts_on = datetime.date(2026, 1, 1)
