from django.utils.translation import gettext_lazy as _

from normmonitor.core.navigation import NavItem

NAV_ITEMS = [NavItem(url_name="organisations:list", label=_("Organisations"), order=20)]
