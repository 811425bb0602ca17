from django.utils.translation import gettext_lazy as _

from normmonitor.core.navigation import NavItem


def _has_reports(user) -> bool:
    from normmonitor.access.policy import grants_for

    grants = grants_for(user)
    return bool(grants.administrator or grants.coordinated_regions or grants.member_organisations)


NAV_ITEMS = [NavItem(url_name="reports:index", label=_("Reports"), visible=_has_reports, order=60)]
