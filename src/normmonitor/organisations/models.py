from django.db import models
from django.utils.translation import gettext_lazy as _

from .types import ORGANISATION_TYPES


class OrganisationType(models.TextChoices):
    GEMEENTE = "gemeente", _("Municipality")
    PROVINCIE = "provincie", _("Province")
    WATERSCHAP = "waterschap", _("Water board")
    POLITIE = "politie", _("Police")
    OM = "om", _("Public Prosecution Service")
    BELASTINGDIENST = "belastingdienst", _("Tax Administration")
    RIEC = "riec", _("RIEC")
    OVERIG = "overig", _("Other")


assert {c.value for c in OrganisationType} == set(ORGANISATION_TYPES)


class Organisation(models.Model):
    """A participant in a norm: a municipality, a province, a water board, the police…"""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable key; the CBS code where there is one (GM0034, PV24)."),
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    cbs_code = models.CharField(_("CBS code"), max_length=10, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """A partnership that shares a norm, such as District Flevoland."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        Organisation, related_name="regions", verbose_name=_("members"), blank=True
    )
    geo_attribution = models.CharField(_("boundary attribution"), max_length=200, blank=True)
    target_date = models.DateField(
        _("target date"),
        null=True,
        blank=True,
        help_text=_("When every member should have implemented the norm (Flevoland: June 2022)."),
    )
    ratings_visible_to_members = models.BooleanField(
        _("members see each other's ratings"),
        default=True,
        help_text=_(
            "Whether the members of the region see the rating heatmap of all its organisations. "
            "Explanations and evidence stay visible only to the organisation itself and the "
            "region's coordinators."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Neighbour(models.Model):
    """An adjacency between two organisations, stored in both directions so that a lookup by
    one side is a plain filter. Derived for municipalities from the CBS boundaries."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="neighbour_links"
    )
    neighbour = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "neighbour"], name="unique_neighbour"),
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("neighbour")), name="neighbour_not_self"
            ),
        ]
        verbose_name = _("neighbour")
        verbose_name_plural = _("neighbours")

    def __str__(self) -> str:
        return f"{self.organisation} – {self.neighbour}"
