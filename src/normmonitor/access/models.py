"""Who may do what: a membership gives a user a role, for an organisation or a region."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.organisations.models import Organisation, Region


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("administrator")
    COORDINATOR = "coordinator", _("region coordinator")
    EDITOR = "editor", _("organisation editor")
    READER = "reader", _("organisation reader")


class Membership(models.Model):
    """Administrators need neither organisation nor region; coordinators have a region;
    editors and readers have an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    models.Q(role="administrator", organisation__isnull=True, region__isnull=True)
                    | models.Q(role="coordinator", organisation__isnull=True, region__isnull=False)
                    | models.Q(
                        role__in=["editor", "reader"],
                        organisation__isnull=False,
                        region__isnull=True,
                    )
                ),
            ),
            # One constraint per shape of membership, each over its non-empty columns: a single
            # constraint over all four would treat the empty (NULL) organisation or region of
            # two rows as different and let duplicates through. (nulls_distinct=False would do
            # on PostgreSQL 15+, but Django leaves it out on SQLite; these hold on both.)
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(organisation__isnull=True, region__isnull=True),
                name="unique_membership_without_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=models.Q(organisation__isnull=True),
                name="unique_membership_in_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(region__isnull=True),
                name="unique_membership_in_organisation",
            ),
        ]

    def __str__(self) -> str:
        scope = self.organisation or self.region or _("everything")
        return f"{self.user} – {self.get_role_display()} – {scope}"
