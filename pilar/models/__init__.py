"""Pilar models, one module per part: roster, events and selections, TKSK field work."""

from .events import Attendance, Criterion, Event, Nomination, Participant, Score, Selection
from .fieldwork import MonthlyReport, ReportActivity, ReportFinding, ReportPhoto
from .members import Allowance, Award, Member, PilarType, Posting, Training

__all__ = [
    "Allowance",
    "Attendance",
    "Award",
    "Criterion",
    "Event",
    "Member",
    "MonthlyReport",
    "Nomination",
    "Participant",
    "PilarType",
    "Posting",
    "ReportActivity",
    "ReportFinding",
    "ReportPhoto",
    "Score",
    "Selection",
    "Training",
]
