"""Who hears about a party's duties: its contacts (e-mail), its portal users (inbox) and, as a copy,
the contacts of the authority that supervises it. Loaded once per sweep (a few queries), then
looked up in memory, so the sweep's query count does not grow with the number of obligations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from portal.accounts.models import Role, User
from supervision import conf
from supervision.models import Authority, CAVendor, Contact, Platform, Region


@dataclass(frozen=True)
class Recipient:
    channel: str  # Notification.Channel
    address: str  # e-mail address, or the user's id for the inbox
    name: str
    user_id: int | None = None
    is_copy: bool = False


class Directory:
    """The registry's people and organisations, in memory."""

    def __init__(self) -> None:
        self.regions = {r["code"]: r for r in Region.objects.values("code", "parent_id", "level", "province_governed")}
        self.vendors = dict(CAVendor.objects.values_list("pk", "name"))
        self.platforms = {p["pk"]: p for p in Platform.objects.values("pk", "name", "region_id")}
        self.authorities = {a["pk"]: a for a in Authority.objects.values("pk", "name", "region_id", "kind")}
        self.by_region: dict[str, list[dict]] = defaultdict(list)
        for authority in self.authorities.values():
            self.by_region[authority["region_id"]].append(authority)
        self.contacts: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for contact in (
            Contact.objects.exclude(email="")
            .order_by("pk")
            .values("name", "email", "is_shared_mailbox", "vendor_id", "platform_id", "authority_id")
        ):
            for field in ("vendor", "platform", "authority"):
                if contact[f"{field}_id"]:
                    self.contacts[(field, contact[f"{field}_id"])].append(contact)
        self.users: dict[tuple[str, object], list[dict]] = defaultdict(list)
        for user in (
            User.objects.filter(is_active=True)
            .exclude(role="")
            .order_by("pk")
            .values("pk", "name", "username", "role", "vendor_id", "platform_id", "region_id", "authority_id")
        ):
            if user["authority_id"]:  # a lead department's or the national office's own people
                self.users[("authority", user["authority_id"])].append(user)
                if user["role"] in (Role.LEAD_DEPARTMENT, Role.NATIONAL_ADMIN):
                    continue
            if user["role"] == Role.VENDOR_USER:
                self.users[("vendor", user["vendor_id"])].append(user)
            elif user["role"] == Role.PLATFORM_OPERATOR:
                self.users[("platform", user["platform_id"])].append(user)
            else:
                self.users[("region", user["region_id"])].append(user)
        self._cache: dict[tuple[str, int], list[Recipient]] = {}

    # --- organisations ---------------------------------------------------------------------
    def party_name(self, field: str, pk: int) -> str:
        if field == "vendor":
            return self.vendors.get(pk, "")
        if field == "platform":
            return self.platforms.get(pk, {}).get("name", "")
        return self.authorities.get(pk, {}).get("name", "")

    def supervision_region(self, code: str | None) -> str | None:
        region = self.regions.get(code) if code else None
        if region is None:
            return None
        if region["level"] == Region.Level.COUNTY and not region["province_governed"] and region["parent_id"]:
            return region["parent_id"]
        return code

    def region_offices(self, code: str | None) -> list[int]:
        """The management offices of a region, or (if it has none) its trading centres."""
        if not code:
            return []
        here = self.by_region.get(code, [])
        offices = [a["pk"] for a in here if a["kind"] == Authority.Kind.MANAGEMENT_OFFICE]
        return offices or [a["pk"] for a in here]

    def supervising_authorities(self, field: str, pk: int) -> list[int]:
        """The authority that receives a copy about this party."""
        if field == "vendor":
            named = [a["pk"] for a in self.authorities.values() if a["name"] == conf.provincial_office()]
            return named or self.region_offices(conf.supervising_province())
        if field == "platform":
            region = self.supervision_region(self.platforms.get(pk, {}).get("region_id"))
            return self.region_offices(region) or self.region_offices(conf.supervising_province())
        authority = self.authorities.get(pk)
        if authority is None:
            return []
        parent = self.regions.get(authority["region_id"], {}).get("parent_id")
        offices = self.region_offices(self.supervision_region(parent)) if parent else []
        return [o for o in offices if o != pk]

    def authority_mailbox(self, pk: int) -> dict | None:
        """Where an authority receives its copy: its shared mailbox, else its first contact."""
        contacts = self.contacts.get(("authority", pk), [])
        shared = [c for c in contacts if c["is_shared_mailbox"]]
        return (shared or contacts or [None])[0]

    # --- recipients --------------------------------------------------------------------------
    def administrators(self, region_code: str | None) -> list[Recipient]:
        """The portal users (inbox) who administer a region: those who decide on its cases."""
        return [
            Recipient("inbox", str(user["pk"]), user["name"] or user["username"], user_id=user["pk"])
            for user in self.users.get(("region", region_code), [])
        ]

    def recipients(self, field: str, pk: int) -> list[Recipient]:
        """Every contact and portal user of the party, and the copies; each address once."""
        key = (field, pk)
        if key not in self._cache:
            found: dict[tuple[str, str], Recipient] = {}

            def add(recipient: Recipient) -> None:
                found.setdefault((recipient.channel, recipient.address), recipient)

            for contact in self.contacts.get(key, []):
                add(Recipient("email", contact["email"].strip().lower(), contact["name"]))
            users = self.users.get(key, [])
            if field == "authority":
                users = [*users, *self.users.get(("region", self.authorities.get(pk, {}).get("region_id")), [])]
            for user in users:
                add(Recipient("inbox", str(user["pk"]), user["name"] or user["username"], user_id=user["pk"]))
            for authority_pk in self.supervising_authorities(field, pk):
                contact = self.authority_mailbox(authority_pk)
                if contact is not None:
                    add(Recipient("email", contact["email"].strip().lower(), contact["name"], is_copy=True))
            self._cache[key] = list(found.values())
        return self._cache[key]

    def with_copies(self, field: str, pk: int, owed_to: int | None) -> list[Recipient]:
        """The party's recipients and the copies for the body the duty is owed to, each address once."""
        if not owed_to:
            return self.recipients(field, pk)
        found = {(r.channel, r.address): r for r in self.recipients(field, pk)}
        for recipient in self.owed_to(owed_to):
            found.setdefault((recipient.channel, recipient.address), recipient)
        return list(found.values())

    def owed_to(self, pk: int | None) -> list[Recipient]:
        """Copies for the body a duty is owed to (``Obligation.recipient``): its mailbox and its people."""
        if not pk:
            return []
        found = []
        contact = self.authority_mailbox(pk)
        if contact is not None:
            found.append(Recipient("email", contact["email"].strip().lower(), contact["name"], is_copy=True))
        for user in self.users.get(("authority", pk), []):
            found.append(
                Recipient("inbox", str(user["pk"]), user["name"] or user["username"], user_id=user["pk"], is_copy=True)
            )
        return found


def party_key(row: dict) -> tuple[str, int]:
    """("vendor", 3) from a row with vendor_id / platform_id / authority_id."""
    for field in ("vendor", "platform", "authority"):
        if row.get(f"{field}_id"):
            return field, row[f"{field}_id"]
    raise ValueError("A row without a party.")
