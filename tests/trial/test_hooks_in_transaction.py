"""A record's follow-up (its obligations) runs in the save's transaction: when it fails, nothing is
saved, on the pages and through the API alike (``after_save`` of portal.crud and portal.api.base)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from trial import rounds
from trial.models import TrialRound

pytestmark = pytest.mark.django_db

NEW_ROUND = {"code": "2024", "name": "2024年试运行", "starts_on": "2024-01-15", "announcement_due": "2024-02-01"}


def refuse(*args, **kwargs):
    raise ValidationError("the obligations could not be created")


def crash(*args, **kwargs):
    raise RuntimeError("the obligations could not be created")


def test_a_refused_follow_up_on_a_page_leaves_no_row(client_for, round2023, monkeypatch):
    monkeypatch.setattr(rounds, "sync_round", refuse)
    response = client_for("province").post(reverse("trial:round_add"), NEW_ROUND)
    assert response.status_code == 200
    assert "the obligations could not be created" in response.content.decode()
    assert not TrialRound.objects.filter(code="2024").exists()


def test_a_failed_follow_up_on_a_page_leaves_no_row(client_for, round2023, monkeypatch):
    monkeypatch.setattr(rounds, "sync_round", crash)
    with pytest.raises(RuntimeError):
        client_for("province").post(reverse("trial:round_add"), NEW_ROUND)
    assert not TrialRound.objects.filter(code="2024").exists()


def test_a_failed_follow_up_of_an_edit_keeps_the_old_row(client_for, round2023, monkeypatch):
    monkeypatch.setattr(rounds, "sync_round", crash)
    with pytest.raises(RuntimeError):
        client_for("province").post(
            reverse("trial:round_edit", args=[round2023.pk]),
            {"code": round2023.code, "name": "改名", "starts_on": "2023-01-15", "announcement_due": "2023-03-01"},
        )
    round2023.refresh_from_db()
    assert round2023.name != "改名"


def test_a_refused_follow_up_through_the_api_leaves_no_row(api_for, round2023, monkeypatch):
    monkeypatch.setattr(rounds, "sync_round", refuse)
    response = api_for("province").post("/api/v1/trial-rounds/", NEW_ROUND, format="json")
    assert response.status_code == 400
    assert "the obligations could not be created" in str(response.data)
    assert not TrialRound.objects.filter(code="2024").exists()


def test_a_failed_follow_up_through_the_api_leaves_no_row(api_for, round2023, monkeypatch):
    monkeypatch.setattr(rounds, "sync_round", crash)
    with pytest.raises(RuntimeError):
        api_for("province").post("/api/v1/trial-rounds/", NEW_ROUND, format="json")
    assert not TrialRound.objects.filter(code="2024").exists()
