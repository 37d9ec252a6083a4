"""The 2019 Henan rules the deadline engine applies, each with its basis as data (``clauses``, not
``rules``: django-rules autodiscovers and imports a module of that name in every app).

A ``Basis`` is what a duty or a finding rests on: the directive's document number, the clause and
the quoted Chinese sentence, as they stand in ``portal/data/directives/``. Every obligation and
finding a rule produces carries ``basis.as_facts()``; pages and notices print ``basis.citation``.
One date or number of a directive is written once, here.
"""

import datetime
from dataclasses import dataclass

PROVINCIAL_NOTICE = "豫公管办〔2019〕23号"
PUYANG_NOTICE = "濮公共交易〔2019〕3号"

# 豫公管办〔2019〕23号 三: "自2019年8月15日起 … 降至全省最低收费标准以下".
FEE_REDUCTION_FROM = datetime.date(2019, 8, 15)


@dataclass(frozen=True)
class Basis:
    directive: str  # document number (文号)
    clause: str  # e.g. "三"
    quote: str  # the sentence, quoted from the document

    @property
    def citation(self) -> str:
        return f"{self.directive} {self.clause}：“{self.quote}”"

    def as_facts(self) -> dict:
        return {"basis": {"directive": self.directive, "clause": self.clause, "quote": self.quote}}


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
