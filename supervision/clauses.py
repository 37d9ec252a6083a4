"""The 2019 Henan rules the deadline engine applies, each with its basis as data (``clauses``, not
``rules``: django-rules autodiscovers and imports a module of that name in every app).

A ``Basis`` is what a duty or a finding rests on: the directive's document number, the clause and
the quoted Chinese sentence, as they stand in ``portal/data/directives/``. Every obligation and
finding a rule produces carries ``basis.as_facts()``; pages and notices print ``basis.citation``.
One date or number of a directive is written once, here.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from portal.clauses import Basis, Rule
from portal.facts import Fact, days, record, yuan

PROVINCIAL_NOTICE = "豫公管办〔2019〕23号"
PUYANG_NOTICE = "濮公共交易〔2019〕3号"

# 豫公管办〔2019〕23号 三: "自2019年8月15日起 … 降至全省最低收费标准以下".
FEE_REDUCTION_FROM = datetime.date(2019, 8, 15)


SAME_VENDOR_RECOGNITION = Basis(
    PROVINCIAL_NOTICE,
    "二",
    "使用华测电子认证有限责任公司、北京数字认证股份有限公司、深圳市电子商务安全证书管理有限公司提供数字证书的"
    "公共资源交易平台，要于2019年9月底前实现同一电子认证服务机构发放的公共资源交易平台数字证书（含签章）互认；"
    "使用河南省信息化发展有限公司数字证书的公共资源交易平台，要于2019年11底前实现同一电子认证服务机构发放的"
    "公共资源交易平台数字证书（含签章）互认",
)
FEE_REDUCTION = Basis(
    PROVINCIAL_NOTICE,
    "三",
    "要以目前省辖市公共资源交易平台数字证书最低收费标准为参照，自2019年8月15日起，接入公共资源交易平台的"
    "数字证书收费要降至全省最低收费标准以下，且不得重复办理和收费、不得收取异地用户开通费、变更名称费等费用",
)
UNFILED_VENDOR = Basis(
    PROVINCIAL_NOTICE,
    "四",
    "对省密码管理局认定未备案的违规行为，应督促其及时整改",
)
# Only the Puyang forwarding notice creates a cross-vendor duty, and only for SZCA; 23号 has none.
CROSS_VENDOR_RECOGNITION = Basis(
    PUYANG_NOTICE,
    "四",
    "深圳市电子商务安全证书管理有限公司要积极研究，采取有效措施尽快实现与不同电子认证服务机构发放的数字证书"
    "（含签章）实现互认",
)
CROSS_VENDOR_HOLDERS = ("SZCA",)  # short names of the vendors 濮公共交易〔2019〕3号 四 addresses

# 23号 二 and 三: the trading centres at every level notify, urge and push the vendors.
CENTRE_RECOGNITION = Basis(
    PROVINCIAL_NOTICE,
    "二",
    "各级公共资源交易中心负责通知、督促和推进有关电子认证服务机构实施数字证书（含签章）互认工作，确保辖区内接入"
    "公共资源交易平台的同一电子认证服务机构发放的数字证书（含签章）按时实现全部互认",
)
CENTRE_FEES = Basis(
    PROVINCIAL_NOTICE,
    "三",
    "各级公共资源交易中心负责通知、督促和推进有关电子认证服务机构按上述要求实施降费，并对电子认证服务机构降费实施情况"
    "进行监督",
)

# 23号 五: the offices' supervision, and the sanction for laggards.
SUPERVISION = Basis(
    PROVINCIAL_NOTICE,
    "五",
    "各地公管办要向本级政府报告公共资源交易平台数字证书互认、降费有关要求，加强对辖区内工作开展情况的督导检查",
)
# The offices' report to their own government: the portal generates it per region and date.
REPORT_TO_GOVERNMENT = Basis(
    PROVINCIAL_NOTICE,
    "五",
    "各地公管办要向本级政府报告公共资源交易平台数字证书互认、降费有关要求",
)
# ... and their inspection of the work in their region: what a supervision letter (督办函) rests on.
INSPECTION = Basis(PROVINCIAL_NOTICE, "五", "加强对辖区内工作开展情况的督导检查")
# The sentence under which each directive's duties are urged (a supervision letter's basis); 濮阳's
# notice forwards 23号 and is urged under it.
SUPERVISES = {PROVINCIAL_NOTICE: INSPECTION, PUYANG_NOTICE: INSPECTION}
CRITICISM = Basis(
    PROVINCIAL_NOTICE,
    "五",
    "省公管办将对此项工作进行跟踪督导，对行动迟缓和落实不到位的予以通报批评",
)

RULES = [
    Rule(
        code="same_vendor_recognition",
        summary=_(
            "Each vendor's certificates are recognised on every platform of the province: by 2019-09-30 for "
            "华测, BJCA and SZCA, by 2019-11-30 for HNCA."
        ),
        basis=SAME_VENDOR_RECOGNITION,
        produces=("obligation:same_vendor_recognition",),
        implemented_in="supervision.seed_deadlines.vendor_obligations",
        tested_in=("tests/certificates/test_certificates_story_2019.py",),
        note=_(
            "The clause binds the platforms using the named vendors' certificates (their own duties are created per "
            "platform and vendor); the portal holds the named vendors to the same dates, as 23号 五 has the "
            "centres urge them (督促电子认证服务机构做好数字证书互认具体工作) and 濮公共交易〔2019〕3号 三 orders SZCA."
        ),
    ),
    Rule(
        code="fee_reduction",
        summary=_("From 2019-08-15 each vendor's fees are at or below the province's lowest standard."),
        basis=FEE_REDUCTION,
        produces=("obligation:fee_reduction",),
        implemented_in="supervision.seed_deadlines.vendor_obligations",
        tested_in=("tests/fees/test_fees_henan_story.py",),
    ),
    Rule(
        code="crypto_filing",
        summary=_(
            "No vendor is given a filing duty: the clause acts on a determination of the cryptography "
            "administration (the certificates' rule “unfiled vendor” raises it as a finding to rectify). A filing "
            "duty an administrator enters by hand is fulfilled when a valid filing is recorded."
        ),
        basis=UNFILED_VENDOR,
        produces=("obligation:crypto_filing",),
        implemented_in="supervision.services.record_crypto_filing",
        tested_in=("tests/certificates/test_certificates_rules.py",),
    ),
    Rule(
        code="cross_vendor_recognition",
        summary=_(
            "SZCA, the vendor the Puyang notice addresses, makes its certificates recognised with other vendors' "
            "“as soon as possible” (no date: the duty's age is shown)."
        ),
        basis=CROSS_VENDOR_RECOGNITION,
        produces=("obligation:cross_vendor_recognition",),
        implemented_in="supervision.seed_deadlines.cross_vendor_obligations",
        tested_in=("tests/deadlines/test_facts_and_digest.py",),
    ),
    Rule(
        code="centre_urges_recognition",
        summary=_(
            "Each trading centre of the province notifies, urges and pushes the vendors until same-vendor "
            "recognition is complete in its area, by the last vendor's date (2019-11-30)."
        ),
        basis=CENTRE_RECOGNITION,
        produces=("obligation:urge_recognition",),
        implemented_in="supervision.seed_deadlines.centre_obligations",
        tested_in=("tests/deadlines/test_facts_and_digest.py",),
    ),
    Rule(
        code="centre_urges_fee_reduction",
        summary=_(
            "Each trading centre of the province notifies, urges and pushes the vendors to reduce their fees from "
            "2019-08-15, and supervises the reduction."
        ),
        basis=CENTRE_FEES,
        produces=("obligation:urge_fee_reduction",),
        implemented_in="supervision.seed_deadlines.centre_obligations",
        tested_in=("tests/deadlines/test_facts_and_digest.py",),
    ),
    Rule(
        code="overdue",
        summary=_(
            "A duty that was live in the portal when its date passed becomes overdue and raises one finding; a duty "
            "loaded after its date is “to be confirmed” until the province confirms it unmet."
        ),
        basis=SUPERVISION,
        produces=("finding:overdue",),
        implemented_in="supervision.engine.sweep.Sweep.overdue_finding",
        tested_in=("tests/deadlines/test_life.py", "tests/deadlines/test_late_loaded.py"),
        note=_("An overdue finding cites the clause of the duty it is about."),
    ),
    Rule(
        code="supervision_letter",
        summary=_(
            "The office that decides an overdue duty with no rectification case may urge its party with a "
            "supervision letter (督办函): numbered in the office's sequence, with the duty's basis, the days "
            "overdue and a new date to report by."
        ),
        basis=INSPECTION,
        produces=("letter",),
        implemented_in="supervision.engine.letters.issue_letter",
        tested_in=("tests/deadlines/test_supervision_letters.py",),
    ),
    Rule(
        code="progress_report",
        summary=_(
            "Each management office reports to its own government: the portal generates the progress report "
            "(recognition, fees, cases) and its ledger (台账) for a region and a date; the province's aggregates "
            "its cities."
        ),
        basis=REPORT_TO_GOVERNMENT,
        produces=("report",),
        implemented_in="supervision.engine.progress_report.generate",
        tested_in=("tests/deadlines/test_progress_report.py",),
    ),
    Rule(
        code="escalation_and_criticism",
        summary=_(
            "A rectification case past its date escalates to the province, which may publish a public criticism."
        ),
        basis=CRITICISM,
        produces=("case:escalated", "criticism"),
        implemented_in="supervision.engine.cases.sweep_cases",
        tested_in=("tests/deadlines/test_life.py", "tests/e2e/test_rectification_browser.py"),
    ),
]

# What the registry's and the deadline engine's rules record in a finding's facts (``portal.facts``).
FACTS = {
    "obligation": Fact(_("obligation"), record("supervision.Obligation")),
    "due_date": Fact(_("due date")),
    "confirmed_unmet_by": Fact(_("confirmed unmet by"), record("accounts.User")),
    "confirmed_unmet_reason": Fact(_("reason")),
    "as_soon_as_possible": Fact(_("as soon as possible (no date)")),
    "age_days": Fact(_("open for"), days),
    "watched_days": Fact(_("watched in the portal for"), days),
    "vendor": Fact(_("CA vendor"), record("supervision.CAVendor")),
    "vendor_id": Fact(_("CA vendor"), record("supervision.CAVendor")),
    "vendor_name": Fact(_("CA vendor"), unless="vendor"),
    "platform": Fact(_("platform"), record("supervision.Platform")),
    "platform_id": Fact(_("platform"), record("supervision.Platform")),
    "region": Fact(_("region"), record("supervision.Region", "code")),
    "product": Fact(_("product")),
    "fee_item": Fact(_("fee item")),
    "benchmark": Fact(_("provincial benchmark"), yuan),
}
