"""The closed vocabularies of the plan format and the contract: actor kinds, channels, findings...

Names and values here are the contract's (``shared/contract.md``) and the legal table's
(``docs/plan-format.md``); the plan models, the Concern and the checks all draw on them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

__all__ = [
    "FINDINGS",
    "KIND_WORDS",
    "LAW_NAMES",
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


KIND_WORDS: dict[ActorKind, str] = {
    ActorKind.EMERGENCY: "emergency line 112",
    ActorKind.POLICE: "police",
    ActorKind.PET: "PET",
    ActorKind.INFOHUS: "Infohus",
    ActorKind.COORDINATION_UNIT: "coordination unit",
    ActorKind.COORDINATOR: "coordinator",
    ActorKind.SSP: "SSP",
    ActorKind.CHILDREN_SERVICES: "children's services",
    ActorKind.ADULT_SERVICES: "adult services",
    ActorKind.EMPLOYMENT: "employment services",
    ActorKind.YOUTH_GUIDANCE: "youth guidance",
    ActorKind.PSYCHIATRY: "psychiatry",
    ActorKind.PRISON_PROBATION: "prison and probation service",
    ActorKind.NATIONAL_HOTLINE: "national hotline",
    ActorKind.LINE_MANAGER: "line manager",
    ActorKind.MENTOR: "mentor",
    ActorKind.PARENT_COACH: "parent coach",
    ActorKind.OTHER: "other",
}
"""Actor kinds in words for people (English message ids of the shared catalog, Danish in it)."""

LAW_NAMES: dict[LegalBasis, str] = {
    LegalBasis.SEL_12B: "Serviceloven § 12 b",
    LegalBasis.BL_15_3: "Barnets Lov § 15, stk. 3",
    LegalBasis.BL_UNDERRETNING: "Barnets Lov §§ 133-135 (underretning)",
    LegalBasis.BL_STOETTE: "Barnets Lov § 32 (støttende indsatser)",
    LegalBasis.RPL_115: "Retsplejeloven §§ 115, 115a",
    LegalBasis.DBL_8: "Databeskyttelsesreglerne (tidl. persondataloven §§ 5-8)",
    LegalBasis.LAB_9B_12: "Lov om en aktiv beskæftigelsesindsats kap. 9b-12",
    LegalBasis.STRFL_114: "Straffeloven § 114",
}
"""The laws by their Danish names (proper names: the same in every language); the ids stay in JSON."""

FINDINGS = ("ready_to_act", "security_threat", "relevant", "psychiatric", "in_custody", "consent")
FindingName = Literal["ready_to_act", "security_threat", "relevant", "psychiatric", "in_custody", "consent"]
STANDARD_STEPS = ("intake", "police_assessment", "infohus_assessment", "visitation", "follow_up", "closed")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
