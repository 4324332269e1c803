"""PPKS models, split by domain: persons and households, cases. Import from `ppks.models`."""

from .cases import Case, CasePriority, CaseSource, CaseTransition
from .persons import (
    CategorySource,
    Household,
    HouseholdMember,
    Person,
    PersonCategory,
    PpksCategory,
    Referensi,
    RefKind,
    Sex,
)

__all__ = [
    "Case",
    "CasePriority",
    "CaseSource",
    "CaseTransition",
    "CategorySource",
    "Household",
    "HouseholdMember",
    "Person",
    "PersonCategory",
    "PpksCategory",
    "RefKind",
    "Referensi",
    "Sex",
]
