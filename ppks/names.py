"""Normalised names for duplicate detection: one key for the spellings of one Indonesian name.

"Hj. Siti Djoeariah, S.Pd." and "siti juariah" share the key `siti juariah`: titles and degrees
go, the old spellings (dj→j, tj→c, oe→u, j→y, ch→kh, sj→sy, nj→ny) become the current ones,
Arabic-origin dh/th/gh lose their h, doubled letters collapse, and only letters and single spaces
remain.
"""

import re
import unicodedata

# Honorifics and titles written before a name (with or without the dot).
PREFIX_TITLES = {
    "h",
    "hj",
    "hajjah",
    "haji",
    "kh",
    "drs",
    "dra",
    "dr",
    "ir",
    "prof",
    "tn",
    "ny",
    "nn",
    "sdr",
    "sdri",
    "bpk",
    "ibu",
    "bu",
    "pak",
    "r",
    "rr",
    "raden",
    "habib",
    "ustadz",
    "ust",
}
# Old spelling (Ejaan Van Ophuijsen / Soewandi) → EYD. In an old-spelling word a lone j is the
# modern y (Joesoef → Yusuf, Tjahjono → Cahyono); in a modern word it stays j (Jumberi).
OLD_MARKERS = ("oe", "dj", "tj", "sj", "nj")
SPELLING = [("dj", "\0"), ("tj", "c"), ("oe", "u"), ("sj", "sy"), ("nj", "ny"), ("ch", "kh")]
# Arabic-origin names are written with and without the h: Ramadhan/Ramadan, Fathimah/Fatimah, Ghani/Gani.
ARABIC = [("dh", "d"), ("th", "t"), ("gh", "g")]


def name_key(name: str) -> str:
    if not name:
        return ""
    # Degrees come after a comma: "Ahmad, S.Pd., M.Si." → "Ahmad".
    text = name.split(",")[0]
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z]+", text) if w]
    while len(words) > 1 and words[0] in PREFIX_TITLES:
        words.pop(0)
    out = []
    for word in words:
        word = re.sub(r"(.)\1+", r"\1", word)
        old_spelling = any(marker in word for marker in OLD_MARKERS)
        for old, new in SPELLING:
            word = word.replace(old, new)
        if old_spelling:
            word = word.replace("j", "y")
        word = word.replace("\0", "j")
        for old, new in ARABIC:
            word = word.replace(old, new)
        word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters: "Muhammmad", "Sitti" → one (again after respelling)
        out.append(word)
    return " ".join(out)
