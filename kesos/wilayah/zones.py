"""Province → IANA time zone (docs/domain.md). No province spans two zones."""

WIB_JAKARTA = "Asia/Jakarta"
WIB_PONTIANAK = "Asia/Pontianak"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

_ZONES = {
    WIB_JAKARTA: "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36",
    WIB_PONTIANAK: "61 62",
    WITA: "51 52 53 63 64 65 71 72 73 74 75 76",
    WIT: "81 82 91 92 93 94 95 96",
}
TIME_ZONE_BY_PROVINCE = {code: zone for zone, codes in _ZONES.items() for code in codes.split()}
ZONE_ABBREVIATION = {WIB_JAKARTA: "WIB", WIB_PONTIANAK: "WIB", WITA: "WITA", WIT: "WIT"}


def time_zone_for(region_code: str) -> str:
    """The zone of the province a region code lies in."""
    return TIME_ZONE_BY_PROVINCE[region_code[:2]]
