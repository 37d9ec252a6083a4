"""factory-boy factories for the registry. By default everything lands in Puyang (410900), the
region of the ``puyang`` and ``platform-puyang`` personas, so a test can grow what they see."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from fees.models import FeeFiling, FeeFilingLine
from supervision.models import (
    Authority,
    BusinessDomain,
    CAVendor,
    Contact,
    Finding,
    Notification,
    Obligation,
    Platform,
    RectificationCase,
    Region,
)
from supervision.validators import credit_code_check_character

PUYANG = "410900"


def valid_credit_code(n: int, region: str = PUYANG) -> str:
    """A unified social credit code with a correct GB 32100 check character."""
    first17 = f"91{region}MA{n:07d}"
    return first17 + credit_code_check_character(first17)


class RegionFactory(DjangoModelFactory):
    """Counties of Puyang: 410910, 410911 … (none of them in the seed data)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"4109{10 + n % 90:02d}")
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = Region.Level.COUNTY
    parent_id = PUYANG
    province_governed = False


class AuthorityFactory(DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"测试公共资源交易中心{n}")
    kind = Authority.Kind.TRADING_CENTER
    region_id = PUYANG


class BusinessDomainFactory(DjangoModelFactory):
    class Meta:
        model = BusinessDomain

    code = factory.Sequence(lambda n: f"test-domain-{n}")
    name = factory.Sequence(lambda n: f"测试业务{n}")


class PlatformFactory(DjangoModelFactory):
    class Meta:
        model = Platform
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试交易平台{n}")
    kind = Platform.Kind.PUBLIC
    region_id = PUYANG
    operator_authority = factory.SubFactory(AuthorityFactory, region_id=factory.SelfAttribute("..region_id"))
    url = factory.Sequence(lambda n: f"https://platform{n}.example.com/")

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        if create:
            self.domains.set(extracted if extracted is not None else BusinessDomain.objects.all()[:2])


class CAVendorFactory(DjangoModelFactory):
    class Meta:
        model = CAVendor

    name = factory.Sequence(lambda n: f"测试电子认证服务有限公司{n}")
    short_name = factory.Sequence(lambda n: f"TCA{n}")
    credit_code = factory.Sequence(lambda n: valid_credit_code(n))
    licence_number = factory.Sequence(lambda n: f"ECP41000000{n:04d}")


class ContactFactory(DjangoModelFactory):
    """A contact of an authority unless ``platform`` or ``vendor`` is given (then pass ``authority=None``)."""

    class Meta:
        model = Contact

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"测试联系人{n}")
    role = "联络员"
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
    phone = "0393-0000000"


# --- the deadlines engine and the fee filings: rows a list shows, many of them --------------------


class ObligationFactory(DjangoModelFactory):
    """A duty of a platform of Puyang unless ``vendor`` or ``authority`` is given (then ``platform=None``)."""

    class Meta:
        model = Obligation

    platform = factory.SubFactory(PlatformFactory)
    kind = Obligation.Kind.CUSTOM
    title = factory.Sequence(lambda n: f"测试事项{n}")
    due_date = factory.Sequence(lambda n: datetime.date(2030, 1, 1) + datetime.timedelta(days=n % 300))
    dedup_key = factory.Sequence(lambda n: f"test:obligation:{n}")


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    platform = factory.SubFactory(PlatformFactory)
    kind = Finding.Kind.OTHER
    summary = factory.Sequence(lambda n: f"测试问题{n}")
    dedup_key = factory.Sequence(lambda n: f"test:finding:{n}")


class CaseFactory(DjangoModelFactory):
    """A rectification case about one finding of the same party."""

    class Meta:
        model = RectificationCase
        skip_postgeneration_save = True

    platform = factory.SubFactory(PlatformFactory)
    number = factory.Sequence(lambda n: f"测试整改〔2030〕{n}号")
    title = factory.Sequence(lambda n: f"测试整改{n}")
    facts = "整改要求"
    due_date = factory.Sequence(lambda n: datetime.date(2030, 1, 1) + datetime.timedelta(days=n % 300))

    @factory.post_generation
    def findings(self, create, extracted, **kwargs):
        if create:
            party = {field: getattr(self, field) for field in ("vendor", "platform", "authority")}
            self.findings.set(extracted if extracted is not None else [FindingFactory(**party)])


class NotificationFactory(DjangoModelFactory):
    """A reminder e-mail about an obligation, sent."""

    class Meta:
        model = Notification

    obligation = factory.SubFactory(ObligationFactory)
    topic = factory.LazyAttribute(lambda n: f"obligation:{n.obligation.pk}")
    stage = "d7"
    channel = Notification.Channel.EMAIL
    recipient = factory.Sequence(lambda n: f"reminder{n}@example.com")
    subject = factory.Sequence(lambda n: f"测试提醒{n}")
    body = "请按时完成。"
    status = Notification.Status.SENT


class FeeFilingFactory(DjangoModelFactory):
    """An accepted fee filing of a vendor for Puyang, one line per ``lines`` (product, item, amount)."""

    class Meta:
        model = FeeFiling
        skip_postgeneration_save = True

    vendor = factory.SubFactory(CAVendorFactory)
    region_id = PUYANG
    effective_date = factory.Sequence(lambda n: datetime.date(2019, 1, 1) + datetime.timedelta(days=n))
    status = FeeFiling.Status.ACCEPTED

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if create:
            for product, item, amount in extracted or ():
                FeeFilingLine.objects.create(filing=self, product=product, item=item, amount=Decimal(amount))
