"""A finding recorded by a person through the API, and the send log's filter that names nothing out of scope."""

from supervision.models import CAVendor, Finding, Obligation
from supervision.services import ensure_obligation


def test_an_administrator_records_a_finding_through_the_api(api_for, registry):
    szca = CAVendor.objects.get(short_name="SZCA")
    response = api_for("province").post(
        "/api/v1/findings/",
        {"vendor": szca.pk, "kind": "other", "summary": "投诉核实：重复收取证书费用"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    finding = Finding.objects.get(pk=response.json()["id"])
    assert finding.dedup_key.startswith("manual:") and finding.raised_by.username == "province"


def test_the_send_log_filter_lists_no_obligation_titles(client_for, registry):
    szca = CAVendor.objects.get(short_name="SZCA")
    ensure_obligation(
        party=szca, kind=Obligation.Kind.FEE_REDUCTION, title="只应省级可见的任务标题", due_date=None, dedup_key="t:1"
    )
    html = client_for("zhengzhou").get("/registry/notifications/").content.decode()
    assert "只应省级可见的任务标题" not in html
    # A searchable select: its options come as the user types, and only what the user may see.
    assert 'name="obligation"' in html and 'data-autocomplete-url="/autocomplete/supervision.obligation/"' in html
    search = {"q": "只应省级"}
    offered = client_for("province").get("/autocomplete/supervision.obligation/", search).json()["results"]
    assert [row["text"] for row in offered] == ["只应省级可见的任务标题"]
    assert client_for("bjca").get("/autocomplete/supervision.obligation/", search).json()["results"] == []
