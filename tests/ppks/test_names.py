"""One key for the spellings of one Indonesian name (duplicate detection)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppks.names import name_key


@pytest.mark.parametrize(
    "variants",
    [
        ("Hj. Siti Djoeariah, S.Pd.", "siti juariah", "SITI JUARIAH"),
        ("Moehammad Joesoef", "Muhammad Yusuf", "Muhamad Yusuf"),
        ("Tjahjono", "Cahyono"),
        ("Chairul Anwar", "Khairul Anwar"),
        ("Drs. H. Abdullah, M.Si.", "Abdulah"),
        ("Soekarno", "Sukarno"),
        ("Sitti Nurhaliza", "Siti Nurhaliza"),
        ("H. Abdoel Ghani", "Abdul Gani"),
        ("Fajar Ramadhan", "Fadjar Ramadan"),
    ],
)
def test_spelling_variants_of_one_name_share_a_key(variants):
    assert len({name_key(v) for v in variants}) == 1


@pytest.mark.parametrize("a, b", [("Jumberi", "Yumberi"), ("Siti Aisyah", "Siti Asiah"), ("Rahmadi", "Rahmad")])
def test_different_names_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


@given(st.text(max_size=60))
def test_the_key_is_plain_lowercase_words_separated_by_single_spaces(text):
    key = name_key(text)
    assert key == " ".join(key.split())
    assert all(part.isalpha() and part.isascii() and part.islower() for part in key.split())
