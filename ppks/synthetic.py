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
