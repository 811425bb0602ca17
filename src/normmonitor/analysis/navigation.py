from django.utils.translation import gettext_lazy as _

from normmonitor.core.navigation import NavItem

NAV_ITEMS = [NavItem(url_name="analysis:index", label=_("Analysis"), order=30)]
