"""An organisation's self-assessment in a round: one Answer per applicable, directly rated
requirement. Derived requirements have no answer of their own; scoring computes them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import Requirement, ScaleLevel
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound


class AssessmentStatus(models.TextChoices):
    """The working group's review of one organisation's assessment (docs/security.md)."""

    DRAFT = "draft", _("being filled in")
    SUBMITTED = "submitted", _("submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    APPROVED = "approved", _("approved")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("to be reviewed")
    ACCEPTED = "accepted", _("accepted")
    CHANGES_REQUESTED = "changes_requested", _("change requested")


class DeviationStatus(models.TextChoices):
    """A documented deviation (maatwerk): proposed by the organisation, decided by the working
    group. Only an accepted deviation changes the score (the item counts as not applicable)."""

    NONE = "", _("none")
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class Assessment(models.Model):
    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="assessments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=0, help_text="Increases with every submission and review decision."
    )

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="unique_assessment"),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.organisation} – {self.round}"


class Answer(models.Model):
    # Opening a national round inserts 35 000 answers: every index costs. ``assessment`` is
    # served by the unique and fingerprint indexes; the user columns and the rating are empty
    # in a new round, so their indexes are partial (only rows that name one).
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers")
    level = models.ForeignKey(
        ScaleLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rating"),
        db_index=False,
    )
    explanation = models.TextField(_("explanation"), blank=True)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    last_done_on = models.DateField(
        _("last done on"),
        null=True,
        blank=True,
        help_text=_("For periodic duties (such as a yearly evaluation): when it was last done."),
    )
    carried_over = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_("Copied from the previous round and not yet confirmed."),
    )
    version = models.PositiveIntegerField(default=0, help_text="Increases with every save.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    review_status = models.CharField(
        _("review"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    deviation_status = models.CharField(
        _("deviation (maatwerk)"),
        max_length=20,
        choices=DeviationStatus.choices,
        default=DeviationStatus.NONE,
        blank=True,
    )
    deviation_motivation = models.TextField(_("motivation of the deviation"), blank=True)
    deviation_decided_at = models.DateTimeField(null=True, blank=True)
    deviation_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["assessment", "requirement__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "requirement"], name="unique_answer"),
        ]
        indexes = [
            # Covers the fingerprint of a round's answers (assessments.selectors.round_score):
            # count and sum of versions read from the index alone.
            models.Index(fields=["assessment", "version"], name="answer_version_fingerprint"),
            *(
                models.Index(
                    fields=[field],
                    name=f"answer_{name}_set",
                    condition=models.Q(**{f"{field}__isnull": False}),
                )
                for field, name in (
                    ("level", "level"),
                    ("updated_by", "updater"),
                    ("reviewed_by", "reviewer"),
                    ("deviation_decided_by", "deviation"),
                )
            ),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.assessment}: {self.requirement.label}"

    @property
    def is_answered(self) -> bool:
        return self.level_id is not None

    @property
    def deviation_accepted(self) -> bool:
        return self.deviation_status == DeviationStatus.ACCEPTED


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("comment")
    CHANGE_REQUESTED = "change_requested", _("change requested")
    ACCEPTED = "accepted", _("accepted")
    DEVIATION_PROPOSED = "deviation_proposed", _("deviation proposed")
    DEVIATION_WITHDRAWN = "deviation_withdrawn", _("deviation withdrawn")
    DEVIATION_ACCEPTED = "deviation_accepted", _("deviation accepted")
    DEVIATION_REJECTED = "deviation_rejected", _("deviation rejected")


class ReviewCommentQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("Review comments are append-only")

    def delete(self):  # type: ignore[override]
        raise PermissionError("Review comments are append-only")


class ReviewComment(models.Model):
    """The thread of one item between the organisation and the working group: comments, and
    the review and deviation decisions with their reasons. Append-only."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField(max_length=30, choices=CommentKind.choices, default=CommentKind.COMMENT)
    text = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    answer_version = models.PositiveIntegerField(
        default=0, help_text="The answer's version the comment was written against."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewCommentQuerySet.as_manager()

    class Meta:
        ordering = ["answer", "created_at", "id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return f"{self.answer}: {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Review comments are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise PermissionError("Review comments are append-only")
