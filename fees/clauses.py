"""The fee rules' basis, as data: which document and clause each rule applies, and the choices the
province makes where the document leaves one (济源).

豫公管办〔2019〕23号 三 sets the benchmark as "目前省辖市公共资源交易平台数字证书最低收费标准": the lowest
standard in force *before* the reduction ("目前", the standards of the day) on the platforms of the
province's prefecture-level cities (省辖市). Hence the pool:
- only filings made for a 省辖市 itself: not a province-governed county (省直管县（市）, e.g. 巩义市),
  not an ordinary county, not a province-wide filing (the province is no 省辖市);
- only filings in force on the benchmark date, the day before the reduction (or the directive's date
  of issue when it is recorded): the vendors' own reduced filings, effective on or after
  2019-08-15, never move it.
济源 (419001) is a city-level unit governed directly by the province. Henan has long counted it among
its 18 省辖市 (e.g. "全省18个省辖市、10个省直管县（市）" in the province's trading-platform work), so by
default it counts; a province decides otherwise on its fee policy (``FeePolicy.province_governed_cities_count``).
"""

import datetime

from django.utils.translation import gettext_lazy as _

from portal.clauses import Basis, Rule
from portal.facts import Fact, choice, labelled, record, yuan
from supervision.clauses import FEE_REDUCTION, FEE_REDUCTION_FROM, PROVINCIAL_NOTICE

BENCHMARK = FEE_REDUCTION  # 23号 三: "要以目前省辖市……最低收费标准为参照"
OVERCHARGE = FEE_REDUCTION  # 23号 三: "……降至全省最低收费标准以下" (以下 includes the figure itself)
PROHIBITED_FEE = Basis(PROVINCIAL_NOTICE, "三", "不得重复办理和收费、不得收取异地用户开通费、变更名称费等费用")
REPEATED_CHARGE = PROHIBITED_FEE

REDUCTION_FROM = FEE_REDUCTION_FROM


def benchmark_date(reduction_from: datetime.date, issued_on: datetime.date | None = None) -> datetime.date:
    """The day whose standards are "目前": the directive's date of issue when it is recorded and earlier
    than the reduction, else the day before the reduction takes effect."""
    if issued_on is not None and issued_on < reduction_from:
        return issued_on
    return reduction_from - datetime.timedelta(days=1)


RULES = [
    Rule(
        code="benchmark",
        summary=_(
            "The province's lowest standard per product and item: the lowest fee filed for a 省辖市 platform and in "
            "force before the reduction; province-wide filings, 省直管县 filings and the vendors' reduced filings "
            "never enter it. Once confirmed it is frozen, and only a recorded decision with a reason changes it."
        ),
        basis=BENCHMARK,
        produces=("benchmark",),
        implemented_in="fees.benchmarks.compute_benchmarks",
        tested_in=("tests/fees/test_fees_benchmark_and_rules.py",),
        note=_("济源 counts as a 省辖市 unless the province's fee policy says otherwise."),
    ),
    Rule(
        code="overcharge",
        summary=_("A filed fee above the frozen benchmark, in force on or after 2019-08-15, is an over-charge."),
        basis=OVERCHARGE,
        produces=("finding:overcharge",),
        implemented_in="fees.breaches.RuleBook.evaluate",
        tested_in=("tests/fees/test_fees_benchmark_and_rules.py", "tests/fees/test_fees_henan_story.py"),
    ),
    Rule(
        code="prohibited_fee",
        summary=_("A filed fee for an item the province prohibits (e.g. 异地用户开通费, 变更名称费) is a finding."),
        basis=PROHIBITED_FEE,
        produces=("finding:prohibited_fee",),
        implemented_in="fees.breaches.RuleBook.evaluate",
        tested_in=("tests/fees/test_fees_benchmark_and_rules.py",),
    ),
    Rule(
        code="repeated_charge",
        summary=_("An item paid once in the province and charged again for another platform is a repeated charge."),
        basis=REPEATED_CHARGE,
        produces=("finding:repeated_charge",),
        implemented_in="fees.breaches.RuleBook.evaluate",
        tested_in=("tests/fees/test_fees_benchmark_and_rules.py",),
    ),
    Rule(
        code="fee_complaint",
        summary=_(
            "A bidder's fee complaint that the office upholds, after checking it against the filed tariff and the "
            "benchmark, becomes a finding against the vendor."
        ),
        basis=FEE_REDUCTION,
        produces=("finding:complaint_upheld",),
        implemented_in="fees.complaints.raise_complaint_finding",
        tested_in=("tests/fees/test_fees_henan_story.py",),
    ),
]

# What the fee rules record in a finding's facts (``portal.facts``); the rows' own ids are not shown.
FACTS = {
    "rule": Fact(_("rule"), choice("supervision.Finding", "kind", {"above_filed_tariff": _("Above the filed tariff")})),
    "filing_id": Fact(_("fee filing"), record("fees.FeeFiling")),
    "filing_line_id": None,
    "product_id": Fact(_("product"), record("fees.ProductKind")),
    "item_id": Fact(_("fee item"), record("fees.FeeItem")),
    "excess": Fact(_("above the benchmark by"), yuan),
    "benchmark_source": Fact(
        _("source of the benchmark"),
        labelled({"frozen": _("confirmed value"), "computed": _("computed value, not yet confirmed")}),
    ),
    "benchmark_line_id": None,
    "forbidden_by": Fact(_("forbidden by")),
    "tariff": Fact(_("filed tariff"), yuan),
    "complaint": Fact(_("complaint tracking number")),
    "charged_on": Fact(_("charged on")),
    "breaches": Fact(_("breaches found")),
}
