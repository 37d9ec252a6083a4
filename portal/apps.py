from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal import checks


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    checks = checks  # registered on import: the deployment checks (check --deploy)
