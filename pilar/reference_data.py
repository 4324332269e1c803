"""Pillar types (docs/domain.md): the 12 PSKS of Permensos 08/2012, the operational pillars
named in article 004, and the other participant groups of events. Seeded by a data migration and
the tests' fixtures; editable in the admin afterwards (codes are stable)."""

from kesos.wilayah.models import Level

PERSON, ORG = "orang", "organisasi"
KAB, KEC, DESA = Level.KABKOTA, Level.KECAMATAN, Level.DESA

# code, name, abbreviation, kind, level, psks, roster, member number, grade, classification,
# recap label, recap order (article 004's table first)
PILAR_TYPES = [
    ("kasi_kesos", "Kepala Seksi Kesejahteraan Sosial Kecamatan", "Kasi Kesos", PERSON, KEC, False, True,
     False, False, False, "Kasi Kesos Kecamatan", 1),
    ("tksk", "Tenaga Kesejahteraan Sosial Kecamatan", "TKSK", PERSON, KEC, True, True, False, False, False,
     "TKSK", 2),
    ("pendamping_pkh", "Pendamping PKH", "Pendamping PKH", PERSON, KEC, False, True, False, False, False,
     "Korcam/Pendamping PKH", 3),
    ("korcam_pkh", "Koordinator Kecamatan PKH", "Korcam PKH", PERSON, KEC, False, True, False, False, False,
     "Korcam/Pendamping PKH", 3),
    ("korwil_pkh", "Koordinator Wilayah PKH", "Korwil PKH", PERSON, None, False, True, False, False, False,
     "Korwil", 4),
    ("pendamping_disabilitas", "Pendamping Disabilitas", "Pendamping Disabilitas", PERSON, KAB, False, True,
     False, False, False, "Pendamping Disabilitas", 5),
    ("lks", "Lembaga Kesejahteraan Sosial", "LKS", ORG, None, True, False, False, False, False, "LKS", 6),
    ("karang_taruna", "Karang Taruna", "Karang Taruna", ORG, DESA, True, True, False, False, True,
     "Karang Taruna", 7),
    ("tagana", "Taruna Siaga Bencana", "Tagana", PERSON, KAB, True, True, True, True, False, "Tagana", 8),
    ("operator_siks", "Operator SIKS-NG", "Operator SIKS-NG", PERSON, DESA, False, True, False, False, False,
     "Operator", 9),
    ("opd_terkait", "Organisasi perangkat daerah terkait", "OPD terkait", ORG, None, False, False, False, False,
     False, "OPD terkait", 10),
    ("korkab_pkh", "Koordinator Kabupaten/Kota PKH", "Korkab PKH", PERSON, KAB, False, True, False, False, False,
     "Korkab PKH", 11),
    ("psm", "Pekerja Sosial Masyarakat", "PSM", PERSON, DESA, True, True, False, False, False, "PSM", 12),
    ("peksos", "Pekerja Sosial Profesional", "Peksos", PERSON, KAB, True, True, False, False, False,
     "Pekerja Sosial", 13),
    ("penyuluh_sosial", "Penyuluh Sosial (fungsional/masyarakat)", "Penyuluh Sosial", PERSON, KAB, True, True,
     False, False, False, "Penyuluh Sosial", 14),
    ("lk3", "Lembaga Konsultasi Kesejahteraan Keluarga", "LK3", ORG, KAB, True, True, False, False, False, "LK3", 15),
    ("wksbm", "Wahana Kesejahteraan Sosial Berbasis Masyarakat", "WKSBM", ORG, DESA, True, True, False, False,
     False, "WKSBM", 16),
    ("wpks", "Wanita Pemimpin Kesejahteraan Sosial", "WPKS", PERSON, DESA, True, True, False, False, False,
     "WPKS", 17),
    ("keluarga_pioner", "Keluarga Pioner", "Keluarga Pioner", ORG, DESA, True, True, False, False, False,
     "Keluarga Pioner", 18),
    ("dunia_usaha", "Dunia Usaha", "Dunia Usaha", ORG, KAB, True, True, False, False, False, "Dunia Usaha", 19),
    ("relawan_sosial", "Relawan Sosial", "Relawan Sosial", PERSON, DESA, False, True, False, False, False,
     "Relawan Sosial", 20),
    ("dinsos", "Pegawai Dinas Sosial", "Dinas Sosial", PERSON, None, False, False, False, False, False,
     "Dinas Sosial", 21),
    ("lainnya", "Tamu/lainnya", "Lainnya", PERSON, None, False, False, False, False, False, "Lainnya", 22),
]  # fmt: skip


def seed(PilarType) -> None:
    """Create or update the types by code."""
    for order, row in enumerate(PILAR_TYPES, start=1):
        code, name, abbreviation, kind, level, psks, roster, number, grade, classification, label, recap = row
        PilarType.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "abbreviation": abbreviation, "kind": kind, "level": level, "psks": psks,
                "roster": roster, "has_member_number": number, "has_grade": grade,
                "has_classification": classification, "recap_label": label, "recap_order": recap, "order": order,
            },
        )  # fmt: skip
