"""PPKS models, split by domain: persons and households, cases. Import from `ppks.models`."""

from .cases import Case, CasePriority, CaseSource, CaseTransition
from .casework import (
    Assessment,
    AssessmentScope,
    Attachment,
    CaseNote,
    PersonMerge,
    PlanItem,
    Referral,
    ReferralStatus,
    ReferralTarget,
    ServiceDelivery,
    WelfareForm,
)
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
    "Assessment",
    "AssessmentScope",
    "Attachment",
    "CaseNote",
    "PersonMerge",
    "PlanItem",
    "Referral",
    "ReferralStatus",
    "ReferralTarget",
    "ServiceDelivery",
    "WelfareForm",
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
