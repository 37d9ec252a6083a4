"""The recognition rules' basis, as data (see ``portal.clauses``): what the certificate registry and the
recognition sweep flag, and the clause each rests on."""

from django.utils.translation import gettext_lazy as _

from portal.clauses import Basis, Rule
from portal.facts import Fact, choice, codes
from supervision import clauses as rules
from supervision.clauses import PROVINCIAL_NOTICE, UNFILED_VENDOR

# 23号 二: the centres ensure that same-vendor certificates are all recognised on time. A recognition
# recorded as verified while the platform's trust list cannot build a chain to the vendor's roots is
# not recognition.
RECOGNITION_ON_TIME = rules.CENTRE_RECOGNITION
# 23号 四: certificate services on the platforms compliant, secure and stable.
STABLE_SERVICE = Basis(
    PROVINCIAL_NOTICE,
    "四",
    "确保接入公共资源交易平台的数字证书服务合规、安全和稳定",
)

RULES = [
    Rule(
        code="platform_same_vendor_recognition",
        summary=_(
            "Each platform of the province makes the certificates of every vendor it uses recognised by that "
            "vendor's date (one duty per platform and vendor, created when the portal learns of the pair)."
        ),
        basis=rules.SAME_VENDOR_RECOGNITION,
        produces=("obligation:same_vendor_recognition",),
        implemented_in="certificates.findings.ensure_platform_duties",
        tested_in=("tests/certificates/test_certificates_story_2019.py",),
    ),
    Rule(
        code="trust_list_discrepancy",
        summary=_(
            "A recognition recorded as done or verified while the platform's trust list, on record, cannot build a "
            "valid chain to any root of the vendor on record is a finding against the platform (a trust list or "
            "roots never uploaded accuse nobody); it resolves itself when the trust list is fixed."
        ),
        basis=RECOGNITION_ON_TIME,
        produces=("finding:trust_list_discrepancy",),
        implemented_in="certificates.findings.raise_discrepancies",
        tested_in=("tests/certificates/test_certificates_rules.py",),
    ),
    Rule(
        code="unfiled_vendor",
        summary=_(
            "A vendor serving the province's platforms is flagged as unfiled only on a recorded determination of "
            "the cryptography administration or a revocation of its filing; a filing that only expired is to be "
            "confirmed with the administration, and “unknown” accuses nobody."
        ),
        basis=UNFILED_VENDOR,
        produces=("finding:unfiled_vendor",),
        implemented_in="certificates.findings.raise_unfiled",
        tested_in=("tests/certificates/test_certificates_rules.py",),
    ),
    Rule(
        code="certificate_expiry",
        summary=_(
            "A CA certificate in use is renewed before it expires; the vendor is reminded 365, 180, 90 and 30 days ahead."
        ),
        basis=STABLE_SERVICE,
        produces=("obligation:certificate_expiry",),
        implemented_in="certificates.expiry.ensure_expiry_obligation",
        tested_in=("tests/certificates/test_certificates_rules.py",),
        note=_("The portal's reading: the directive sets no renewal date; an expired root stops recognition."),
    ),
]

# What the recognition rules record in a finding's facts (``portal.facts``).
FACTS = {
    "claimed_status": Fact(_("claimed status"), choice("certificates.RecognitionRecord", "status")),
    "trusted_certificates": Fact(_("certificates on the trust list (SHA-256)"), codes),
    "vendor_roots": Fact(_("the vendor's root certificates (SHA-256)"), codes),
    "filing_status": Fact(_("cryptography filing status"), choice("supervision.CAVendor", "crypto_filing_status")),
    "filing_expiry": Fact(_("cryptography filing expiry")),
    "determination": Fact(_("determination of the cryptography administration")),
    "platforms_with_claimed_recognition": Fact(_("platforms with a claimed recognition")),
}
