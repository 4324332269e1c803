"""The case stages of Indonesian social work practice and the moves allowed between them.

Defined once here; the service (`case_transition`), the forms, the API and the pages all read it
(docs/domain.md, "Case stages": pendekatan awal → asesmen → rencana → intervensi ⇄ rujukan → resosialisasi →
terminasi → bimbingan lanjut, with side exits).
"""

from django.db import models


class Stage(models.TextChoices):
    DILAPORKAN = "dilaporkan", "Dilaporkan"
    DIVERIFIKASI = "diverifikasi", "Diverifikasi"
    ASESMEN = "asesmen", "Asesmen"
    RENCANA = "rencana", "Rencana intervensi"
    INTERVENSI = "intervensi", "Intervensi"
    DIRUJUK = "dirujuk", "Dirujuk"
    RESOSIALISASI = "resosialisasi", "Resosialisasi"
    TERMINASI = "terminasi", "Terminasi"
    BIMBINGAN_LANJUT = "bimbingan_lanjut", "Bimbingan lanjut"
    DITUTUP = "ditutup", "Ditutup"
    TIDAK_MEMENUHI_KRITERIA = "tidak_memenuhi", "Tidak memenuhi kriteria"
    MENINGGAL = "meninggal", "Meninggal dunia"
    PINDAH = "pindah", "Pindah wilayah"


S = Stage
FINAL = frozenset({S.DITUTUP, S.TIDAK_MEMENUHI_KRITERIA, S.MENINGGAL, S.PINDAH})
SIDE_EXITS = (S.MENINGGAL, S.PINDAH)

# The main path and its loops; every open stage may also leave by a side exit.
MOVES: dict[str, tuple[str, ...]] = {
    S.DILAPORKAN: (S.DIVERIFIKASI, S.TIDAK_MEMENUHI_KRITERIA),
    S.DIVERIFIKASI: (S.ASESMEN, S.TIDAK_MEMENUHI_KRITERIA),
    S.ASESMEN: (S.RENCANA,),
    S.RENCANA: (S.INTERVENSI,),
    S.INTERVENSI: (S.DIRUJUK, S.RESOSIALISASI, S.TERMINASI),
    S.DIRUJUK: (S.INTERVENSI, S.TERMINASI),
    S.RESOSIALISASI: (S.TERMINASI,),
    S.TERMINASI: (S.BIMBINGAN_LANJUT, S.DITUTUP),
    S.BIMBINGAN_LANJUT: (S.DITUTUP,),
}

# Moves that are a supervisor's decision (verification, rejection, closure); the others belong to
# the assigned worker as well.
SUPERVISOR_MOVES = frozenset({S.DIVERIFIKASI, S.TIDAK_MEMENUHI_KRITERIA, S.DITUTUP})


def next_stages(stage: str) -> tuple[str, ...]:
    if stage in FINAL:
        return ()
    return (*MOVES.get(stage, ()), *SIDE_EXITS)


def allowed(from_stage: str, to_stage: str) -> bool:
    return to_stage in next_stages(from_stage)
