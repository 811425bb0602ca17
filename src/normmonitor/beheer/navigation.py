from django.utils.translation import gettext_lazy as _

from normmonitor.core.navigation import NavItem


def _may_manage(user) -> bool:
    return user.has_perm("beheer.view_management")


NAV_ITEMS = [
    NavItem(url_name="beheer:home", label=_("Management"), visible=_may_manage, order=80),
]
