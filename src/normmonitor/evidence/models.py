"""Documents that support an answer (evidence): stored outside the web root under their SHA-256,
served only through a permission-checked download. Rows are never deleted: replacing a document
adds a new row that points at the one it replaces, and withdrawing one only marks it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from normmonitor.assessments.models import Answer


class EvidenceQuerySet(models.QuerySet):
    def current(self) -> "EvidenceQuerySet":
        """Neither replaced by a newer upload nor withdrawn."""
        return self.filter(replaced_by__isnull=True, withdrawn_at__isnull=True)


class Evidence(models.Model):
    answer = models.ForeignKey(
        Answer, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("answer")
    )
    name = models.CharField(
        _("file name"), max_length=150, help_text=_("The uploaded name, made safe.")
    )
    kind = models.CharField(_("type"), max_length=10, help_text=_("Detected from the content."))
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    note = models.TextField(_("note"), blank=True)
    expires_on = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("When the document stops being valid evidence (a policy to renew, say)."),
    )
    source = models.CharField(
        _("source"),
        max_length=40,
        default="upload",
        help_text=_("How it arrived: an upload, or the name of the feature that attached it."),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_name = models.CharField(_("uploaded by"), max_length=150, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["answer", "-uploaded_at", "-id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name

    @property
    def storage_key(self) -> str:
        """The file's path under EVIDENCE_ROOT: derived from the checksum, never from a name."""
        return f"{self.sha256[:2]}/{self.sha256}"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and not hasattr(self, "replaced_by")
