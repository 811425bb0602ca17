from django.utils.translation import gettext_lazy as _

from normmonitor.core.navigation import NavItem

NAV_ITEMS = [
    NavItem(
        url_name="audit:list",
        label=_("Audit trail"),
        visible=lambda user: user.has_perm("audit.view_auditlog"),
        order=90,
    )
]
