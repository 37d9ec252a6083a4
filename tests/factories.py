"""factory-boy factories for the registry. By default everything lands in Puyang (410900), the
region of the ``puyang`` and ``platform-puyang`` personas, so a test can grow what they see."""

import factory
from factory.django import DjangoModelFactory

from supervision.models import Authority, BusinessDomain, CAVendor, Contact, Platform, Region
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
