"""The sweep acts once per step: twice on one day, after a failure, after an interruption, when racing."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count

from supervision.engine import delivery
from supervision.engine.sweep import Sweep, run_sweep
from supervision.models import Finding, Notification, Obligation
from supervision.services import ensure_obligation

T = datetime.date(2030, 3, 20)


def make_obligations(party, count: int, due: datetime.date, prefix: str) -> list[Obligation]:
    return [
        ensure_obligation(
            party=party, kind=Obligation.Kind.CUSTOM, title=f"{prefix} {i}", due_date=due, dedup_key=f"{prefix}:{i}"
        )[0]
        for i in range(count)
    ]


def assert_no_duplicates():
    duplicates = (
        Notification.objects.values("topic", "stage", "channel", "recipient").annotate(n=Count("pk")).filter(n__gt=1)
    )
    assert not duplicates.exists()


@pytest.mark.django_db
def test_second_sweep_on_the_same_day_sends_nothing(travel, mailbox, szca):
    travel(T - datetime.timedelta(days=7))
    make_obligations(szca, 3, T, "twice")
    first = run_sweep()
    sent = len(mailbox)
    rows = Notification.objects.count()
    assert first.delivery["sent"] > 0 and sent > 0
    second = run_sweep()
    assert len(mailbox) == sent and Notification.objects.count() == rows
    assert second.delivery == {"sent": 0, "failed": 0}


@pytest.mark.django_db
def test_failed_email_is_recorded_and_retried_later(travel, mailbox, szca):
    travel(T - datetime.timedelta(days=1))
    (obligation,) = make_obligations(szca, 1, T, "fail")
    broken = mock.Mock()
    broken.open.return_value = True
    broken.send_messages.side_effect = ConnectionRefusedError("smtp down")
    with mock.patch("supervision.engine.channels.get_connection", return_value=broken):
        run_sweep()
    emails = Notification.objects.filter(obligation=obligation, channel="email")
    assert emails.exists()
    for row in emails:
        assert row.status == Notification.Status.FAILED and row.attempts == 1 and "smtp down" in row.last_error
        assert row.next_attempt_at > row.created
    inbox = Notification.objects.filter(obligation=obligation, channel="inbox")
    assert inbox.exists() and all(n.status == Notification.Status.SENT for n in inbox)
    assert not [m for m in mailbox if "fail 0" in m.subject]

    # Before the back-off has passed nothing is retried; after it, once.
    delivery.deliver_due()
    assert emails.filter(status=Notification.Status.FAILED).count() == emails.count()
    travel(T - datetime.timedelta(days=1), hour=9)
    result = delivery.deliver_due()
    assert result["sent"] >= emails.count()
    assert all(row.status == Notification.Status.SENT and row.attempts == 2 for row in emails.all())
    assert len([m for m in mailbox if "fail 0" in m.subject]) == emails.count()
    delivery.deliver_due()
    assert len([m for m in mailbox if "fail 0" in m.subject]) == emails.count()


@pytest.mark.django_db
def test_gives_up_after_max_attempts(travel, mailbox, szca):
    from supervision.models import ReminderPolicy

    ReminderPolicy.objects.update(max_attempts=2)
    travel(T)
    (obligation,) = make_obligations(szca, 1, T, "giveup")
    broken = mock.Mock()
    broken.send_messages.side_effect = OSError("no route")
    with mock.patch("supervision.engine.channels.get_connection", return_value=broken):
        run_sweep()
        travel(T, hour=12)
        delivery.deliver_due()
    emails = Notification.objects.filter(obligation=obligation, channel="email")
    assert {n.status for n in emails} == {Notification.Status.GAVE_UP}


@pytest.mark.django_db
def test_interrupted_sweep_completes_next_run_without_duplicates(travel, mailbox, szca, puyang_platform):
    travel(T)
    make_obligations(szca, 5, T - datetime.timedelta(days=1), "cut-v")
    make_obligations(puyang_platform, 5, T + datetime.timedelta(days=7), "cut-p")
    calls = {"n": 0}
    original = Sweep.plan_obligations

    def crash_on_second_batch(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return original(self, rows)

    with mock.patch.object(Sweep, "plan_obligations", crash_on_second_batch), pytest.raises(RuntimeError):
        Sweep(batch=3).run()
    partial = Notification.objects.filter(topic__startswith="obligation:").count()
    assert partial > 0
    Sweep(batch=3).run()
    assert_no_duplicates()
    ours = Obligation.objects.filter(dedup_key__startswith="cut-")
    for obligation in ours:
        assert obligation.notifications.exists(), obligation
        assert not obligation.notifications.exclude(status=Notification.Status.SENT).exists()
    late = ours.filter(dedup_key__startswith="cut-v")
    assert all(o.status == Obligation.Status.OVERDUE for o in late)
    assert Finding.objects.filter(obligation__in=late).count() == 5
    sent = len(mailbox)
    Sweep(batch=3).run()
    assert len(mailbox) == sent


@pytest.mark.django_db
def test_a_claimed_row_is_not_sent_by_another_worker(travel, mailbox, szca):
    travel(T)
    (obligation,) = make_obligations(szca, 1, T, "claim")
    run_sweep(deliver=False)
    ids = list(Notification.objects.filter(obligation=obligation, channel="email").values_list("pk", flat=True))
    token = delivery._claim(ids, delivery.timezone.now())
    assert Notification.objects.filter(claim=token).count() == len(ids)
    assert delivery.deliver_due(only_ids=ids) == {"sent": 0, "failed": 0}  # someone else holds them
    # The other worker died: after the timeout the rows are released and sent once.
    travel(T, hour=9)
    assert delivery.deliver_due(only_ids=ids)["sent"] == len(ids)
    assert_no_duplicates()


@pytest.mark.django_db
def test_reminder_for_a_duty_fulfilled_meanwhile_is_not_sent(travel, mailbox, szca):
    from supervision.services import fulfil_obligations

    travel(T)
    (obligation,) = make_obligations(szca, 1, T, "meanwhile")
    obligation.kind = Obligation.Kind.COVERAGE
    obligation.save()
    run_sweep(deliver=False)
    fulfil_obligations(party=szca, kind=Obligation.Kind.COVERAGE, evidence="done")
    delivery.deliver_due()
    emails = obligation.notifications.filter(channel="email")
    assert emails.exists() and {n.status for n in emails} == {Notification.Status.CANCELLED}
    assert not [m for m in mailbox if "meanwhile" in m.subject]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_on_postgresql_send_each_reminder_once(registry, travel, mailbox, szca, puyang_platform):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers, so there is no race to test")
    travel(T)
    make_obligations(szca, 30, T, "race-v")
    make_obligations(puyang_platform, 30, T - datetime.timedelta(days=2), "race-p")
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            Sweep(batch=7).run()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert_no_duplicates()
    emails = Notification.objects.filter(channel="email", topic__startswith="obligation:")
    assert not emails.exclude(status=Notification.Status.SENT).exists()
    assert len(mailbox) == emails.count()
    assert Finding.objects.filter(obligation__dedup_key__startswith="race-p").count() == 30


@pytest.mark.django_db
def test_a_run_sends_through_one_connection_and_records_failures_per_message(travel, mailbox, szca, puyang_platform):
    """Delivery of many batches opens the mail server's connection once; a message the server refuses
    fails alone (recorded for a retry) and the connection is opened again for the next one."""
    from django.core.mail import get_connection

    travel(T)
    make_obligations(szca, 4, T, "one-v")
    make_obligations(puyang_platform, 4, T, "one-p")
    run_sweep(deliver=False)
    due = Notification.objects.filter(channel="email", status=Notification.Status.PENDING)
    total = due.count()
    assert total >= 8
    refused = due.order_by("pk")[2].pk
    opened, real = [], get_connection()

    class Connection:
        def open(self):
            opened.append(1)

        def close(self):
            pass

        def send_messages(self, messages):
            if any((m.subject, m.to) == refused_message for m in messages):
                raise ConnectionResetError("server closed the connection")
            return real.send_messages(messages)

    row = Notification.objects.get(pk=refused)
    refused_message = (row.subject.replace("\n", " "), [row.recipient])
    with mock.patch("supervision.engine.channels.get_connection", return_value=Connection()):
        result = delivery.deliver_due(batch=3)
    assert result == {"sent": total - 1, "failed": 1}
    assert len(opened) == 2  # once for the run, once again after the refused message
    failed = Notification.objects.get(pk=refused)
    assert failed.status == Notification.Status.FAILED and "server closed" in failed.last_error
    assert failed.attempts == 1 and failed.claim == ""
    assert len(mailbox) == total - 1
    assert not Notification.objects.filter(status=Notification.Status.CLAIMED).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_skips_the_rows_another_worker_is_claiming(registry, travel, mailbox, szca):
    """While another worker holds the lock on some due rows (``FOR UPDATE``), a claim neither waits for
    them nor takes them: it claims the others; the locked ones are sent once, later."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite has no row locks")
    travel(T)
    make_obligations(szca, 3, T, "skip")
    run_sweep(deliver=False)
    due = sorted(Notification.objects.filter(channel="email", status="pending").values_list("pk", flat=True))
    locked_ids = due[:2]
    holding, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update().filter(pk__in=locked_ids))
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert holding.wait(10)
        claim = delivery.claim_due(delivery.timezone.now(), batch=100)
        assert claim is not None
        assert {n.pk for n in claim.rows} == set(due) - set(locked_ids)
        assert Notification.objects.filter(pk__in=locked_ids, status="pending").count() == len(locked_ids)
    finally:
        release.set()
        thread.join()
    delivery.send_rows(claim.token, claim.rows, delivery.Outbox())
    assert delivery.deliver_due()["sent"] == len(locked_ids)
    assert len(mailbox) == len(due)
    assert_no_duplicates()
