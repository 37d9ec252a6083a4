"""Odd query strings answer a clean 4xx or a page, never a server error."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("month", ["0001-01", "0001-12", "9999-01", "9999-12"])
def test_calendar_at_the_edges_of_time_is_a_bad_request(client_for, month):
    assert client_for("province").get(f"/registry/calendar/?month={month}").status_code == 400


@pytest.mark.parametrize("month", ["0002-01", "9998-12", "2026-13", "99999-01", "abc", "2026-", "-"])
def test_calendar_of_a_far_or_malformed_month_is_a_page(client_for, month):
    assert client_for("province").get(f"/registry/calendar/?month={month}").status_code == 200


def test_the_bad_request_page_is_the_portal_s(client_for):
    response = client_for("province").get("/registry/calendar/?month=9999-12")
    assert response.status_code == 400
    assert "400" in response.content.decode() and "<nav" in response.content.decode()
