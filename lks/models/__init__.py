"""LKS models, one module per part of the registry; imported from here."""

from .profile import BoardMember, Lks, LksType, StaffMember, lks_scope_q
from .registry import Accreditation, ChangeRequest, LksDocument, Registration
from .residents import Assistance, Placement

__all__ = [
    "Accreditation",
    "Assistance",
    "BoardMember",
    "ChangeRequest",
    "Lks",
    "LksDocument",
    "LksType",
    "Placement",
    "Registration",
    "StaffMember",
    "lks_scope_q",
]
