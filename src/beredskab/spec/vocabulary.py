"""The closed vocabularies of the plan format and the contract: actor kinds, channels, findings...

Names and values here are the contract's (``shared/contract.md``) and the legal table's
(``docs/plan-format.md``); the plan models, the Concern and the checks all draw on them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

__all__ = [
    "FINDINGS",
    "STANDARD_STEPS",
    "WEEKDAYS",
    "ActorKind",
    "Channel",
    "FindingName",
    "LegalBasis",
    "Reporter",
    "SeverityLevel",
    "Topic",
]


class ActorKind(StrEnum):
    """The contract's actor kinds."""

    EMERGENCY = "emergency"
    POLICE = "police"
    PET = "pet"
    INFOHUS = "infohus"
    COORDINATION_UNIT = "coordination_unit"
    COORDINATOR = "coordinator"
    SSP = "ssp"
    CHILDREN_SERVICES = "children_services"
    ADULT_SERVICES = "adult_services"
    EMPLOYMENT = "employment"
    YOUTH_GUIDANCE = "youth_guidance"
    PSYCHIATRY = "psychiatry"
    PRISON_PROBATION = "prison_probation"
    NATIONAL_HOTLINE = "national_hotline"
    LINE_MANAGER = "line_manager"
    MENTOR = "mentor"
    PARENT_COACH = "parent_coach"
    OTHER = "other"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    MEETING = "meeting"
    POST = "post"


class Reporter(StrEnum):
    PROFESSIONAL = "professional"
    CITIZEN = "citizen"
    RELATIVE = "relative"
    POLICE = "police"
    HOTLINE = "hotline"


class SeverityLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Topic(StrEnum):
    RADICALISATION = "radicalisation"
    SCHOOL_SHOOTING = "school_shooting"
    NEGATIVE_SOCIAL_CONTROL = "negative_social_control"


class LegalBasis(StrEnum):
    """Legal anchors named in domain.md."""

    SEL_12B = "SEL-12b"
    BL_15_3 = "BL-15-3"
    BL_UNDERRETNING = "BL-underretning"
    BL_STOETTE = "BL-stoette"
    RPL_115 = "RPL-115"
    DBL_8 = "DBL-8"
    LAB_9B_12 = "LAB-9b-12"
    STRFL_114 = "STRFL-114"


FINDINGS = ("ready_to_act", "security_threat", "relevant", "psychiatric", "in_custody", "consent")
FindingName = Literal["ready_to_act", "security_threat", "relevant", "psychiatric", "in_custody", "consent"]
STANDARD_STEPS = ("intake", "police_assessment", "infohus_assessment", "visitation", "follow_up", "closed")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
