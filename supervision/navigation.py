from django.urls import reverse
from django.utils.translation import gettext as _

from portal.navigation import NavItem
from supervision.views.tasks import unread_count


def registry_items(user) -> list[NavItem]:
    registry = [
        NavItem(_("CA vendors"), reverse("supervision:vendor_list"), "bi-building-lock"),
        NavItem(_("Platforms"), reverse("supervision:platform_list"), "bi-diagram-3"),
        NavItem(_("Authorities"), reverse("supervision:authority_list"), "bi-bank"),
        NavItem(_("Regions"), reverse("supervision:region_list"), "bi-geo-alt"),
        NavItem(_("Contacts"), reverse("supervision:contact_list"), "bi-person-lines-fill"),
    ]
    if user.vendor_id:
        return [
            NavItem(_("My vendor"), reverse("supervision:vendor_detail", args=[user.vendor_id]), "bi-building-lock")
        ]
    if user.platform_id:
        return [
            NavItem(_("My platform"), reverse("supervision:platform_detail", args=[user.platform_id]), "bi-diagram-3")
        ]
    return [NavItem(_("Registry"), "", "bi-journal-text", registry)]


def deadline_items(user) -> list[NavItem]:

    children = [
        NavItem(_("My tasks"), reverse("supervision:my_tasks"), "bi-list-check"),
        NavItem(_("Deadline calendar"), reverse("supervision:calendar"), "bi-calendar3"),
        NavItem(_("Obligations"), reverse("supervision:obligation_list"), "bi-hourglass-split"),
        NavItem(_("Findings"), reverse("supervision:finding_list"), "bi-exclamation-octagon"),
        NavItem(_("Rectification cases"), reverse("supervision:case_list"), "bi-clipboard-check"),
        NavItem(_("Case board"), reverse("supervision:case_board"), "bi-kanban"),
        NavItem(_("Directives"), reverse("supervision:directive_list"), "bi-file-earmark-text"),
        NavItem(_("Rule register"), reverse("supervision:rule_register"), "bi-book"),
        NavItem(_("Public criticism"), reverse("supervision:criticism_list"), "bi-megaphone"),
    ]
    if user.is_administrator:
        children += [
            NavItem(_("New campaign"), reverse("supervision:obligation_campaign"), "bi-broadcast"),
            NavItem(_("Send log"), reverse("supervision:notification_list"), "bi-envelope-paper"),
            NavItem(_("Reminder policy"), reverse("supervision:reminder_policy"), "bi-sliders"),
            NavItem(_("Progress reports"), reverse("supervision:report_list"), "bi-file-earmark-bar-graph"),
        ]
    unread = unread_count(user)
    inbox_label = _("Inbox (%(count)d)") % {"count": unread} if unread else _("Inbox")
    return [
        NavItem(_("Deadlines"), "", "bi-alarm", children),
        NavItem(inbox_label, reverse("supervision:inbox"), "bi-envelope-fill" if unread else "bi-envelope"),
    ]


def items(user) -> list[NavItem]:
    return registry_items(user) + deadline_items(user)
