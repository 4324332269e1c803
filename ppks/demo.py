"""Demo beneficiaries in Banjarmasin and Banjarbaru, so the scoping can be seen with the demo accounts.

Names and numbers are invented; NIKs follow the structure (kecamatan code, birth date with +40
for women, serial) so they pass the validator.
"""

import datetime

from kesos.accounts.models import User
from kesos.core.demo import DemoReport
from kesos.wilayah.models import Wilayah

from .models import Person, PpksCategory
from .services import category_add, person_create

PERSONS = [
    # (name, sex, birth date, desa code, address, PPKS category held)
    ("Abdul Gani", "L", "1958-03-14", "63.71.01.1001", "Jl. Mantuil Raya Gg. Damai", "PPKS-24"),
    ("Siti Aisyah", "P", "2012-07-02", "63.71.01.1002", "Jl. Kelayan B Gg. Rahayu", "PPKS-02"),
    ("Muhammad Arsyad", "L", "1990-11-21", "63.71.02.1001", "Jl. Kuripan Kompleks Mawar", "PPKS-09"),
    ("Rusmini", "P", "1947-01-30", "63.71.02.1002", "Jl. Kebun Bunga RT 05", "PPKS-08"),
    ("Fajar Ramadhan", "L", "2009-09-09", "63.71.03.1001", "Jl. Belitung Darat", "PPKS-04"),
    ("Norhayati", "P", "1975-05-17", "63.71.04.1001", "Jl. Alalak Tengah", "PPKS-23"),
    ("Jumberi", "L", "1965-12-01", "63.72.03.1001", "Jl. Palam Kel. Palam", "PPKS-24"),
    ("Hj. Masliana", "P", "1952-08-08", "63.72.03.1002", "Jl. Bangkal Raya", "PPKS-08"),
    ("Rahmadi", "L", "2015-04-25", "63.72.03.1002", "Jl. Bangkal Gg. Sepakat", "PPKS-05"),
    ("Ahmad Yani", "L", "1980-02-11", "63.72.04.1001", "Jl. A. Yani Km 34", "PPKS-15"),
    ("Raudah", "P", "1999-10-05", "63.72.05.1001", "Jl. Sungai Besar", "PPKS-21"),
]


def demo_nik(code: str, sex: str, born: datetime.date, serial: int) -> str:
    kecamatan = code.replace(".", "")[:6]
    day = born.day + (40 if sex == "P" else 0)
    return f"{kecamatan}{day:02d}{born:%m%y}{serial:04d}"


def load_persons(report: DemoReport) -> None:
    actor = User.objects.get(username="admin.kalsel")
    created = 0
    for serial, (name, sex, born, code, address, category) in enumerate(PERSONS, start=1):
        born = datetime.date.fromisoformat(born)
        nik = demo_nik(code, sex, born, serial)
        if Person.objects.filter(nik=nik).exists():
            continue
        person = person_create(
            actor=actor,
            nik=nik,
            name=name,
            sex=sex,
            birth_date=born,
            wilayah=Wilayah.objects.get(code=code),
            address=address,
            birth_place="Banjarmasin" if code.startswith("63.71") else "Banjarbaru",
        )
        category_add(
            actor=actor,
            person=person,
            category=PpksCategory.objects.get(code=category),
            source="datang",
            recorded_on=datetime.date(2026, 1, 5),
        )
        created += 1
    report.lines.append(f"{Person.objects.count()} orang PPKS contoh ({created} baru)")
