from django.utils.translation import gettext_lazy as _

from normmonitor.core.navigation import NavItem

NAV_ITEMS = [
    NavItem(url_name="dashboard:home", label=_("Start"), order=0),
    NavItem(url_name="dashboard:rounds", label=_("Monitoring rounds"), order=10),
]
