"""The 2023 round is loaded in a later year: its duties whose dates had passed start "to be confirmed",
and the daily sweep and the trial's checks accuse no platform on evidence the portal never had."""

from supervision.engine.sweep import run_sweep
from supervision.models import Finding, Obligation
from trial.checks import run_checks


def test_the_seeded_2023_duties_wait_for_confirmation_and_raise_nothing(registry):
    duties = Obligation.objects.filter(campaign="trial:2023")
    assert duties.exists()
    past = duties.exclude(due_date=None)
    assert set(past.values_list("status", flat=True)) <= {Obligation.Status.TO_CONFIRM, Obligation.Status.FULFILLED}
    assert past.filter(status=Obligation.Status.TO_CONFIRM).exists()
    run_sweep()
    run_checks()
    assert not duties.filter(status=Obligation.Status.OVERDUE).exists()
    assert not Finding.objects.filter(obligation__campaign="trial:2023").exists()
