"""Table cells speak the user's language and time: a moment in Asia/Shanghai to the minute, a date as
a date, data as its values (never a UTC timestamp with microseconds or a Python repr)."""

import datetime
import zoneinfo

from portal.crud import Column
from portal.templatetags.portal_tags import cell, when


class Row:
    created = datetime.datetime(2026, 11, 27, 19, 11, 53, 10741, tzinfo=datetime.UTC)
    due = datetime.date(2026, 12, 13)
    facts = {"rule": "prohibited_fee", "amount": "50.00", "empty": ""}


def test_a_moment_is_shown_in_the_portals_time_zone_to_the_minute(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert str(cell(Row(), Column("created", "created"))) == "2026-11-28 03:11"
    assert when(Row.created.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))) == "2026-11-28 03:11"
    assert str(cell(Row(), Column("due", "due"))) == "2026-12-13"


def test_data_shows_its_values_not_a_python_repr():
    html = str(cell(Row(), Column("facts", "facts")))
    assert "{'" not in html and "rule: prohibited_fee" in html and "amount: 50.00" in html and "empty" not in html
