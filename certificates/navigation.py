from django.utils.translation import gettext as _

from certificates.models import CertificateClaim, RecognitionRecord, TrustListEntry
from portal.navigation import NavItem, link


def items(user) -> list[NavItem]:
    children = [
        NavItem(_("Recognition matrix"), link("certificates:matrix_province"), "bi-grid-3x3"),
        NavItem(_("Recognition by region"), link("certificates:matrix_national"), "bi-globe-asia-australia"),
        NavItem(_("Recognition records"), link("certificates:recognitionrecord_list"), "bi-check2-square"),
        NavItem(_("CA certificates"), link("certificates:certificate_list"), "bi-patch-check"),
        NavItem(_("Trust lists"), link("certificates:trustlistentry_list"), "bi-shield-lock"),
        NavItem(_("Certificate products"), link("certificates:product_list"), "bi-usb-drive"),
        NavItem(_("Shared APPs"), link("certificates:sharedapp_list"), "bi-phone"),
    ]
    if user.has_perm(CertificateClaim.get_perm("add")):
        children.append(NavItem(_("Certificate claims"), link("certificates:claim_list"), "bi-person-check"))
    if getattr(user, "is_administrator", False):
        children.append(NavItem(_("Claim conflicts"), link("certificates:claim_conflicts"), "bi-exclamation-diamond"))
    if user.has_perm(RecognitionRecord.get_perm("add")):
        children.append(
            NavItem(_("Import recognition statuses"), link("certificates:import", "recognition"), "bi-upload")
        )
    if user.has_perm(TrustListEntry.get_perm("add")):
        children.append(NavItem(_("Import trust lists"), link("certificates:import", "trust-list"), "bi-upload"))
    return [NavItem(_("Recognition"), "", "bi-patch-check", children)]
