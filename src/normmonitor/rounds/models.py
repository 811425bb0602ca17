"""A monitoring round (meetmoment): a region assesses itself against one norm version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import NormVersion
from normmonitor.organisations.models import Region


class RoundState(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    IN_REVIEW = "in_review", _("in review")
    CLOSED = "closed", _("closed")


class MonitoringRound(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="rounds")
    norm_version = models.ForeignKey(NormVersion, on_delete=models.PROTECT, related_name="rounds")
    reference_date = models.DateField(_("reference date (peildatum)"))
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=20, choices=RoundState.choices, default=RoundState.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried over from"),
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["region__name", "-reference_date"]
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def is_frozen(self) -> bool:
        return self.state == RoundState.CLOSED


class RoundSnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("Round snapshots are immutable")

    def delete(self):  # type: ignore[override]
        raise PermissionError("Round snapshots are immutable")


class RoundSnapshot(models.Model):
    """What a round was when it closed: every answer, the norm model and every score, as
    canonical JSON with its SHA-256. Never changed; reopening and closing again adds a new one
    (``sequence``), and a closed round's figures come from its latest snapshot."""

    round = models.ForeignKey(MonitoringRound, on_delete=models.PROTECT, related_name="snapshots")
    sequence = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    data = models.JSONField()
    checksum = models.CharField("SHA-256", max_length=64)

    objects = RoundSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["round", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["round", "sequence"], name="unique_snapshot_sequence")
        ]
        indexes = [
            # The latest snapshot's checksum without reading its data: SQLite stores the JSON
            # in the row before the checksum and would walk megabytes of it otherwise.
            models.Index(fields=["round", "sequence", "checksum"], name="snapshot_latest_checksum"),
        ]
        verbose_name = _("round snapshot")
        verbose_name_plural = _("round snapshots")

    def __str__(self) -> str:
        return f"{self.round} #{self.sequence} {self.checksum[:12]}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Round snapshots are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise PermissionError("Round snapshots are immutable")
