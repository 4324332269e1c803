"""Overrides of Django's `id` locale formats.

Django's own `id` DATE_INPUT_FORMATS fall back to US month-first forms, so "04/05/2024" could be
read either way. Indonesians write day first; ISO (from <input type="date">) is unambiguous.
"""

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 25/04/2024
    "%d-%m-%Y",  # 25-04-2024
    "%d/%m/%y",  # 25/04/24
    "%d-%m-%y",  # 25-04-24
    "%d %b %Y",  # 25 Apr 2024
    "%Y-%m-%d",  # 2024-04-25 (ISO, from <input type="date">)
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H.%M",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
]
