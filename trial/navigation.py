"""The trial's menu (added to supervision's navigation)."""

from django.utils.translation import gettext as _

from portal.navigation import NavItem, link
from trial.rounds import takes_part


def items(user) -> list[NavItem]:
    if not takes_part(user):
        return []  # a platform that takes part in no round has nothing to do here
    children = [
        NavItem(_("Duties at a glance"), link("trial:overview"), "bi-grid-3x3-gap"),
        NavItem(_("Announcements"), link("trial:announcement_list"), "bi-megaphone"),
        NavItem(_("Coverage"), link("trial:coverage_overview"), "bi-diagram-2"),
        NavItem(_("Agreements"), link("trial:agreement_list"), "bi-file-earmark-check"),
        NavItem(_("Remedy plans"), link("trial:remedyplan_list"), "bi-life-preserver"),
        NavItem(_("Decryption incidents"), link("trial:incident_list"), "bi-unlock"),
        NavItem(_("Usage reports"), link("trial:usagereport_list"), "bi-clipboard-data"),
        NavItem(_("National usage table"), link("trial:national_table"), "bi-bar-chart"),
    ]
    if user.is_superuser or user.is_administrator:
        children += [
            NavItem(_("Bidders' feedback"), link("trial:feedback_list"), "bi-chat-left-text"),
            NavItem(_("Feedback for national attention"), link("trial:feedback_national"), "bi-flag"),
            NavItem(_("Trial rounds"), link("trial:round_list"), "bi-calendar-range"),
        ]
    if user.is_superuser or getattr(user, "is_national_admin", False):
        if not user.is_superuser:
            children += [
                NavItem(_("Feedback for national attention"), link("trial:feedback_national"), "bi-flag"),
                NavItem(_("Trial rounds"), link("trial:round_list"), "bi-calendar-range"),
            ]
        children.append(NavItem(_("Written reports (书面报送)"), link("trial:writtenreport_list"), "bi-envelope-paper"))
    if getattr(user, "is_lead_department", False):
        children += [
            NavItem(_("Written report to 法规司"), link("trial:writtenreport_new"), "bi-send"),
            NavItem(_("Written reports (书面报送)"), link("trial:writtenreport_list"), "bi-envelope-paper"),
        ]
    children.append(NavItem(_("Public directory"), link("public_directory"), "bi-globe"))
    return [NavItem(_("Trial"), "", "bi-share", children)]
