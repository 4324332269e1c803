"""Reference data seeded by migration: the 26 PPKS and the KK-style lists (docs/domain.md).

Kept here rather than inside the migration so the test suite and the demo can name the same
codes; migrations import it frozen at the time they ran (they copy nothing later changed).
"""

PPKS_CATEGORIES = [
    # (number, name, abbreviation, legacy labels)
    (1, "Anak Balita Telantar", "ABT", "Anak Balita Terlantar"),
    (2, "Anak Telantar", "AT", "Anak Terlantar"),
    (3, "Anak yang Berhadapan dengan Hukum", "ABH", "Anak Nakal, AN"),
    (4, "Anak Jalanan", "Anjal", "AJ"),
    (5, "Anak dengan Kedisabilitasan", "ADK", "Anak Cacat, ADK"),
    (6, "Anak yang menjadi Korban Tindak Kekerasan atau diperlakukan salah", "AKTK", ""),
    (7, "Anak yang Memerlukan Perlindungan Khusus", "AMPK", ""),
    (8, "Lanjut Usia Telantar", "LUT", "Lansia Terlantar, Lansia Telantar"),
    (9, "Penyandang Disabilitas", "PD", "Penyandang Cacat, PACA"),
    (10, "Tuna Susila", "TS", "WTS"),
    (11, "Gelandangan", "Gel", "GLDNG"),
    (12, "Pengemis", "Pengemis", "PGMS"),
    (13, "Pemulung", "Pemulung", ""),
    (14, "Kelompok Minoritas", "KM", ""),
    (15, "Bekas Warga Binaan Lembaga Pemasyarakatan", "BWBLP", "Bekas Narapidana, BWBLP"),
    (16, "Orang dengan HIV/AIDS", "ODHA", ""),
    (17, "Korban Penyalahgunaan NAPZA", "NAPZA", "KPN"),
    (18, "Korban Trafficking", "KTr", "Korban Perdagangan Orang, KPO"),
    (19, "Korban Tindak Kekerasan", "KTK", ""),
    (20, "Pekerja Migran Bermasalah Sosial", "PMBS", "PM, Pekerja Migran Terlantar"),
    (21, "Korban Bencana Alam", "KBA", ""),
    (22, "Korban Bencana Sosial", "KBS", ""),
    (23, "Perempuan Rawan Sosial Ekonomi", "PRSE", "WRSE, Wanita Rawan Sosial Ekonomi"),
    (24, "Fakir Miskin", "FM", "KFM, Keluarga Fakir Miskin"),
    (25, "Keluarga Bermasalah Sosial Psikologis", "KBSP", ""),
    (26, "Komunitas Adat Terpencil", "KAT", ""),
]

REFERENSI = {
    "agama": [
        ("islam", "Islam"),
        ("kristen", "Kristen"),
        ("katolik", "Katolik"),
        ("hindu", "Hindu"),
        ("buddha", "Buddha"),
        ("khonghucu", "Khonghucu"),
        ("kepercayaan", "Kepercayaan terhadap Tuhan YME"),
    ],
    "status_kawin": [
        ("belum_kawin", "Belum Kawin"),
        ("kawin_tercatat", "Kawin Tercatat"),
        ("kawin_belum_tercatat", "Kawin Belum Tercatat"),
        ("cerai_hidup", "Cerai Hidup"),
        ("cerai_mati", "Cerai Mati"),
    ],
    "pendidikan": [
        ("tidak_sekolah", "Tidak/Belum Sekolah"),
        ("belum_tamat_sd", "Belum Tamat SD/Sederajat"),
        ("sd", "Tamat SD/Sederajat"),
        ("sltp", "SLTP/Sederajat"),
        ("slta", "SLTA/Sederajat"),
        ("d1_d2", "Diploma I/II"),
        ("d3", "Akademi/Diploma III/Sarjana Muda"),
        ("s1", "Diploma IV/Strata I"),
        ("s2", "Strata II"),
        ("s3", "Strata III"),
    ],
    "hubungan": [
        ("kepala", "Kepala Keluarga"),
        ("suami", "Suami"),
        ("istri", "Istri"),
        ("anak", "Anak"),
        ("menantu", "Menantu"),
        ("cucu", "Cucu"),
        ("orang_tua", "Orang Tua"),
        ("mertua", "Mertua"),
        ("famili_lain", "Famili Lain"),
        ("lainnya", "Lainnya"),
    ],
    "disabilitas": [
        ("fisik", "Disabilitas fisik"),
        ("intelektual", "Disabilitas intelektual"),
        ("mental", "Disabilitas mental"),
        ("sensorik", "Disabilitas sensorik"),
        ("ganda", "Disabilitas ganda/multi"),
    ],
    "dasar_hukum": [
        ("tugas_publik", "Pelaksanaan tugas pelayanan publik (UU 27/2022 Ps. 20 ayat 2 huruf e)"),
        ("kewajiban_hukum", "Pemenuhan kewajiban hukum (Ps. 20 ayat 2 huruf c)"),
        ("kepentingan_vital", "Pelindungan kepentingan vital (Ps. 20 ayat 2 huruf d)"),
        ("persetujuan", "Persetujuan subjek data / wali (Ps. 20 ayat 2 huruf a)"),
    ],
    "program": [
        ("pkh", "PKH (Program Keluarga Harapan)"),
        ("sembako", "BPNT/Sembako"),
        ("pbi_jk", "PBI-JK"),
        ("atensi", "ATENSI"),
        ("bansos_daerah", "Bantuan sosial daerah (APBD)"),
        ("rutilahu", "Rehabilitasi rumah (RST)"),
        ("lainnya", "Lainnya"),
    ],
    "atensi": [
        ("hidup_layak", "Dukungan pemenuhan hidup layak"),
        ("perawatan", "Perawatan sosial dan/atau pengasuhan anak"),
        ("dukungan_keluarga", "Dukungan keluarga"),
        ("terapi", "Terapi fisik, psikososial, dan mental spiritual"),
        ("vokasi", "Pelatihan vokasional dan/atau pembinaan kewirausahaan"),
        ("bantuan_sosial", "Bantuan sosial dan asistensi sosial"),
        ("aksesibilitas", "Dukungan aksesibilitas"),
    ],
}


def seed(PpksCategory, Referensi, kinds=None) -> None:
    """Create or update the rows above, by code. Takes the model classes so data migrations can
    pass their historical models; the test suite re-seeds with the real ones after a flush."""
    if kinds is None:
        for number, name, abbreviation, legacy in PPKS_CATEGORIES:
            PpksCategory.objects.update_or_create(
                code=f"PPKS-{number:02d}",
                defaults={"name": name, "abbreviation": abbreviation, "legacy_labels": legacy},
            )
    for kind, entries in REFERENSI.items():
        if kinds is not None and kind not in kinds:
            continue
        for order, (code, label) in enumerate(entries, start=1):
            Referensi.objects.update_or_create(kind=kind, code=code, defaults={"label": label, "order": order})
