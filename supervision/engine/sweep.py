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
import itertools
import json
import logging
import uuid
from dataclasses import dataclass, field

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from portal.celery import optional_date
from portal.clauses import basis_of
from supervision.engine import cases as case_flow
from supervision.engine import writer
from supervision.engine.channels import Outbox
from supervision.engine.delivery import deliver_due, send_claimed
from supervision.engine.messages import Texts, directive_label
from supervision.engine.recipients import Directory, party_key
from supervision.models import Finding, Notification, Obligation, RectificationCase, ReminderPolicy
from supervision.services import change_findings

logger = logging.getLogger(__name__)
BATCH = 2000
OBLIGATION_FIELDS = (
    "pk",
    "kind",
    "dedup_key",
    "title",
    "due_date",
    "status",
    "vendor_id",
    "platform_id",
    "authority_id",
    "recipient_id",
    "directive__number",
    "directive__title",
)


ASAP_FIELDS = (*OBLIGATION_FIELDS, "created", "directive__issued_on", "directive__year")


def opened_on(row: dict) -> datetime.date:
    """The day a duty with no date opened: its directive's date of issue (or the year's first day when
    the document bears no day), else the day it was recorded — as ``Obligation.age_days``."""
    recorded = timezone.localtime(row["created"]).date()
    if row["directive__year"]:
        issued = row["directive__issued_on"] or datetime.date(row["directive__year"], 1, 1)
        return min(issued, recorded)
    return recorded


NOTIFICATION_COLUMNS = (
    "topic",
    "stage",
    "channel",
    "recipient",
    "recipient_name",
    "user_id",
    "obligation_id",
    "case_id",
    "is_copy",
    "subject",
    "body",
    "link",
    "attachment",
    "status",
    "attempts",
    "last_error",
    "next_attempt_at",
    "claim",
    "claimed_at",
    "sent_at",
    "created",
)
FINDING_COLUMNS = (
    "kind",
    "status",
    "summary",
    "facts",
    "evidence",
    "dedup_key",
    "obligation_id",
    "is_demo",
    "vendor_id",
    "platform_id",
    "authority_id",
    "created",
    "updated",
)


def notification_row(*, topic, stage, recipient, subject, body, link, token, stamp, obligation_id=None, case_id=None):
    """One notification as a tuple in ``NOTIFICATION_COLUMNS`` order. E-mails are inserted already
    *claimed* by this sweep's ``token`` (only the inserter of a row can hold it: the unique key lets
    one INSERT win); the inbox is delivered by the row itself, so inbox rows are inserted *sent*."""
    inbox = recipient.channel == Notification.Channel.INBOX
    return (
        topic,
        stage,
        recipient.channel,
        recipient.address,
        recipient.name[:200],
        recipient.user_id,
        obligation_id,
        case_id,
        recipient.is_copy,
        subject,
        body,
        link,
        "",
        Notification.Status.SENT if inbox else Notification.Status.CLAIMED if token else Notification.Status.PENDING,
        1 if inbox else 0,
        "",
        stamp,
        "" if inbox else token,
        stamp if token and not inbox else None,
        stamp if inbox else None,
        stamp,
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
    sent: int = 0
    failed: int = 0
    delivery: dict = field(default_factory=dict)


class Sweep:
    def __init__(self, today: datetime.date | None = None, batch: int = BATCH, policy: ReminderPolicy | None = None):
        self.today = today or timezone.localdate()
        self.batch = batch
        self.policy = policy or ReminderPolicy.current()
        self.directory = Directory()
        self.texts = Texts()
        self.result = SweepResult(today=self.today)
        self.outbox: Outbox | None = None  # the run's connections (``run``)

    # --- obligations -------------------------------------------------------------------------
    def obligation_batches(self):
        horizon = self.today + datetime.timedelta(days=self.policy.horizon_days)
        yield from self._batches(
            Obligation.objects.filter(status__in=Obligation.PENDING, due_date__lte=horizon), OBLIGATION_FIELDS
        )

    def asap_batches(self):
        """Open duties with no date (尽快): reminded by age, overdue after the policy's watched age."""
        yield from self._batches(Obligation.objects.filter(status=Obligation.Status.OPEN, due_date=None), ASAP_FIELDS)

    def _batches(self, window, fields):
        last = 0
        while True:
            rows = list(window.filter(pk__gt=last).order_by("pk").values(*fields)[: self.batch])
            if not rows:
                return
            yield rows
            last = rows[-1]["pk"]

    def plan_obligations(self, rows: list[dict]) -> None:
        """One batch: overdue flips and findings, reminder rows; then the batch's e-mails are sent."""
        now = timezone.now()
        token = uuid.uuid4().hex if self.deliver else ""  # without delivery, e-mails wait as *pending*
        stamp = now
        if rows and rows[0]["due_date"] is None:
            late, stages = self.plan_asap(rows)
        else:
            late = [r for r in rows if r["due_date"] < self.today and r["status"] == Obligation.Status.OPEN]
            stages = [self.policy.stage_for(r["due_date"], self.today) for r in rows]
        notifications = []
        for row, stage in zip(rows, stages, strict=True):
            if stage is None:
                continue
            field_name, party_pk = party_key(row)
            party = self.directory.party_name(field_name, party_pk)
            link = self.texts.obligation_url % row["pk"]
            directive = self.texts.with_basis(
                directive_label(row["directive__number"], row["directive__title"]),
                basis_of("obligation", row["kind"], key=row["dedup_key"]),
            )
            if row["due_date"] is None:
                directive = self.texts.with_age_basis(
                    directive, row["directive__number"], row["directive__issued_on"], row["directive__year"]
                )
            kind = self.texts.kinds.get(row["kind"], row["kind"])
            for recipient in self.directory.with_copies(field_name, party_pk, row["recipient_id"]):
                subject, body = self.texts.reminder(
                    recipient=recipient,
                    party=party,
                    title=row["title"],
                    kind=kind,
                    due=row["due_date"],
                    today=self.today,
                    directive=directive,
                    link=link,
                    stage=stage,
                    age=row.get("age"),
                )
                notifications.append(
                    notification_row(
                        topic=f"obligation:{row['pk']}",
                        stage=stage,
                        recipient=recipient,
                        obligation_id=row["pk"],
                        subject=subject,
                        body=body,
                        link=link,
                        token=token,
                        stamp=stamp,
                    )
                )
        with transaction.atomic():
            if late:
                # The rows this run flips (locked on PostgreSQL), so that each gets one history row.
                flipping = list(
                    Obligation.objects.select_for_update()
                    .filter(pk__in=[r["pk"] for r in late], status=Obligation.Status.OPEN)
                    .values_list("pk", flat=True)
                )
                self.result.flipped += Obligation.objects.filter(pk__in=flipping, status=Obligation.Status.OPEN).update(
                    status=Obligation.Status.OVERDUE, updated=now
                )
                inserted = writer.insert_ignoring_conflicts(
                    Finding, FINDING_COLUMNS, [self.overdue_finding(r, stamp) for r in late]
                )
                self.result.findings += inserted + self.reopen_superseded(flipping)
                self.record_history(
                    flipping, [f"overdue:obligation:{r['pk']}" for r in late] if inserted else [], stamp
                )
            self.result.notifications += writer.insert_ignoring_conflicts(
                Notification, NOTIFICATION_COLUMNS, notifications
            )
        # Committed: the rows this batch inserted are claimed by ``token`` (inbox rows are delivered
        # by being written). Send the e-mails now; if this process dies first, the claims expire and
        # the retry task sends them.
        if self.deliver:
            sent, failed = send_claimed(token, now=now, max_attempts=self.policy.max_attempts, outbox=self.outbox)
            self.result.sent += sent
            self.result.failed += failed

    @staticmethod
    def reopen_superseded(flipped: list[int]) -> int:
        """Overdue findings withdrawn when an office gave more time (``superseded_due_date``) whose duty is
        late again on its new date: open again, with a history row each (one query when there is none)."""
        if not flipped:
            return 0
        keys = [f"overdue:obligation:{pk}" for pk in flipped]

        def late_again(finding) -> list[str]:
            finding.facts = {k: v for k, v in finding.facts.items() if k != "superseded_due_date"}
            return ["facts"]

        return change_findings(
            Finding.objects.filter(
                dedup_key__in=keys, status=Finding.Status.DISMISSED, facts__has_key="superseded_due_date"
            ),
            status=Finding.Status.OPEN,
            reason=gettext_noop("late again on the new date"),
            update=late_again,
        )

    @staticmethod
    def record_history(flipped: list[int], finding_keys: list[str], stamp) -> None:
        """History rows for what the batch changed, set-based: the obligations it made overdue and the
        findings it raised now (their ``created`` is this batch's stamp)."""
        reason = gettext_noop("daily sweep")
        if flipped:
            Obligation.history.bulk_history_create(
                list(Obligation.objects.filter(pk__in=flipped)), update=True, default_change_reason=reason
            )
        if finding_keys:
            Finding.history.bulk_history_create(
                list(Finding.objects.filter(dedup_key__in=finding_keys, created=stamp)), default_change_reason=reason
            )

    def plan_asap(self, rows: list[dict]) -> tuple[list[dict], list[str | None]]:
        """(the duties with no date now overdue, each row's reminder stage). The age shown and reminded
        counts from the directive; being overdue counts from the day the portal started watching the
        duty, so a duty loaded years after its directive accuses nobody on its first day."""
        late, stages = [], []
        for row in rows:
            row["age"] = (self.today - opened_on(row)).days
            overdue_from = self.policy.overdue_from(None, row["created"])
            if overdue_from is not None and self.today >= overdue_from:
                row["watched"] = (self.today - timezone.localtime(row["created"]).date()).days
                late.append(row)
            stages.append(self.policy.asap_stage(row["age"]))
        return late, stages

    def overdue_finding(self, row: dict, stamp) -> tuple:
        """The *overdue* finding of one obligation: the same row ``raise_finding`` would write (same key)."""
        field_name, party_pk = party_key(row)
        facts = {
            "obligation": row["pk"],
            "due_date": row["due_date"].isoformat() if row["due_date"] else None,
            "detected_on": self.today.isoformat(),
            "directive": row["directive__number"] or "",
        }
        if row["due_date"] is None:  # 尽快: overdue by the policy's watched age
            facts |= {"as_soon_as_possible": True, "age_days": row["age"], "watched_days": row["watched"]}
        if basis := basis_of("obligation", row["kind"], key=row["dedup_key"]):
            facts |= basis.as_facts()
        return (
            Finding.Kind.OVERDUE,
            Finding.Status.OPEN,
            f"{row['title']}（{self.overdue_when(row)}）"[:300],
            json.dumps(facts, ensure_ascii=False),
            "",
            f"overdue:obligation:{row['pk']}",
            row["pk"],
            False,
            party_pk if field_name == "vendor" else None,
            party_pk if field_name == "platform" else None,
            party_pk if field_name == "authority" else None,
            stamp,
            stamp,
        )

    def overdue_when(self, row: dict) -> str:
        if row["due_date"] is not None:
            return self.texts.format_date(row["due_date"])
        return f"{self.texts.asap}，{self.texts.stage_age % {'days': row['age']}}"

    # --- the whole run -----------------------------------------------------------------------
    def run(self, deliver: bool = True) -> SweepResult:
        self.deliver = deliver
        with Outbox() as self.outbox:  # one connection to the mail server for the whole run
            for rows in itertools.chain(self.obligation_batches(), self.asap_batches()):
                self.result.batches += 1
                self.result.obligations += len(rows)
                self.plan_obligations(rows)
            self.result.escalated = case_flow.sweep_cases(self)
            if deliver:
                # Everything else that is due: case messages, and failed sends whose back-off has passed.
                rest = deliver_due(outbox=self.outbox)
                self.result.delivery = {
                    "sent": self.result.sent + rest["sent"],
                    "failed": self.result.failed + rest["failed"],
                }
        logger.info("sweep %s: %s", self.today, self.result)
        return self.result


def run_sweep(today: datetime.date | None = None, deliver: bool = True, batch: int = BATCH) -> SweepResult:
    return Sweep(today=today, batch=batch).run(deliver=deliver)


@shared_task(name="supervision.daily_sweep")
def daily_sweep(today: str | None = None) -> dict:
    """Reminders, overdue flips and findings, case escalation; then delivery."""
    result = run_sweep(today=optional_date(today))
    return {
        "today": result.today.isoformat(),
        "obligations": result.obligations,
        "batches": result.batches,
        "flipped": result.flipped,
        "notifications": result.notifications,
        "escalated": result.escalated,
        **{f"delivery_{k}": v for k, v in result.delivery.items()},
    }


__all__ = ["RectificationCase", "Sweep", "SweepResult", "daily_sweep", "run_sweep"]
