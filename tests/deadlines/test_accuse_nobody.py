"""No accusation without evidence the portal could have had, and no demonstration that reads as one.

A facts-only install (the directives, the registry, the 2019 and 2023 duties) followed by every
scheduled rule raises no finding at all; the demonstration's made-up violations are marked 示例 in the
finding, its case and its criticism, whichever path raised them (the seed or a later sweep)."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from certificates.tasks import sweep_recognition
from fees.sweep import sweep_fee_rules
from supervision.engine.sweep import daily_sweep
from supervision.models import Finding, RectificationCase
from tests.conftest import FAST_HASHERS
from trial.checks import trial_checks

SWEEPS = (daily_sweep, sweep_recognition, sweep_fee_rules, trial_checks)


def run_every_sweep() -> None:
    for task in SWEEPS:
        task.apply().get()


@pytest.mark.django_db(transaction=True)
def test_a_facts_only_install_and_every_sweep_raise_no_finding():
    call_command("flush", "--no-input", verbosity=0)
    call_command("seed", verbosity=0)
    run_every_sweep()
    run_every_sweep()  # and a second day's run of the same
    assert list(Finding.objects.values_list("summary", flat=True)) == []


@pytest.mark.django_db(transaction=True)
def test_every_finding_of_the_demo_is_marked_and_so_is_what_is_made_from_it():
    call_command("flush", "--no-input", verbosity=0)
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed", "--demo", "--password", "demo-pass-2026", verbosity=0)
    run_every_sweep()
    findings = list(Finding.objects.all())
    assert len(findings) >= 5
    unmarked = [f.summary for f in findings if not (f.is_demo and "示例" in f.summary)]
    assert unmarked == []
    assert all(case.is_demo and "示例" in case.title for case in RectificationCase.objects.all())
    # A case opened now from a demo finding is marked in its title, which every message carries.
    from portal.accounts.models import User
    from supervision.engine.cases import draft_case

    open_one = [f for f in findings if f.status == "open"][:1]
    draft = draft_case(findings=open_one, by=User.objects.get(username="province"))
    assert draft.is_demo and draft.title.startswith("（示例）")
