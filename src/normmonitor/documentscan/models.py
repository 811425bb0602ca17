"""Uploaded regulations and policies, their scans, and the citations adopted into answers.

The file itself is stored outside the web root by its SHA-256 (the evidence store); the
normalised text is kept here, because every finding points into it by offset."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.assessments.models import Answer
from normmonitor.norms.models import NormVersion
from normmonitor.organisations.models import Organisation, Region


class DocumentKind(models.TextChoices):
    APV = "apv", _("APV (general local bylaw)")
    BIBOB = "bibob", _("Bibob policy")
    DAMOCLES = "damocles", _("Damocles policy (Opiumwet 13b)")


class ScannedDocument(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="scanned_documents",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    name = models.CharField(
        _("file name"), max_length=150, help_text=_("The uploaded name, made safe.")
    )
    format = models.CharField(_("format"), max_length=10, help_text=_("Detected from the content."))
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    text = models.TextField(_("text"), help_text=_("The text as read; findings point into it."))
    adopted_on = models.DateField(
        _("adopted on"), null=True, blank=True, help_text=_("As stated in the document.")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_name = models.CharField(_("uploaded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("scanned document")
        verbose_name_plural = _("scanned documents")

    def __str__(self) -> str:
        return self.title or self.name


class Scan(models.Model):
    """The findings of one document against one norm version's detection rules."""

    document = models.ForeignKey(ScannedDocument, on_delete=models.CASCADE, related_name="scans")
    norm_version = models.ForeignKey(
        NormVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("rules of")
    )
    findings = models.JSONField(default=list)
    articles = models.JSONField(
        default=list, help_text="Number, title and offsets of every article, for display."
    )
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self) -> str:
        return f"{self.document} ({self.created_at:%Y-%m-%d})"


class AnswerCitation(models.Model):
    """A finding adopted into an answer: the proof of where a rating came from."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="scan_citations")
    scan = models.ForeignKey(Scan, on_delete=models.PROTECT, related_name="citations")
    requirement_code = models.CharField(max_length=40)
    verdict = models.CharField(_("verdict"), max_length=10)
    article = models.CharField(_("article"), max_length=40, blank=True)
    article_title = models.CharField(max_length=300, blank=True)
    quote = models.TextField(_("quote"), blank=True)
    level_before = models.CharField(max_length=40, blank=True)
    level_after = models.CharField(max_length=40, blank=True)
    evidence = models.ForeignKey(
        "evidence.Evidence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-adopted_at", "-id"]
        verbose_name = _("adopted finding")
        verbose_name_plural = _("adopted findings")

    def __str__(self) -> str:
        return f"{self.requirement_code}: {self.verdict} ({self.article})"


class RegionScanSetting(models.Model):
    """What a region shares: by default an editor sees only their own organisation's
    documents; the working group may let editors compare across the region."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="scan_setting")
    editors_see_region = models.BooleanField(
        _("editors may compare with the region"),
        default=False,
        help_text=_("Let editors see the documents and findings of every member of the region."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document-scan setting")
        verbose_name_plural = _("document-scan settings")

    def __str__(self) -> str:
        return str(self.region)
