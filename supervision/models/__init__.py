"""The supervision app's models: the registry and the deadlines engine (re-exported here)."""

from supervision.models.directives import Directive, DirectiveAttachment
from supervision.models.findings import Finding
from supervision.models.obligations import Obligation
from supervision.models.party import PARTY_FIELDS, PartyModel, party_field, party_lookup
from supervision.models.registry import Authority, BusinessDomain, CAVendor, Contact, Platform, Region

__all__ = [
    "PARTY_FIELDS",
    "Authority",
    "BusinessDomain",
    "CAVendor",
    "Contact",
    "Directive",
    "DirectiveAttachment",
    "Finding",
    "Obligation",
    "PartyModel",
    "Platform",
    "Region",
    "party_field",
    "party_lookup",
]
