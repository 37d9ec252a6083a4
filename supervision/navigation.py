from django.utils.translation import gettext as _

from portal.navigation import NavItem, link
from supervision.views.tasks import unread_count


def registry_items(user) -> list[NavItem]:
    registry = [
        NavItem(_("CA vendors"), link("supervision:vendor_list"), "bi-building-lock"),
        NavItem(_("Platforms"), link("supervision:platform_list"), "bi-diagram-3"),
        NavItem(_("Authorities"), link("supervision:authority_list"), "bi-bank"),
        NavItem(_("Regions"), link("supervision:region_list"), "bi-geo-alt"),
        NavItem(_("Contacts"), link("supervision:contact_list"), "bi-person-lines-fill"),
    ]
    if user.vendor_id:
        return [NavItem(_("My vendor"), link("supervision:vendor_detail", user.vendor_id), "bi-building-lock")]
    if user.platform_id:
        return [NavItem(_("My platform"), link("supervision:platform_detail", user.platform_id), "bi-diagram-3")]
    return [NavItem(_("Registry"), "", "bi-journal-text", registry)]


def deadline_items(user) -> list[NavItem]:

    children = [
        NavItem(_("My tasks"), link("supervision:my_tasks"), "bi-list-check"),
        NavItem(_("Deadline calendar"), link("supervision:calendar"), "bi-calendar3"),
        NavItem(_("Obligations"), link("supervision:obligation_list"), "bi-hourglass-split"),
        NavItem(_("Findings"), link("supervision:finding_list"), "bi-exclamation-octagon"),
        NavItem(_("Rectification cases"), link("supervision:case_list"), "bi-clipboard-check"),
        NavItem(_("Case board"), link("supervision:case_board"), "bi-kanban"),
        NavItem(_("Directives"), link("supervision:directive_list"), "bi-file-earmark-text"),
        NavItem(_("Rule register"), link("supervision:rule_register"), "bi-book"),
        NavItem(_("Public criticism"), link("supervision:criticism_list"), "bi-megaphone"),
    ]
    if user.is_administrator:
        children += [
            NavItem(_("New campaign"), link("supervision:obligation_campaign"), "bi-broadcast"),
            NavItem(_("Send log"), link("supervision:notification_list"), "bi-envelope-paper"),
            NavItem(_("Reminder policy"), link("supervision:reminder_policy"), "bi-sliders"),
            NavItem(_("Progress reports"), link("supervision:report_list"), "bi-file-earmark-bar-graph"),
        ]
    unread = unread_count(user)
    inbox_label = _("Inbox (%(count)d)") % {"count": unread} if unread else _("Inbox")
    return [
        NavItem(_("Deadlines"), "", "bi-alarm", children),
        NavItem(inbox_label, link("supervision:inbox"), "bi-envelope-fill" if unread else "bi-envelope"),
    ]


def items(user) -> list[NavItem]:
    return registry_items(user) + deadline_items(user)
