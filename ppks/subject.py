"""What the PPKS app holds about a person, for the data-subject report."""

from kesos.audit.subject import Section, change_history, local, register_section


@register_section
def person_record(person) -> Section:
    fields = [f for f in person._meta.concrete_fields if f.name not in ("version",)]
    rows = []
    for f in fields:
        value = getattr(person, f.attname)
        if hasattr(value, "tzinfo"):
            value = local(value)
        rows.append([str(f.verbose_name).capitalize(), value if value not in (None, "") else "—"])
    rows.append(["Desa/kelurahan (nama)", person.wilayah.label])
    return Section(title="Data pribadi", header=["Data", "Isi"], rows=rows)


@register_section
def person_history(person) -> Section:
    return change_history("ppks.Person", [person.pk])
