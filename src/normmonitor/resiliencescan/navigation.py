from django.utils.translation import gettext_lazy as _

from normmonitor.core.navigation import NavItem

NAV_ITEMS = [NavItem(url_name="resiliencescan:list", label=_("Resilience scan"), order=45)]
