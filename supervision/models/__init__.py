"""The supervision app's models: the registry and the deadlines engine (re-exported here)."""

from supervision.models.cases import CaseEvent, CaseResponse, RectificationCase
from supervision.models.criticism import Criticism
from supervision.models.directives import Directive, DirectiveAttachment
from supervision.models.documents import DocumentSequence
from supervision.models.findings import Finding
from supervision.models.letters import SupervisionLetter
from supervision.models.obligations import Obligation
from supervision.models.party import PARTY_FIELDS, PartyModel, party_field, party_lookup
from supervision.models.registry import (
    Authority,
    BusinessDomain,
    CAVendor,
    Contact,
    Platform,
    Region,
    supervised_party_ids,
)
from supervision.models.reminders import Notification, ReminderPolicy
from supervision.models.reports import ProgressReport
from supervision.models.uploads import ObligationFile, ResponseFile

__all__ = [
    "PARTY_FIELDS",
    "Authority",
    "BusinessDomain",
    "CAVendor",
    "CaseEvent",
    "CaseResponse",
    "Contact",
    "Criticism",
    "Directive",
    "DirectiveAttachment",
    "DocumentSequence",
    "Finding",
    "Notification",
    "Obligation",
    "ObligationFile",
    "PartyModel",
    "Platform",
    "ProgressReport",
    "RectificationCase",
    "Region",
    "ReminderPolicy",
    "ResponseFile",
    "SupervisionLetter",
    "party_field",
    "party_lookup",
    "supervised_party_ids",
]
