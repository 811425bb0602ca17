"""Changes to what members of a region may see of each other."""

from typing import Any

from django.db import transaction

from normmonitor.audit.services import record
from normmonitor.core.permissions import require
from normmonitor.organisations.models import Region


def region_sharing_set(
    *, actor: Any, region: Region, ratings_visible_to_members: bool, address: str | None = None
) -> Region:
    """Whether the members of the region see the region's rating heatmap (never explanations or
    evidence). Decided by the region's coordinators or an administrator; audited."""
    require(actor, "organisations.change_region_sharing", region)
    with transaction.atomic():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        before = locked.ratings_visible_to_members
        if before != ratings_visible_to_members:
            locked.ratings_visible_to_members = ratings_visible_to_members
            locked.save(update_fields=["ratings_visible_to_members"])
            record(
                "region.sharing_changed",
                actor=actor,
                address=address,
                region=locked.key,
                before={"ratings_visible_to_members": before},
                after={"ratings_visible_to_members": ratings_visible_to_members},
            )
    region.refresh_from_db()
    return region
