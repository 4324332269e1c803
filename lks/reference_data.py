"""LKS types by target group (docs/domain.md). Seeded by a data migration and by the tests' fixtures."""

# (code, name, usual label, order)
LKS_TYPES = [
    ("anak", "Anak (Lembaga Kesejahteraan Sosial Anak)", "LKSA", 1),
    ("abh", "Anak berhadapan dengan hukum", "LPKS", 2),
    ("lansia", "Lanjut usia", "LKS-LU", 3),
    ("disabilitas", "Penyandang disabilitas", "LKS-PD", 4),
    ("napza", "Korban penyalahgunaan NAPZA", "LKS NAPZA", 5),
    ("tuna_sosial", "Tuna sosial dan korban perdagangan orang", "LKS Tuna Sosial/KPO", 6),
    ("keluarga", "Keluarga (Lembaga Konsultasi Kesejahteraan Keluarga)", "LK3", 7),
    ("lainnya", "Lainnya (fakir miskin, pemberdayaan, multi-layanan)", "Lainnya", 8),
]


def seed(LksType) -> None:
    """Create or update the types by code; entries edited in the admin keep their code."""
    for code, name, abbreviation, order in LKS_TYPES:
        defaults = {"name": name, "abbreviation": abbreviation, "order": order}
        LksType.objects.update_or_create(code=code, defaults=defaults)
