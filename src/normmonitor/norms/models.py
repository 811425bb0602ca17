"""A norm as versioned data. A NormVersion is immutable once a round uses it: a changed norm
file is loaded as a new version beside it (see norms/services.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Norm(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("norm")
        verbose_name_plural = _("norms")

    def __str__(self) -> str:
        return self.name


class NormVersion(models.Model):
    norm = models.ForeignKey(Norm, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=40)
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        help_text=_(
            "Increases when a file with the same version label but other content is loaded."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    signatories = models.JSONField(_("signatories"), default=list, blank=True)
    organisation_types = models.JSONField(_("organisation types"), default=list)
    content_hash = models.CharField(max_length=64, db_index=True)
    document = models.JSONField(help_text="The parsed norm file, for export and display.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["norm__key", "-date", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["norm", "version", "revision"], name="unique_norm_version_revision"
            ),
        ]
        verbose_name = _("norm version")
        verbose_name_plural = _("norm versions")

    def __str__(self) -> str:
        suffix = f" (rev. {self.revision})" if self.revision > 1 else ""
        return f"{self.name} {self.version}{suffix}"

    @property
    def label(self) -> str:
        return str(self)


class ScaleLevel(models.Model):
    """One level of the norm version's rating scale, ordered from best to worst."""

    norm_version = models.ForeignKey(NormVersion, on_delete=models.CASCADE, related_name="scale")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    achieved = models.BooleanField(default=False)
    weight = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["norm_version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["norm_version", "code"], name="unique_scale_code"),
        ]

    def __str__(self) -> str:
        return self.label


class Theme(models.Model):
    norm_version = models.ForeignKey(NormVersion, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["norm_version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["norm_version", "code"], name="unique_theme_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Requirement(models.Model):
    """An ambition, a sub-item or an indicator. Top-level requirements of a theme are what the
    headline percentage counts; derived requirements take their rating from their children."""

    class Kind(models.TextChoices):
        AMBITION = "ambition", _("ambition")
        SUBITEM = "subitem", _("sub-item")
        INDICATOR = "indicator", _("indicator")

    norm_version = models.ForeignKey(
        NormVersion, on_delete=models.CASCADE, related_name="requirements"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="requirements")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=40, help_text="How the code is shown: 3.2.2 A")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    group = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    applies_to = models.JSONField(default=list)
    applicability_note = models.TextField(blank=True)
    derived = models.BooleanField(
        default=False, help_text="Rating follows from the sub-items instead of being given."
    )
    recurrence = models.CharField(max_length=20, blank=True, help_text="ISO 8601 period: P1Y")
    detection = models.JSONField(default=dict, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    order = models.PositiveIntegerField(help_text="Position in the whole tree, depth first.")

    class Meta:
        ordering = ["norm_version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["norm_version", "code"], name="unique_requirement_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.text[:60]}"

    def applies_to_type(self, organisation_type: str) -> bool:
        return organisation_type in self.applies_to


class NormMapping(models.Model):
    """How the items of one norm version continue in another (split, merged, new, …), so that
    trends and round comparisons run on across versions. Immutable like the versions it links:
    loading a changed mapping file adds a row; the latest row for a pair is the one in use."""

    norm = models.ForeignKey(Norm, on_delete=models.PROTECT, related_name="mappings")
    from_version = models.ForeignKey(
        NormVersion, on_delete=models.PROTECT, related_name="mappings_from"
    )
    to_version = models.ForeignKey(
        NormVersion, on_delete=models.PROTECT, related_name="mappings_to"
    )
    content_hash = models.CharField(max_length=64)
    document = models.JSONField(help_text="The parsed mapping file.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["norm__key", "-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_version", "to_version", "content_hash"],
                name="unique_norm_mapping_content",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_version=models.F("to_version")),
                name="norm_mapping_links_two_versions",
            ),
        ]
        verbose_name = _("norm version mapping")
        verbose_name_plural = _("norm version mappings")

    def __str__(self) -> str:
        return f"{self.norm.key} {self.from_version.version} → {self.to_version.version}"
