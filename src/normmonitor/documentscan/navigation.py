from django.utils.translation import gettext_lazy as _

from normmonitor.access.policy import grants_for
from normmonitor.core.navigation import NavItem


def _may_use(user) -> bool:
    grants = grants_for(user)
    return grants.administrator or bool(grants.coordinated_regions or grants.edited_organisations)


NAV_ITEMS = [
    NavItem(url_name="documentscan:list", label=_("Documents"), visible=_may_use, order=60)
]
