"""Synthetic beneficiaries for benchmarks and demos: families with valid NIKs and No. KKs, Indonesian names.

The generator is plain Python with no database access: `SyntheticGenerator.plan()` draws households
(members with ages that fit their relation, a KK and a desa shared by the family), and `render()`
turns a plan into rows, one tuple per row in the column order of `TABLES`, given the first ids to
use. The management command `generate_synthetic` reserves the ids and writes the rows (COPY on
PostgreSQL, bulk_create elsewhere). Later record types (cases, services) are one more entry in
`TABLES` and one more step in `render()`.

Realism, tuned to Kalimantan Selatan (used for any province): mostly Banjar families, with Javanese,
Bugis, Dayak Meratus and Balinese ones; religion follows the family; ~30% of persons hold one or two
PPKS categories that fit their age, sex and disability; ~60% of households carry a DTSEN desil.

Same seed, same database state → same rows. NIK and No. KK serials come from per-prefix counters
that the caller seeds with the highest serial already stored, so a second run never collides.
"""

import datetime
import random
from bisect import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from .names import name_key
from .reference_data import REFERENSI

# --- Tables ----------------------------------------------------------------------------------------
PERSON_COLUMNS = (
    "id", "nik", "no_kk", "name", "aliases", "name_key", "sex", "birth_place", "birth_date", "wilayah_id",
    "address", "rt", "rw", "phone", "religion_id", "marital_status_id", "education_id", "occupation",
    "disability_id", "dtsen_desil", "dtsen_period", "legal_basis_id", "created_by_id", "version",
    "created_at", "updated_at",
)  # fmt: skip
HOUSEHOLD_COLUMNS = (
    "id", "no_kk", "wilayah_id", "address", "rt", "rw", "created_by_id", "version", "created_at", "updated_at",
)  # fmt: skip
MEMBER_COLUMNS = ("household_id", "person_id", "relation_id", "joined_on", "left_on", "created_at", "updated_at")
CATEGORY_COLUMNS = (
    "person_id", "household_id", "category_id", "source", "recorded_on", "ended_on", "verified",
    "verified_by_id", "note", "created_by_id", "created_at", "updated_at",
)  # fmt: skip

# Written in this order (foreign keys first). (label, app_label.Model, columns)
TABLES = (
    ("persons", "ppks.Person", PERSON_COLUMNS),
    ("households", "ppks.Household", HOUSEHOLD_COLUMNS),
    ("members", "ppks.HouseholdMember", MEMBER_COLUMNS),
    ("categories", "ppks.PersonCategory", CATEGORY_COLUMNS),
)

# --- Names -----------------------------------------------------------------------------------------
BANJAR_MALE = (
    "Rahmat", "Syahrani", "Fahrurrazi", "Rusdi", "Jumberi", "Aliansyah", "Norhadi", "Zainal", "Mahyuni", "Hairul",
    "Syaifullah", "Saberi", "Irwansyah", "Fauzan", "Rizky", "Hasbullah", "Abdurrahman", "Arsyad", "Anang",
    "Iberahim", "Halidi", "Darmawi", "Husin", "Rusli", "Salman", "Fahmi", "Hamdani", "Kurdi", "Masrani", "Bahrani",
    "Ideham", "Jailani", "Khairani", "Mukhlis", "Basuni", "Ramli", "Yusran", "Taufik", "Hafiz", "Ridwan", "Junaidi",
    "Sarkani", "Amberi", "Hilmi", "Murjani", "Gazali", "Asmuni", "Noor", "Fitriansyah", "Rahmadi", "Baihaqi",
    "Rafi", "Ilham", "Akbar", "Rasyid", "Yusuf", "Hasan", "Aidil", "Faisal", "Supiani", "Wahyudi", "Syarifuddin",
    "Anwar", "Mursidi", "Kaspul", "Norman", "Riduan", "Saipul", "Muslim", "Arifin", "Ansyari", "Hendra", "Dani",
)  # fmt: skip
BANJAR_MALE_SECOND = (
    "Ramadhan", "Hidayat", "Fadillah", "Rizki", "Syahrani", "Noor", "Akbar", "Ansyari", "Maulana", "Fauzi",
    "Rahman", "Saputra", "Alfarizi", "Hakim", "Firdaus", "Arsyad", "Kamal", "Hasani", "Rahmadi", "Wijaya",
    "Anshari", "Pratama", "Mubarak", "Nor", "Iqbal", "Azhari", "Zaki", "Hidayatullah",
)  # fmt: skip
BANJAR_FEMALE = (
    "Aulia", "Rahmah", "Fitriani", "Mariana", "Jamilah", "Salasiah", "Masitah", "Rusmilawati", "Norhayati",
    "Nurul", "Halimah", "Raudah", "Fatimah", "Mahmudah", "Syarifah", "Hasanah", "Zubaidah", "Bainah", "Jubaidah",
    "Rabiatul", "Khairunnisa", "Norjannah", "Rusmini", "Aminah", "Salamah", "Husna", "Norliani", "Mardiana",
    "Rahmawati", "Nabila", "Aisyah", "Zahra", "Rusdiana", "Nafisah", "Hamidah", "Saniah", "Arbainah", "Mulyani",
    "Hayati", "Fitria", "Normila", "Rosita", "Yulianti", "Mariatul", "Erna", "Lailatul", "Najwa", "Alya",
)  # fmt: skip
BANJAR_FEMALE_SECOND = (
    "Rahmah", "Hasanah", "Adawiyah", "Jannah", "Qibtiyah", "Hayati", "Aini", "Fadilah", "Mawaddah", "Salsabila",
    "Khadijah", "Azizah", "Zahra", "Sari", "Latifah", "Nisa", "Maulida", "Rizkia", "Safitri", "Annisa",
)  # fmt: skip
JAWA_MALE = (
    "Sutrisno", "Slamet", "Sugeng", "Budi", "Joko", "Agus", "Bambang", "Suparman", "Heru", "Eko", "Sumarno",
    "Suyanto", "Parman", "Tukiman", "Wagiman", "Sunardi", "Supriyadi", "Darmaji", "Sukirno", "Teguh", "Dwi",
    "Tri", "Hadi", "Yanto", "Purnomo", "Wahyu", "Bayu", "Didik", "Sigit", "Ponijo",
)  # fmt: skip
JAWA_FEMALE = (
    "Sri", "Suparti", "Sumiati", "Tri", "Endang", "Sulastri", "Wartini", "Dwi", "Ngatini", "Siti", "Sukarni",
    "Tumini", "Parmi", "Rukmini", "Wulan", "Ratna", "Yuni", "Eka", "Puji", "Suwarni", "Lestari", "Kartini",
)  # fmt: skip
JAWA_SECOND_MALE = (
    "Santoso", "Setiawan", "Prasetyo", "Wibowo", "Susanto", "Purwanto", "Hartono", "Nugroho", "Raharjo",
    "Saputro", "Kuncoro", "Widodo", "Sulistyo", "Gunawan", "Haryanto",
)  # fmt: skip
JAWA_SECOND_FEMALE = (
    "Wahyuni", "Rahayu", "Lestari", "Handayani", "Astuti", "Purwaningsih", "Wulandari", "Susanti", "Mulyani",
    "Ningsih", "Utami", "Aminah", "Suryani", "Pratiwi", "Indah",
)  # fmt: skip
BUGIS_MALE = (
    "Baso", "Haerul", "Syamsuddin", "Ilham", "Arsyad", "Hamzah", "Saharuddin", "Jufri", "Mappasessu", "Rustam",
    "Tahir", "Anwar", "Kaharuddin", "Nasrullah", "Amiruddin", "Jamaluddin", "Idris", "Ambo",
)  # fmt: skip
BUGIS_FEMALE = (
    "Hasnah", "Nurhayati", "Besse", "Hamsiah", "Hasnawati", "Rahmatia", "Nurlina", "Sitti", "Jumriah", "Marhamah",
    "Hadijah", "Nurhaeda", "Rosmini", "Masnawati", "Hartati",
)  # fmt: skip
DAYAK_CHRISTIAN_MALE = ("Yohanes", "Petrus", "Markus", "Simon", "Yakobus", "Daniel", "Stefanus", "Yosef", "Paulus")
DAYAK_CHRISTIAN_FEMALE = ("Maria", "Yuliana", "Marta", "Elisabet", "Lusiana", "Natalia", "Rosalina", "Agustina")
DAYAK_MALE = ("Ijun", "Amping", "Dulin", "Ahim", "Baret", "Liwan", "Sanun", "Uhing", "Lambut", "Ariston", "Damang")
DAYAK_FEMALE = ("Ancah", "Ilai", "Sipah", "Inang", "Dayang", "Uwai", "Mulik", "Ireng", "Lumbi", "Sirah")
BALI_ORDER_MALE = ("Wayan", "Putu", "Gede", "Made", "Kadek", "Nyoman", "Komang", "Ketut")
BALI_ORDER_FEMALE = ("Wayan", "Putu", "Luh", "Made", "Kadek", "Nyoman", "Komang", "Ketut")
BALI_MALE = ("Suardana", "Sudarma", "Artawan", "Wirawan", "Sukadana", "Budiarta", "Mertayasa", "Suarjana", "Adnyana")
BALI_FEMALE = ("Suartini", "Sukerti", "Astiti", "Sriasih", "Ariani", "Sumiasih", "Darmayanti", "Widiastuti")
NICKNAMES_MALE = ("Utuh", "Udin", "Iwan", "Amat", "Anang", "Ijai", "Tuhal", "Dayat", "Imis", "Ancah")
NICKNAMES_FEMALE = ("Galuh", "Diang", "Ina", "Ijah", "Imah", "Acil", "Ipah", "Nunung", "Inur", "Uyah")


def _faker_names(attr: str, fallback: tuple) -> tuple:
    """Faker's Indonesian (mostly Javanese and Sundanese) given names widen the pool when Faker is there."""
    try:
        from faker.providers.person.id_ID import Provider
    except ImportError:  # pragma: no cover - Faker is a dev dependency
        return fallback
    return tuple(sorted(set(getattr(Provider, attr, ())))) or fallback


FAKER_MALE = _faker_names("first_names_male", JAWA_MALE)
FAKER_FEMALE = _faker_names("first_names_female", JAWA_FEMALE)


def _pick(rng: random.Random, items):
    return items[int(rng.random() * len(items))]


def person_name(rng: random.Random, ethnic: str, sex: str) -> str:
    """A full name as written on a KK for someone of this background."""
    r = rng.random()
    male = sex == "L"
    if ethnic == "banjar":
        if male:
            if r < 0.25:
                return f"Muhammad {_pick(rng, BANJAR_MALE)}"
            if r < 0.33:
                return f"Ahmad {_pick(rng, BANJAR_MALE)}"
            if r < 0.36:
                return f"Gusti {_pick(rng, BANJAR_MALE)} {_pick(rng, BANJAR_MALE_SECOND)}"
            if r < 0.58:
                return _pick(rng, BANJAR_MALE)
            return f"{_pick(rng, BANJAR_MALE)} {_pick(rng, BANJAR_MALE_SECOND)}"
        if r < 0.2:
            return f"Siti {_pick(rng, BANJAR_FEMALE)}"
        if r < 0.32:
            return f"{'Noor' if r < 0.26 else 'Nor'} {_pick(rng, BANJAR_FEMALE)}"
        if r < 0.55:
            return _pick(rng, BANJAR_FEMALE)
        return f"{_pick(rng, BANJAR_FEMALE)} {_pick(rng, BANJAR_FEMALE_SECOND)}"
    if ethnic == "jawa":
        first = (
            _pick(rng, JAWA_MALE if male else JAWA_FEMALE)
            if r < 0.6
            else _pick(rng, FAKER_MALE if male else FAKER_FEMALE)
        )
        if rng.random() < 0.3:
            return first
        return f"{first} {_pick(rng, JAWA_SECOND_MALE if male else JAWA_SECOND_FEMALE)}"
    if ethnic == "bugis":
        names = BUGIS_MALE if male else BUGIS_FEMALE
        if r < 0.15:
            return f"Andi {_pick(rng, names)}"
        if r < 0.35 and male:
            return f"Muhammad {_pick(rng, names)}"
        return _pick(rng, names) if r < 0.6 else f"{_pick(rng, names)} {_pick(rng, names)}"
    if ethnic == "dayak":
        local = _pick(rng, DAYAK_MALE if male else DAYAK_FEMALE)
        if r < 0.55:
            return f"{_pick(rng, DAYAK_CHRISTIAN_MALE if male else DAYAK_CHRISTIAN_FEMALE)} {local}"
        return local if r < 0.8 else f"{local} {_pick(rng, BANJAR_MALE if male else BANJAR_FEMALE)}"
    # bali
    if male:
        return f"I {_pick(rng, BALI_ORDER_MALE)} {_pick(rng, BALI_MALE)}"
    return f"Ni {_pick(rng, BALI_ORDER_FEMALE)} {_pick(rng, BALI_FEMALE)}"


cached_name_key = lru_cache(maxsize=500_000)(name_key)

# --- Distributions ---------------------------------------------------------------------------------
# (ethnic group, weight, religion weights)
ETHNIC = (
    ("banjar", 72, {"islam": 999, "kristen": 1}),
    ("jawa", 15, {"islam": 92, "kristen": 3, "katolik": 2, "hindu": 1, "buddha": 1, "khonghucu": 1}),
    ("bugis", 6, {"islam": 100}),
    ("dayak", 5, {"kristen": 40, "katolik": 15, "kepercayaan": 15, "islam": 25, "hindu": 5}),
    ("bali", 2, {"hindu": 95, "islam": 3, "kristen": 2}),
)
HOUSEHOLD_SIZE = {1: 9, 2: 16, 3: 22, 4: 24, 5: 16, 6: 8, 7: 5}
EDUCATION_ADULT = {
    "tidak_sekolah": 4, "belum_tamat_sd": 7, "sd": 27, "sltp": 19, "slta": 29, "d1_d2": 2, "d3": 3, "s1": 8,
    "s2": 0.8, "s3": 0.1,
}  # fmt: skip
EDUCATION_ELDER = {"tidak_sekolah": 18, "belum_tamat_sd": 20, "sd": 36, "sltp": 11, "slta": 10, "d3": 2, "s1": 3}
OCCUPATION_MALE = {
    "Petani/Pekebun": 24, "Wiraswasta": 18, "Buruh Harian Lepas": 18, "Pedagang": 8, "Karyawan Swasta": 10,
    "Nelayan/Perikanan": 4, "Sopir": 4, "Tukang Kayu": 2, "Buruh Tambang": 2, "Pegawai Negeri Sipil": 3,
    "Belum/Tidak Bekerja": 5,
}  # fmt: skip
OCCUPATION_FEMALE = {
    "Mengurus Rumah Tangga": 48, "Pedagang": 12, "Wiraswasta": 9, "Petani/Pekebun": 10, "Karyawan Swasta": 6,
    "Guru": 3, "Buruh Harian Lepas": 5, "Belum/Tidak Bekerja": 7,
}  # fmt: skip
DISABILITY = {"fisik": 40, "sensorik": 25, "intelektual": 12, "mental": 13, "ganda": 10}
DESIL = {1: 18, 2: 16, 3: 14, 4: 12, 5: 10, 6: 9, 7: 7, 8: 6, 9: 4, 10: 4}
STREETS = (
    "A. Yani", "Pangeran Antasari", "Sultan Adam", "Hasan Basri", "Pramuka", "Veteran", "Kelayan A",
    "Pekapuran Raya", "Cempaka", "Sungai Andai", "Gatot Subroto", "Lambung Mangkurat", "Belitung Darat",
    "Kuin Utara", "Alalak Tengah", "Trikora", "Mistar Cokrokusumo", "Panglima Batur", "Martapura Lama",
    "Pangeran Hidayatullah", "Kayu Tangi", "Mulawarman", "Rantauan Darat", "Handil Bakti", "Sungai Lulut",
    "Tembus Mantuil", "Teluk Tiram Darat", "Banua Anyar", "Perdagangan", "Simpang Gusti", "Golf", "Guntung Manggis",
)  # fmt: skip
GANGS = ("Rahmat", "Damai", "Mesjid", "Keluarga", "Sepakat", "Harapan", "Sederhana")
COMPLEXES = ("Griya Permata", "Beruntung Jaya", "Citra Megah", "Bumi Berkat", "Purnama Sari", "Mitra Indah")
OUTSIDE_BIRTH_PLACES = (
    "Surabaya", "Samarinda", "Palangka Raya", "Makassar", "Semarang", "Yogyakarta", "Jakarta", "Balikpapan",
    "Sampit", "Denpasar", "Malang", "Kediri", "Bone", "Pare-Pare",
)  # fmt: skip
# The town people write as their birthplace, by kab/kota (Kalimantan Selatan); others use the kab/kota name.
TOWNS = {
    "63.01": "Pelaihari", "63.02": "Kotabaru", "63.03": "Martapura", "63.04": "Marabahan", "63.05": "Rantau",
    "63.06": "Kandangan", "63.07": "Barabai", "63.08": "Amuntai", "63.09": "Tanjung", "63.10": "Batulicin",
    "63.11": "Paringin", "63.71": "Banjarmasin", "63.72": "Banjarbaru",
}  # fmt: skip
PHONE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0877", "0878", "0895", "0896")
KK_EPOCH = datetime.date(2005, 1, 1)  # SIAK: No. KK of the current form date from the mid-2000s

# PPKS categories a person may hold: code → (min age, max age or None, sex or None, needs disability,
# weight, sources). Dayak-only KAT is handled apart. Child categories stop at 18.
PERSON_CATEGORIES = {
    "PPKS-01": (0, 5, None, False, 2, ("tksk", "dtsen", "lks")),
    "PPKS-02": (5, 18, None, False, 5, ("dtsen", "tksk", "lks")),
    "PPKS-03": (12, 18, None, False, 1, ("polisi", "rujukan")),
    "PPKS-04": (6, 18, None, False, 1.5, ("tksk", "lks")),
    "PPKS-05": (0, 18, None, True, 30, ("dtsen", "tksk", "lks")),
    "PPKS-06": (0, 18, None, False, 1.5, ("hotline", "polisi", "rujukan")),
    "PPKS-07": (0, 18, None, False, 1, ("rujukan", "lks")),
    "PPKS-08": (60, None, None, False, 20, ("dtsen", "tksk", "datang")),
    "PPKS-09": (18, None, None, True, 40, ("dtsen", "tksk", "datang")),
    "PPKS-10": (18, 50, "P", False, 0.3, ("polisi", "rujukan")),
    "PPKS-11": (18, None, None, False, 0.8, ("tksk", "polisi")),
    "PPKS-12": (18, None, None, False, 0.8, ("tksk", "polisi")),
    "PPKS-13": (15, None, None, False, 1, ("tksk",)),
    "PPKS-14": (0, None, None, False, 0.3, ("lainnya", "tksk")),
    "PPKS-15": (18, None, None, False, 0.7, ("rujukan", "datang")),
    "PPKS-16": (15, None, None, False, 0.4, ("rujukan", "lks")),
    "PPKS-17": (12, 60, None, False, 0.8, ("rujukan", "polisi", "lks")),
    "PPKS-18": (12, 45, None, False, 0.4, ("polisi", "rujukan")),
    "PPKS-19": (18, None, None, False, 1.5, ("hotline", "polisi", "datang")),
    "PPKS-20": (18, 60, None, False, 0.5, ("rujukan", "datang")),
    "PPKS-21": (0, None, None, False, 4, ("tksk", "dtsen")),
    "PPKS-22": (0, None, None, False, 0.8, ("tksk",)),
    "PPKS-23": (18, 60, "P", False, 6, ("dtsen", "tksk", "datang")),
    "PPKS-24": (18, None, None, False, 25, ("dtsen", "datang", "tksk")),
    "PPKS-25": (18, None, None, False, 1.5, ("datang", "hotline", "rujukan")),
    "PPKS-26": (0, None, None, False, 15, ("tksk", "lainnya")),
}
CATEGORY_SHARE = 0.30  # persons holding at least one category
CATEGORY_HISTORY_DAYS = 5 * 365  # recorded within the last five years


class Weighted:
    """Fast weighted choice from a fixed {value: weight} table."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, table):
        items = list(table.items()) if isinstance(table, dict) else list(table)
        self.values = [value for value, _ in items]
        self.cum = list(accumulate(weight for _, weight in items))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect(self.cum, rng.random() * self.total)]


# --- Inputs ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Desa:
    code: str  # "63.72.03.1001"
    urban: bool  # kelurahan
    name: str
    town: str  # birthplace most people there write


@dataclass
class References:
    """Database ids of the reference rows the generator points at (filled by the caller)."""

    referensi: dict[tuple[str, str], int]  # (kind, code) → id
    categories: dict[str, int]  # "PPKS-08" → id

    def ref(self, kind: str, code: str) -> int:
        return self.referensi[(kind, code)]


@dataclass
class Counters:
    """Next free serial per 12-digit NIK / No. KK prefix (region + date); seeded from the database."""

    nik: dict[str, int] = field(default_factory=dict)
    kk: dict[str, int] = field(default_factory=dict)


# --- Plan ------------------------------------------------------------------------------------------
class PersonPlan:
    __slots__ = ("relation", "sex", "age", "birth_date", "name", "marital", "nik", "categories", "disability")

    def __init__(self, relation, sex, age, marital):
        self.relation, self.sex, self.age, self.marital = relation, sex, age, marital
        self.birth_date = None
        self.name = ""
        self.nik = ""
        self.categories = ()
        self.disability = None


class HouseholdPlan:
    __slots__ = ("desa", "ethnic", "religion", "kk", "issued_on", "address", "rt", "rw", "desil", "members", "flags")

    def __init__(self, desa, ethnic, religion):
        self.desa, self.ethnic, self.religion = desa, ethnic, religion
        self.members: list[PersonPlan] = []
        self.flags: tuple[str, ...] = ()  # household-level categories


class SyntheticGenerator:
    def __init__(
        self,
        *,
        desa: list[Desa],
        refs: References,
        counters: Counters | None = None,
        seed: int | None = None,
        today: datetime.date,
        now: datetime.datetime,
        province_towns: list[str] = (),
    ):
        if not desa:
            raise ValueError("no desa to place households in")
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.desa = Weighted((d, 4 if d.urban else 1) for d in desa)  # kelurahan are denser
        self.refs = refs
        self.counters = counters or Counters()
        self.today = today
        self.now = now
        self.province_towns = list(province_towns) or sorted({d.town for d in desa})
        self.ethnic = Weighted((name, weight) for name, weight, _ in ETHNIC)
        self.religion = {name: Weighted(table) for name, _, table in ETHNIC}
        self.size = Weighted(HOUSEHOLD_SIZE)
        self.edu_adult = Weighted(EDUCATION_ADULT)
        self.edu_elder = Weighted(EDUCATION_ELDER)
        self.occ_male = Weighted(OCCUPATION_MALE)
        self.occ_female = Weighted(OCCUPATION_FEMALE)
        self.disability_kind = Weighted(DISABILITY)
        self.desil = Weighted(DESIL)
        quarter = ("I", "II", "III", "IV")[(today.month - 1) // 3]
        self.dtsen_period = f"{today.year} Triwulan {quarter}"
        # Oldest birth date a two-digit NIK year still reads right (parse_nik: 20YY unless in the future).
        self.oldest = datetime.date(today.year - 99, 1, 1) + datetime.timedelta(days=366)

    # --- households --------------------------------------------------------------------------------
    def plan(self, n_persons: int) -> list[HouseholdPlan]:
        """Households holding exactly `n_persons` persons (the last one cut to fit)."""
        households = []
        left = n_persons
        while left > 0:
            household = self._household(min(self.size(self.rng), left))
            left -= len(household.members)
            households.append(household)
        return households

    def _household(self, size: int) -> HouseholdPlan:
        rng = self.rng
        ethnic = self.ethnic(rng)
        household = HouseholdPlan(self.desa(rng), ethnic, self.religion[ethnic](rng))
        members = household.members
        randint = rng.randint
        if size == 1:
            age = randint(20, 90) if rng.random() < 0.5 else randint(55, 92)
            sex = "L" if rng.random() < 0.45 else "P"
            marital = (
                "belum_kawin" if age < 30 else ("cerai_mati" if age >= 55 or rng.random() < 0.5 else "cerai_hidup")
            )
            members.append(PersonPlan("kepala", sex, age, marital))
            mother_age = None
        elif rng.random() < 0.82:
            head_age = randint(22, 75)
            wife_age = max(18, head_age - randint(-3, 8))
            married = "kawin_tercatat" if rng.random() < 0.88 else "kawin_belum_tercatat"
            members.append(PersonPlan("kepala", "L", head_age, married))
            members.append(PersonPlan("istri", "P", wife_age, married))
            mother_age = wife_age
        else:  # single parent, mostly a mother
            head_age = randint(25, 70)
            sex = "P" if rng.random() < 0.7 else "L"
            members.append(PersonPlan("kepala", sex, head_age, "cerai_mati" if rng.random() < 0.5 else "cerai_hidup"))
            mother_age = head_age if sex == "P" else max(18, head_age - randint(0, 6))
        if mother_age is not None:
            head_age = members[0].age
            if size - len(members) >= 2 and head_age <= 60 and rng.random() < 0.12:
                relation = "orang_tua" if rng.random() < 0.6 else "mertua"
                members.append(
                    PersonPlan(
                        relation, "P" if rng.random() < 0.65 else "L", min(95, head_age + randint(20, 35)), "cerai_mati"
                    )
                )
            children = []
            while len(members) + len(children) < size:
                if mother_age >= 45 and rng.random() < 0.25:  # a grandchild living with the grandparents
                    children.append(
                        PersonPlan(
                            "cucu",
                            "L" if rng.random() < 0.5 else "P",
                            randint(0, min(15, mother_age - 38)),
                            "belum_kawin",
                        )
                    )
                    continue
                age = randint(max(0, mother_age - 42), mother_age - 18)
                children.append(PersonPlan("anak", "L" if rng.random() < 0.5 else "P", age, "belum_kawin"))
            children.sort(key=lambda c: (c.relation != "anak", -c.age))
            members.extend(children)
        self._people(household)
        return household

    def _people(self, household: HouseholdPlan) -> None:
        rng = self.rng
        today_ordinal = self.today.toordinal()
        oldest = self.oldest.toordinal()
        for person in household.members:
            # Birth date: the age in whole years, somewhere in that year of life.
            days = int(person.age * 365.25) + int(rng.random() * 365)
            person.birth_date = datetime.date.fromordinal(max(oldest, min(today_ordinal, today_ordinal - days)))
            person.age = _age(person.birth_date, self.today)
            person.name = person_name(rng, household.ethnic, person.sex)
            if rng.random() < (0.08 if person.age >= 60 else 0.015):
                person.disability = self.disability_kind(rng)
        youngest = max(p.birth_date for p in household.members)
        start = max(KK_EPOCH, youngest).toordinal()
        household.issued_on = datetime.date.fromordinal(start + int(rng.random() * (today_ordinal - start + 1)))
        household.address, household.rt, household.rw = self._address(household.desa)
        household.desil = self.desil(rng) if rng.random() < 0.6 else None
        flags = []
        if household.desil == 1 and rng.random() < 0.2:
            flags.append("PPKS-24")
        if household.ethnic == "dayak" and rng.random() < 0.3:
            flags.append("PPKS-26")
        household.flags = tuple(flags)
        for person in household.members:
            person.categories = self._categories(person, household)

    def _address(self, desa: Desa) -> tuple[str, str, str]:
        rng = self.rng
        rt = f"{rng.randint(1, 25 if desa.urban else 12):03d}"
        rw = f"{rng.randint(1, 8):03d}" if desa.urban or rng.random() < 0.4 else ""
        street = _pick(rng, STREETS)
        r = rng.random()
        if desa.urban:
            if r < 0.6:
                return f"Jl. {street} No. {rng.randint(1, 150)}", rt, rw
            if r < 0.9:
                gang = _pick(rng, GANGS) if rng.random() < 0.6 else rng.randint(1, 12)
                return f"Jl. {street} Gg. {gang} No. {rng.randint(1, 60)}", rt, rw
            return f"Komp. {_pick(rng, COMPLEXES)} Blok {_pick(rng, 'ABCDEF')} No. {rng.randint(1, 40)}", rt, rw
        if r < 0.5:
            return f"Jl. Desa {desa.name}", rt, rw
        if r < 0.8:
            return f"Dusun {rng.choice(('I', 'II', 'III', 'IV'))} {desa.name}", rt, rw
        return f"Jl. {street} Km. {rng.randint(1, 40)}", rt, rw

    def _categories(self, person: PersonPlan, household: HouseholdPlan) -> tuple[tuple[str, datetime.date], ...]:
        rng = self.rng
        share = 0.9 if person.disability else CATEGORY_SHARE
        if rng.random() >= share:
            return ()
        eligible = []
        for code, (low, high, sex, needs_disability, weight, _) in PERSON_CATEGORIES.items():
            if person.age < low or (high is not None and person.age >= high):
                continue
            if (sex and person.sex != sex) or (needs_disability and not person.disability):
                continue
            if code == "PPKS-26" and household.ethnic != "dayak":
                continue
            if code == "PPKS-24" and household.desil is not None and household.desil <= 2:
                weight *= 2
            eligible.append((code, weight))
        if not eligible:
            return ()
        picked = []
        for _ in range(2 if rng.random() < 0.25 and len(eligible) > 1 else 1):
            code = Weighted(eligible)(rng)
            eligible = [(c, w) for c, w in eligible if c != code]
            picked.append((code, self._recorded_on(person.birth_date, PERSON_CATEGORIES[code][0])))
        return tuple(picked)

    def _recorded_on(self, birth_date: datetime.date, min_age: int) -> datetime.date:
        """A date within the last five years on which the person already had the category's minimum age."""
        earliest = max(_add_years(birth_date, min_age).toordinal(), self.today.toordinal() - CATEGORY_HISTORY_DAYS)
        latest = self.today.toordinal()
        return datetime.date.fromordinal(earliest + int(self.rng.random() * (latest - earliest + 1)))

    # --- numbers -----------------------------------------------------------------------------------
    def _serial(self, counters: dict[str, int], prefix: str) -> int | None:
        serial = counters.get(prefix, 0) + 1
        if serial > 9999:
            return None
        counters[prefix] = serial
        return serial

    def _nik(self, person: PersonPlan, kecamatan: str) -> str:
        """NIK for this person, moving the birth date a day back in the rare case a date's 9999 serials are used."""
        while True:
            b = person.birth_date
            day = b.day + 40 if person.sex == "P" else b.day
            prefix = f"{kecamatan}{day:02d}{b.month:02d}{b.year % 100:02d}"
            serial = self._serial(self.counters.nik, prefix)
            if serial is not None:
                return f"{prefix}{serial:04d}"
            person.birth_date = b - datetime.timedelta(days=1)

    def _kk(self, household: HouseholdPlan, kecamatan: str) -> str:
        while True:
            d = household.issued_on
            prefix = f"{kecamatan}{d.day:02d}{d.month:02d}{d.year % 100:02d}"
            serial = self._serial(self.counters.kk, prefix)
            if serial is not None:
                return f"{prefix}{serial:04d}"
            household.issued_on = d - datetime.timedelta(days=1)

    # --- rows --------------------------------------------------------------------------------------
    def render(self, plan: list[HouseholdPlan], first_person_id: int, first_household_id: int) -> dict[str, list]:
        """Rows for each table of TABLES, persons and households numbered from the given ids."""
        rng = self.rng
        ref = self.refs.ref
        categories = self.refs.categories
        now = self.now
        legal_basis = ref("dasar_hukum", "tugas_publik")
        relation = {code: ref("hubungan", code) for code in ("kepala", "istri", "anak", "cucu", "orang_tua", "mertua")}
        marital = {code: ref("status_kawin", code) for code in _REF_CODES["status_kawin"]}
        education = {code: ref("pendidikan", code) for code in _REF_CODES["pendidikan"]}
        disability = {code: ref("disabilitas", code) for code in _REF_CODES["disabilitas"]}
        religion = {code: ref("agama", code) for code in _REF_CODES["agama"]}
        persons, households, members, holdings = [], [], [], []
        person_id = first_person_id
        for household_id, household in enumerate(plan, start=first_household_id):
            desa = household.desa
            kecamatan = desa.code[:8].replace(".", "")
            kk = self._kk(household, kecamatan)
            households.append(
                (household_id, kk, desa.code, household.address, household.rt, household.rw, None, 1, now, now)
            )
            desil = household.desil
            period = self.dtsen_period if desil else ""
            religion_id = religion[household.religion]
            for person in household.members:
                nik = self._nik(person, kecamatan)
                age = person.age
                adult = age >= 17
                aliases = ""
                if rng.random() < 0.1:
                    aliases = _pick(rng, NICKNAMES_MALE if person.sex == "L" else NICKNAMES_FEMALE)
                phone = (
                    f"{_pick(rng, PHONE_PREFIXES)}{rng.randrange(10**7, 10**8)}"
                    if adult and rng.random() < 0.55
                    else ""
                )
                birth_place = self._birth_place(desa)
                persons.append(
                    (
                        person_id, nik, kk, person.name, aliases, cached_name_key(person.name), person.sex,
                        birth_place, person.birth_date, desa.code, household.address, household.rt, household.rw,
                        phone, religion_id, marital[person.marital], education[self._education(age)],
                        self._occupation(person), disability[person.disability] if person.disability else None,
                        desil, period, legal_basis, None, 1, now, now,
                    )
                )  # fmt: skip
                members.append(
                    (household_id, person_id, relation[person.relation], household.issued_on, None, now, now)
                )
                for code, recorded_on in person.categories:
                    sources = PERSON_CATEGORIES[code][5]
                    holdings.append(
                        (person_id, None, categories[code], _pick(rng, sources), recorded_on, None,
                         rng.random() < 0.65, None, "", None, now, now)
                    )  # fmt: skip
                person_id += 1
            for code in household.flags:
                recorded_on = self._recorded_on(household.issued_on, 0)
                holdings.append(
                    (None, household_id, categories[code], "dtsen" if code == "PPKS-24" else "tksk", recorded_on,
                     None, rng.random() < 0.65, None, "", None, now, now)
                )  # fmt: skip
        return {"persons": persons, "households": households, "members": members, "categories": holdings}

    def _birth_place(self, desa: Desa) -> str:
        r = self.rng.random()
        if r < 0.75:
            return desa.town
        if r < 0.92:
            return _pick(self.rng, self.province_towns)
        return _pick(self.rng, OUTSIDE_BIRTH_PLACES)

    def _education(self, age: int) -> str:
        if age < 7:
            return "tidak_sekolah"
        if age < 13:
            return "belum_tamat_sd"
        if age < 16:
            return "sd"
        if age < 19:
            return "sltp" if self.rng.random() < 0.7 else "slta"
        return (self.edu_elder if age >= 60 else self.edu_adult)(self.rng)

    def _occupation(self, person: PersonPlan) -> str:
        age = person.age
        if age < 6:
            return "Belum/Tidak Bekerja"
        if age < 19 or (age < 23 and self.rng.random() < 0.5):
            return "Pelajar/Mahasiswa"
        if age >= 65 and self.rng.random() < 0.6:
            return "Pensiunan" if self.rng.random() < 0.15 else "Belum/Tidak Bekerja"
        return (self.occ_male if person.sex == "L" else self.occ_female)(self.rng)


_REF_CODES = {kind: [code for code, _ in entries] for kind, entries in REFERENSI.items()}


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age(birth_date: datetime.date, today: datetime.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years of age on a day."""
    return _age(birth_date, day)


def town_for(kabkota_code: str, kabkota_name: str) -> str:
    """The birthplace people of a kab/kota write: its main town, else the name without 'Kabupaten'/'Kota'."""
    if kabkota_code in TOWNS:
        return TOWNS[kabkota_code]
    for prefix in ("Kabupaten ", "Kota ", "Kab. "):
        if kabkota_name.startswith(prefix):
            return kabkota_name[len(prefix) :]
    return kabkota_name


# --- Cases -----------------------------------------------------------------------------------------
# Cases, their categories, stage transitions, assessments and services. `CaseGenerator.render()` takes
# the opening times (ascending, so ids follow time as they do in use) and candidate subjects read from
# the database, and returns rows for CASE_TABLES.
CASE_COLUMNS = (
    "id", "number", "person_id", "household_id", "wilayah_id", "source", "reporter_name", "reported_by_id",
    "assigned_worker_id", "priority", "stage", "summary", "sensitive_notes", "opened_at", "closed_at", "version",
    "created_at", "updated_at",
)  # fmt: skip
CASE_CATEGORY_COLUMNS = ("case_id", "ppkscategory_id")
TRANSITION_COLUMNS = ("case_id", "from_stage", "to_stage", "actor_id", "at", "note")
ASSESSMENT_COLUMNS = (
    "case_id", "assessed_on", "scope", "findings", "needs", "strengths", "author_id", "created_at", "updated_at",
)  # fmt: skip
SERVICE_COLUMNS = (
    "case_id", "delivered_on", "form", "atensi_component_id", "programme_id", "description", "provider", "amount",
    "in_kind", "author_id", "created_at", "updated_at",
)  # fmt: skip
CASE_TABLES = (
    ("cases", "ppks.Case", CASE_COLUMNS),
    ("case_categories", "ppks.Case_categories", CASE_CATEGORY_COLUMNS),
    ("transitions", "ppks.CaseTransition", TRANSITION_COLUMNS),
    ("assessments", "ppks.Assessment", ASSESSMENT_COLUMNS),
    ("services", "ppks.ServiceDelivery", SERVICE_COLUMNS),
)
CASE_HISTORY_DAYS = 3 * 365  # cases opened over the last three years

# Stage flow: stage → ((next stage, weight), ...), (min days, max days) spent in the stage. Every open
# stage may also end by a side exit (death: more likely for the elderly; moving away), and any step
# may stall (a backlog: up to STALL_DAYS).
DILAPORKAN, DIVERIFIKASI, ASESMEN, RENCANA, INTERVENSI = (
    "dilaporkan",
    "diverifikasi",
    "asesmen",
    "rencana",
    "intervensi",
)
DIRUJUK, RESOSIALISASI, TERMINASI, BIMBINGAN, DITUTUP = (
    "dirujuk",
    "resosialisasi",
    "terminasi",
    "bimbingan_lanjut",
    "ditutup",
)
TIDAK_MEMENUHI, MENINGGAL, PINDAH = "tidak_memenuhi", "meninggal", "pindah"
FINAL_STAGES = frozenset({DITUTUP, TIDAK_MEMENUHI, MENINGGAL, PINDAH})
SUPERVISOR_STAGES = frozenset({DIVERIFIKASI, TIDAK_MEMENUHI, DITUTUP})
FLOW = {
    DILAPORKAN: (((DIVERIFIKASI, 90), (TIDAK_MEMENUHI, 10)), (1, 14)),
    DIVERIFIKASI: (((ASESMEN, 95), (TIDAK_MEMENUHI, 5)), (2, 21)),
    ASESMEN: (((RENCANA, 1),), (3, 30)),
    RENCANA: (((INTERVENSI, 1),), (3, 30)),
    INTERVENSI: (((TERMINASI, 55), (RESOSIALISASI, 22), (DIRUJUK, 23)), (30, 300)),
    DIRUJUK: (((INTERVENSI, 60), (TERMINASI, 40)), (14, 120)),
    RESOSIALISASI: (((TERMINASI, 1),), (14, 120)),
    TERMINASI: (((DITUTUP, 60), (BIMBINGAN, 40)), (3, 30)),
    BIMBINGAN: (((DITUTUP, 1),), (30, 180)),
}
STALL = 0.05
STALL_DAYS = 400
SIDE_EXIT_NOTES = {
    TIDAK_MEMENUHI: ("Hasil verifikasi: tidak memenuhi kriteria PPKS.",
                     "Sudah ditangani keluarga; tidak perlu layanan.",
                     "Data pelapor tidak dapat dikonfirmasi di lapangan."),
    MENINGGAL: ("Penerima manfaat meninggal dunia (keterangan keluarga dan kepala desa).",),
    PINDAH: ("Pindah domisili ke luar wilayah; berkas diteruskan ke Dinsos tujuan.",),
}  # fmt: skip
CLOSING_NOTES = ("Tujuan intervensi tercapai.", "Kondisi sudah stabil; terminasi disepakati dengan keluarga.", "")
PRIORITY = {"rendah": 20, "sedang": 55, "tinggi": 20, "darurat": 5}
PRIORITY_URGENT = {"sedang": 30, "tinggi": 50, "darurat": 20}
URGENT = frozenset({"PPKS-03", "PPKS-06", "PPKS-07", "PPKS-18", "PPKS-19", "PPKS-21"})
SENSITIVE = frozenset({"PPKS-03", "PPKS-05", "PPKS-06", "PPKS-09", "PPKS-10", "PPKS-16", "PPKS-17", "PPKS-18",
                       "PPKS-19"})  # fmt: skip
SENSITIVE_NOTES = (
    "Riwayat pengobatan rutin di puskesmas; kartu berobat ada pada keluarga.",
    "Ada laporan kekerasan dalam keluarga; jangan hubungi lewat kepala keluarga.",
    "Kondisi kesehatan mental perlu pemeriksaan lanjutan.",
    "Perkara sedang ditangani unit PPA; identitas dirahasiakan.",
)
CASE_SOURCE = {"dtsen": "tksk"}  # category sources that are not case sources
ASSESSMENT_SCOPE = {"individu": 70, "keluarga": 25, "lingkungan": 5}
SERVICE_COUNT = {1: 45, 2: 30, 3: 15, 4: 10}

# Category groups: what the case is about, what is assessed, and what is delivered.
GROUP = {
    **dict.fromkeys(("PPKS-01", "PPKS-02", "PPKS-03", "PPKS-04", "PPKS-06", "PPKS-07"), "anak"),
    **dict.fromkeys(("PPKS-05", "PPKS-09"), "disabilitas"),
    "PPKS-08": "lansia",
    **dict.fromkeys(("PPKS-11", "PPKS-12", "PPKS-13", "PPKS-14", "PPKS-23", "PPKS-24", "PPKS-26"), "miskin"),
    **dict.fromkeys(("PPKS-10", "PPKS-15", "PPKS-16", "PPKS-17", "PPKS-18", "PPKS-19", "PPKS-20", "PPKS-25"), "korban"),
    **dict.fromkeys(("PPKS-21", "PPKS-22"), "bencana"),
}  # fmt: skip
SUMMARIES = {
    "anak": ("Anak tidak terurus, orang tua bekerja di luar daerah; tinggal bersama kerabat lanjut usia.",
             "Anak putus sekolah dan sering berada di jalan pada jam sekolah.",
             "Laporan dugaan penelantaran anak oleh keluarga; perlu pendampingan."),
    "disabilitas": ("Penyandang disabilitas tanpa alat bantu; sulit beraktivitas dan mengakses layanan.",
                    "Disabilitas sejak lahir, belum terdaftar sebagai penerima bantuan.",
                    "Keluarga kewalahan merawat; butuh dukungan perawatan dan aksesibilitas."),
    "lansia": ("Lansia tinggal sendiri, tidak ada keluarga yang merawat; kebutuhan makan tidak tercukupi.",
               "Lansia sakit-sakitan, anak merantau; rumah tidak layak huni.",
               "Lansia telantar ditemukan warga di pasar; perlu penjangkauan."),
    "miskin": ("Keluarga tidak mampu memenuhi kebutuhan dasar; penghasilan harian tidak tetap.",
               "Rumah tidak layak huni, belum menerima bantuan sosial.",
               "Kepala keluarga kehilangan pekerjaan; anak terancam putus sekolah."),
    "korban": ("Korban kekerasan membutuhkan pendampingan psikososial dan perlindungan.",
               "Kembali dari luar daerah tanpa biaya dan tanpa tempat tinggal.",
               "Keluarga dalam konflik berkepanjangan; perlu konseling dan mediasi."),
    "bencana": ("Rumah rusak akibat banjir; keluarga mengungsi ke rumah kerabat.",
                "Kebakaran permukiman; kehilangan tempat tinggal dan dokumen kependudukan."),
}  # fmt: skip
FINDINGS = {
    "anak": ("Pengasuhan tidak memadai; anak belum memiliki akta kelahiran.", "Dukungan pengasuhan dan pendidikan."),
    "disabilitas": ("Belum memiliki alat bantu; belum terdaftar di DTSEN.", "Alat bantu, terapi, dan jaminan sosial."),
    "lansia": ("Tidak ada pengasuh tetap; kondisi gizi kurang.", "Permakanan dan perawatan sosial."),
    "miskin": ("Pendapatan di bawah garis kemiskinan; belum menerima bansos.", "Bantuan sosial dan usaha produktif."),
    "korban": ("Trauma; relasi keluarga tegang.", "Pendampingan psikososial dan perlindungan."),
    "bencana": ("Kehilangan tempat tinggal dan harta benda.", "Bantuan tanggap darurat dan hunian sementara."),
}
STRENGTHS = ("Tetangga dan ketua RT peduli.", "Ada kerabat yang bersedia membantu.", "Masih mampu bekerja ringan.", "")
# (form, programme code, ATENSI component code or None, description, provider ({town} filled in), amount range
# (Rp) or None, in kind)
SERVICES = {
    "anak": (
        ("rehabilitasi", "atensi", "perawatan", "Pengasuhan sementara di LKSA", "LKSA Al-Mubarak", None, ""),
        ("perlindungan", "atensi", "terapi", "Pendampingan psikososial anak", "UPTD PPA {town}", None, ""),
        ("rehabilitasi", "atensi", "bantuan_sosial", "Bantuan perlengkapan sekolah", "Dinas Sosial {town}", None,
         "Seragam, tas dan alat tulis"),
        ("jaminan", "pkh", None, "Pendaftaran dan pencairan PKH komponen anak", "Pendamping PKH {town}",
         (225_000, 750_000), ""),
    ),
    "disabilitas": (
        ("rehabilitasi", "atensi", "aksesibilitas", "Bantuan alat bantu", "Sentra Budi Luhur Banjarbaru", None,
         "Kursi roda"),
        ("rehabilitasi", "atensi", "terapi", "Terapi fisik dan okupasi", "Sentra Budi Luhur Banjarbaru", None, ""),
        ("pemberdayaan", "atensi", "vokasi", "Pelatihan keterampilan menjahit", "Dinas Sosial {town}", None, ""),
        ("jaminan", "pbi_jk", None, "Pendaftaran PBI-JK", "Dinas Sosial {town}", None, ""),
    ),
    "lansia": (
        ("rehabilitasi", "atensi", "hidup_layak", "Permakanan lansia", "Dinas Sosial {town}", None,
         "Paket makanan bergizi 30 hari"),
        ("rehabilitasi", "atensi", "perawatan", "Perawatan di panti sosial", "UPTD PSTW Budi Sejahtera", None, ""),
        ("jaminan", "bansos_daerah", None, "Bantuan tunai lansia", "Dinas Sosial {town}", (300_000, 600_000), ""),
    ),
    "miskin": (
        ("jaminan", "pkh", None, "Pencairan PKH tahap berjalan", "Pendamping PKH {town}", (225_000, 750_000), ""),
        ("jaminan", "sembako", None, "Penyaluran BPNT/Sembako", "E-warong {town}", (200_000, 200_000), ""),
        ("jaminan", "pbi_jk", None, "Pendaftaran PBI-JK", "Dinas Sosial {town}", None, ""),
        ("pemberdayaan", "atensi", "vokasi", "Bantuan usaha ekonomi produktif", "Dinas Sosial {town}",
         (2_000_000, 5_000_000), ""),
        ("rehabilitasi", "rutilahu", None, "Rehabilitasi rumah tidak layak huni", "Dinas Sosial {town}",
         (15_000_000, 20_000_000), ""),
    ),
    "korban": (
        ("perlindungan", "atensi", "terapi", "Konseling dan pendampingan psikososial", "UPTD PPA {town}", None, ""),
        ("rehabilitasi", "atensi", "dukungan_keluarga", "Mediasi dan dukungan keluarga", "Dinas Sosial {town}",
         None, ""),
        ("perlindungan", "bansos_daerah", None, "Pemulangan ke daerah asal", "Dinas Sosial {town}",
         (500_000, 1_500_000), ""),
    ),
    "bencana": (
        ("perlindungan", "bansos_daerah", None, "Bantuan tanggap darurat", "Tagana {town}", None,
         "Paket logistik, terpal dan selimut"),
        ("perlindungan", "bansos_daerah", None, "Bantuan bahan bangunan rumah", "Dinas Sosial {town}",
         (5_000_000, 10_000_000), ""),
    ),
}  # fmt: skip
REPORTERS = {
    "tksk": "{name} (TKSK Kec.)",
    "polisi": "Unit PPA Polres {town}",
    "lks": "LKS Peduli Banua {town}",
    "rujukan": "Puskesmas {town}",
    "hotline": "{name}",
}


class Subject(tuple):
    """A case's subject read from the database (a tuple: cheap to build a million of)."""

    __slots__ = ()
    # (person_id, household_id, wilayah_id, birth_date or None, sex, disabled, ((category code, source), ...))

    def __new__(cls, person_id, household_id, wilayah_id, birth_date, sex, disabled, holdings):
        return tuple.__new__(cls, (person_id, household_id, wilayah_id, birth_date, sex, disabled, holdings))


@dataclass
class Staff:
    """The synthetic users of one kab/kota: the operator (reports, verifies, closes) and the workers."""

    operator: int
    workers: tuple[int, ...]


class CaseGenerator:
    """Cases for subjects taken from the database, with a stage path that the workflow allows."""

    def __init__(self, *, refs: References, staff: dict[str, Staff], towns: dict[str, str], seed, today, now, tz):
        if not staff:
            raise ValueError("no staff to report and work the cases")
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data
        self.refs = refs
        self.staff = staff
        self.towns = towns
        self.today, self.now, self.tz = today, now, tz
        self.flow = {stage: (Weighted(moves), days) for stage, (moves, days) in FLOW.items()}
        self.priority, self.priority_urgent = Weighted(PRIORITY), Weighted(PRIORITY_URGENT)
        self.scope, self.service_count = Weighted(ASSESSMENT_SCOPE), Weighted(SERVICE_COUNT)
        self.start = today - datetime.timedelta(days=CASE_HISTORY_DAYS)

    # --- times -------------------------------------------------------------------------------------
    def opening_times(self, n: int, part: int = 0, parts: int = 1) -> list[datetime.datetime]:
        """n opening times, ascending, in slice `part` of `parts` of the last three years (so batches follow
        each other in time and ids rise with the opening date)."""
        span = CASE_HISTORY_DAYS + 1
        low, high = span * part / parts, span * (part + 1) / parts
        rng = self.rng
        days = sorted(low + rng.random() * (high - low) for _ in range(n))
        return [self._at(self.start + datetime.timedelta(days=int(d))) for d in days]

    def _at(self, day: datetime.date) -> datetime.datetime:
        """An office-hours moment of a day (local time)."""
        r = self.rng.random()
        return datetime.datetime.combine(day, datetime.time(8 + int(r * 8), int(r * 480) % 60), tzinfo=self.tz)

    # --- subjects ----------------------------------------------------------------------------------
    def _fit(self, subject: Subject, day: datetime.date) -> tuple[str, ...] | None:
        """The categories of a case about `subject` opened on `day`, or None if it does not fit then."""
        _, household_id, _, birth_date, sex, disabled, holdings = subject
        if household_id is not None:
            return tuple(code for code, _ in holdings) or None
        if birth_date is None or (day - birth_date).days < 7:
            return None
        age = _age(birth_date, day)
        if holdings:
            codes = [code for code, _ in holdings if age >= PERSON_CATEGORIES[code][0]]
            if not codes:
                return None
            return tuple(codes) if len(codes) == 1 or self.rng.random() < 0.3 else (codes[0],)
        eligible = []
        for code, (low, high, need_sex, needs_disability, weight, _) in PERSON_CATEGORIES.items():
            if age < low or (high is not None and age >= high) or code == "PPKS-26":
                continue
            if (need_sex and sex != need_sex) or (needs_disability and not disabled):
                continue
            eligible.append((code, weight))
        return (Weighted(eligible)(self.rng),)

    # --- rows --------------------------------------------------------------------------------------
    def render(self, times: list[datetime.datetime], candidates: list[Subject], first_case_id: int) -> dict:
        """Rows for CASE_TABLES: one case per opening time, its subject the next candidate that fits then
        (born, old enough for the category it holds); unfit candidates are skipped, and reused with a
        later opening date only if the candidates run out."""
        rows = {label: [] for label, _, _ in CASE_TABLES}
        pool = iter(candidates)
        skipped = []
        for case_id, opened in enumerate(times, start=first_case_id):
            for subject in pool:
                codes = self._fit(subject, opened.date())
                if codes:
                    break
                skipped.append(subject)
            else:  # out of candidates: open the case when the subject fits
                subject = skipped.pop() if skipped else candidates[case_id % len(candidates)]
                day = opened.date()
                codes = None
                while not codes:
                    day = self._later(subject, day)
                    codes = self._fit(subject, day)
                opened = self._at(day)
            self._case(rows, case_id, opened, subject, codes)
        return rows

    def _later(self, subject: Subject, day: datetime.date) -> datetime.date:
        birth_date = subject[3]
        lowest = min((PERSON_CATEGORIES[code][0] for code, _ in subject[6]), default=0)
        return min(
            self.today,
            max(day + datetime.timedelta(days=1), _add_years(birth_date, lowest) + datetime.timedelta(days=7)),
        )

    def _case(self, rows, case_id, opened, subject: Subject, codes) -> None:
        rng = self.rng
        person_id, household_id, wilayah_id, birth_date, _, _, holdings = subject
        kabkota = wilayah_id[:5]
        staff = self.staff[kabkota]
        town = self.towns.get(kabkota, "")
        group = GROUP[codes[0]]
        source = dict(holdings).get(codes[0]) or _pick(rng, PERSON_CATEGORIES[codes[0]][5])
        source = CASE_SOURCE.get(source, source)
        reporter = REPORTERS.get(source, "")
        if reporter:
            reporter = reporter.format(name=person_name(rng, "banjar", "L" if rng.random() < 0.6 else "P"), town=town)
        reported_by = staff.operator if rng.random() < 0.7 else _pick(rng, staff.workers)
        worker = _pick(rng, staff.workers) if rng.random() < 0.9 else staff.operator
        elderly = birth_date is not None and _age(birth_date, opened.date()) >= 70
        path = self._walk(opened, elderly)
        stage = path[-1][0]
        assigned = len(path) > 1 or rng.random() < 0.25
        closed_at = path[-1][1] if stage in FINAL_STAGES else None
        urgent = any(code in URGENT for code in codes)
        sensitive = _pick(rng, SENSITIVE_NOTES) if codes[0] in SENSITIVE and rng.random() < 0.4 else ""
        number = f"{kabkota.replace('.', '')}-{opened.year}-{case_id:06d}"
        rows["cases"].append(
            (case_id, number, person_id, household_id, wilayah_id, source, reporter, reported_by,
             worker if assigned else None, (self.priority_urgent if urgent else self.priority)(rng), stage,
             _pick(rng, SUMMARIES[group]), sensitive, opened, closed_at, len(path) + assigned, opened, path[-1][1])
        )  # fmt: skip
        categories = self.refs.categories
        rows["case_categories"].extend((case_id, categories[code]) for code in codes)
        transitions = rows["transitions"]
        previous = ""
        for to_stage, at in path:
            if not previous:
                actor, note = reported_by, ""
            else:
                actor = staff.operator if to_stage in SUPERVISOR_STAGES or not assigned else worker
                note = _pick(rng, SIDE_EXIT_NOTES[to_stage]) if to_stage in SIDE_EXIT_NOTES else ""
                if to_stage == DITUTUP:
                    note = _pick(rng, CLOSING_NOTES)
            transitions.append((case_id, previous, to_stage, actor, at, note))
            previous = to_stage
        author = worker if assigned else staff.operator
        stages = [s for s, _ in path]
        if ASESMEN in stages and (RENCANA in stages or rng.random() < 0.5):
            start = path[stages.index(ASESMEN)][1].date()
            end = path[stages.index(RENCANA)][1].date() if RENCANA in stages else self.today
            day = _between(rng, start, end)
            findings, needs = FINDINGS[group]
            at = self._at(day)
            scope = "keluarga" if household_id else self.scope(rng)
            rows["assessments"].append((case_id, day, scope, findings, needs, _pick(rng, STRENGTHS), author, at, at))
        if INTERVENSI in stages:
            start = path[stages.index(INTERVENSI)][1].date()
            end = next((at.date() for s, at in path if s == TERMINASI or s in FINAL_STAGES), self.today)
            ref = self.refs.ref
            for _ in range(self.service_count(rng)):
                form, programme, atensi, description, provider, amount, in_kind = _pick(rng, SERVICES[group])
                if amount:
                    amount = round(amount[0] + rng.random() * (amount[1] - amount[0]), -3)
                day = _between(rng, start, end)
                at = self._at(day)
                rows["services"].append(
                    (case_id, day, form, ref("atensi", atensi) if atensi else None, ref("program", programme),
                     description, provider.format(town=town), amount, in_kind, author, at, at)
                )  # fmt: skip

    def _walk(self, opened: datetime.datetime, elderly: bool) -> list[tuple[str, datetime.datetime]]:
        """The stages the case went through up to now: (stage, when it got there), first 'dilaporkan'."""
        rng = self.rng
        path = [(DILAPORKAN, opened)]
        stage, day = DILAPORKAN, opened.date()
        death = 0.03 if elderly else 0.003
        referrals = 0
        while stage not in FINAL_STAGES:
            moves, (low, high) = self.flow[stage]
            if rng.random() < STALL:
                high = STALL_DAYS
            day = day + datetime.timedelta(days=low + int(rng.random() * (high - low + 1)))
            if day > self.today:
                break
            r = rng.random()
            if r < death:
                stage = MENINGGAL
            elif r < death + 0.006:
                stage = PINDAH
            else:
                stage = moves(rng)
                if stage == DIRUJUK:
                    referrals += 1
                    if referrals > 2:
                        stage = TERMINASI
            at = self._at(day)
            if at <= path[-1][1]:
                at = path[-1][1] + datetime.timedelta(minutes=30)
            path.append((stage, at))
        return path


def _between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    end = max(start, end)
    return datetime.date.fromordinal(start.toordinal() + int(rng.random() * (end.toordinal() - start.toordinal() + 1)))
