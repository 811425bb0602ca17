from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeheerConfig(AppConfig):
    """Management (beheer) inside the application: norms, organisations, regions, users and
    memberships, for administrators. The Django admin stays for superusers only."""

    name = "normmonitor.beheer"
    label = "beheer"
    verbose_name = _("Management")
