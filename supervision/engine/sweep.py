"""The daily sweep: set-based, in batches of obligations (keyset by primary key).

Per batch: one query reads the obligations in a reminder window; the ones past their date are
flipped to overdue with one conditional UPDATE and get their *overdue* finding (one INSERT …
ON CONFLICT DO NOTHING on the findings' unique key); one INSERT … ON CONFLICT DO NOTHING writes
the batch's notifications (unique per obligation × stage × channel × recipient). Everything a
batch writes commits together, so an interrupted sweep resumes on the next run with nothing lost
and nothing duplicated. Delivery follows (``delivery.deliver_due``), claiming rows atomically.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from supervision.engine import cases as case_flow
from supervision.engine.delivery import deliver_due
from supervision.engine.messages import Texts, directive_label
from supervision.engine.recipients import Directory, party_key
from supervision.models import Finding, Notification, Obligation, RectificationCase, ReminderPolicy

logger = logging.getLogger(__name__)
BATCH = 2000
OBLIGATION_FIELDS = (
    "pk",
    "kind",
    "title",
    "due_date",
    "status",
    "vendor_id",
    "platform_id",
    "authority_id",
    "directive__number",
    "directive__title",
)


@dataclass
class SweepResult:
    today: datetime.date
    batches: int = 0
    obligations: int = 0
    flipped: int = 0
    findings: int = 0
    notifications: int = 0
    escalated: int = 0
    delivery: dict = field(default_factory=dict)


class Sweep:
    def __init__(self, today: datetime.date | None = None, batch: int = BATCH, policy: ReminderPolicy | None = None):
        self.today = today or timezone.localdate()
        self.batch = batch
        self.policy = policy or ReminderPolicy.current()
        self.directory = Directory()
        self.texts = Texts()
        self.result = SweepResult(today=self.today)

    # --- obligations -------------------------------------------------------------------------
    def obligation_batches(self):
        horizon = self.today + datetime.timedelta(days=self.policy.horizon_days)
        window = Obligation.objects.filter(status__in=Obligation.PENDING, due_date__lte=horizon)
        last = 0
        while True:
            rows = list(window.filter(pk__gt=last).order_by("pk").values(*OBLIGATION_FIELDS)[: self.batch])
            if not rows:
                return
            yield rows
            last = rows[-1]["pk"]

    def plan_obligations(self, rows: list[dict]) -> None:
        now = timezone.now()
        late = [r for r in rows if r["due_date"] < self.today and r["status"] == Obligation.Status.OPEN]
        notifications = []
        for row in rows:
            stage = self.policy.stage_for(row["due_date"], self.today)
            if stage is None:
                continue
            field_name, party_pk = party_key(row)
            party = self.directory.party_name(field_name, party_pk)
            link = self.texts.obligation_url % row["pk"]
            directive = directive_label(row["directive__number"], row["directive__title"])
            for recipient in self.directory.recipients(field_name, party_pk):
                subject, body = self.texts.reminder(
                    recipient=recipient,
                    party=party,
                    title=row["title"],
                    kind=self.texts.kinds.get(row["kind"], row["kind"]),
                    due=row["due_date"],
                    today=self.today,
                    directive=directive,
                    link=link,
                    stage=stage,
                )
                notifications.append(
                    Notification(
                        topic=f"obligation:{row['pk']}",
                        stage=stage,
                        channel=recipient.channel,
                        recipient=recipient.address,
                        recipient_name=recipient.name[:200],
                        user_id=recipient.user_id,
                        obligation_id=row["pk"],
                        is_copy=recipient.is_copy,
                        subject=subject,
                        body=body,
                        link=link,
                        next_attempt_at=now,
                    )
                )
        with transaction.atomic():
            if late:
                self.result.flipped += Obligation.objects.filter(
                    pk__in=[r["pk"] for r in late], status=Obligation.Status.OPEN
                ).update(status=Obligation.Status.OVERDUE, updated=now)
                findings = [self.overdue_finding(r) for r in late]
                Finding.objects.bulk_create(findings, ignore_conflicts=True)
                self.result.findings += len(findings)
            if notifications:
                Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=self.batch)
        self.result.notifications += len(notifications)

    def overdue_finding(self, row: dict) -> Finding:
        """The *overdue* finding of one obligation: the same row ``raise_finding`` would write (same key)."""
        field_name, party_pk = party_key(row)
        finding = Finding(
            kind=Finding.Kind.OVERDUE,
            dedup_key=f"overdue:obligation:{row['pk']}",
            summary=f"{row['title']}（{self.texts.format_date(row['due_date'])}）"[:300],
            facts={
                "obligation": row["pk"],
                "due_date": row["due_date"].isoformat(),
                "detected_on": self.today.isoformat(),
                "directive": row["directive__number"] or "",
            },
            obligation_id=row["pk"],
        )
        setattr(finding, f"{field_name}_id", party_pk)
        return finding

    # --- the whole run -----------------------------------------------------------------------
    def run(self, deliver: bool = True) -> SweepResult:
        for rows in self.obligation_batches():
            self.result.batches += 1
            self.result.obligations += len(rows)
            self.plan_obligations(rows)
        self.result.escalated = case_flow.sweep_cases(self)
        if deliver:
            self.result.delivery = deliver_due()
        logger.info("sweep %s: %s", self.today, self.result)
        return self.result


def run_sweep(today: datetime.date | None = None, deliver: bool = True, batch: int = BATCH) -> SweepResult:
    return Sweep(today=today, batch=batch).run(deliver=deliver)


__all__ = ["RectificationCase", "Sweep", "SweepResult", "run_sweep"]
