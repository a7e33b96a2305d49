"""Outcome documents: versions and their paragraphs, amendments, the silence procedure,
position statements, and the recommendations a conference adopts or hears presented."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from conference.audit import TransitionRecord
from conference.models import Conference

from .enums import (
    AdoptionMethod,
    AmendmentAction,
    AmendmentStatus,
    DocumentKind,
    DocumentStatus,
    ParagraphKind,
    ParagraphStatus,
    PositionKind,
    RecommendationStatus,
    SilenceOutcome,
)


class OutcomeDocument(models.Model):
    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="outcome_documents",
        verbose_name=_("conference"),
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, verbose_name=_("kind"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    slug = models.SlugField(max_length=80, verbose_name=_("slug"))
    symbol = models.CharField(
        max_length=60, blank=True, help_text=_("e.g. A/73/886"), verbose_name=_("symbol")
    )
    status = models.CharField(
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.CONCEPT,
        verbose_name=_("status"),
    )
    adoption_method = models.CharField(
        max_length=20, choices=AdoptionMethod.choices, blank=True, verbose_name=_("adoption method")
    )
    adopted_on = models.DateField(null=True, blank=True, verbose_name=_("adopted on"))
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("votes for"))
    votes_against = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("votes against")
    )
    abstentions = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("abstentions")
    )
    silence_deadline = models.DateTimeField(
        null=True, blank=True, verbose_name=_("silence deadline")
    )
    final_version = models.OneToOneField(
        "DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("final version"),
    )
    public_draft = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The issued version the public site shows while the text is negotiated."),
        verbose_name=_("published draft"),
    )

    class Meta:
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")
        ordering = ["conference", "title"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "slug"], name="document_slug_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=[DocumentStatus.ADOPTED, DocumentStatus.PUBLISHED])
                | (
                    Q(final_version__isnull=False, adopted_on__isnull=False)
                    & ~Q(adoption_method="")
                ),
                name="adopted_document_has_final_version",
                violation_error_message=_(
                    "An adopted document needs its final version, adoption date and method."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One text of an outcome document. Once issued it never changes."""

    document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("document"),
    )
    sequence = models.PositiveSmallIntegerField(
        help_text=_("0 for the zero draft, 1 for Rev.1…"), verbose_name=_("sequence")
    )
    label = models.CharField(max_length=40, verbose_name=_("label"))
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("based on"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    issued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("issued at"))

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "sequence"], name="version_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.title} — {self.label}"

    def save(self, *args, **kwargs):
        self._refuse_if_issued()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_issued()
        return super().delete(*args, **kwargs)

    def _refuse_if_issued(self) -> None:
        # Issuing is the last write a version gets: the stored row decides, not this instance.
        if self.pk and DocumentVersion.objects.filter(pk=self.pk, issued_at__isnull=False).exists():
            raise IssuedVersionError()

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class IssuedVersionError(ValidationError):
    """Raised by any attempt to save or delete an issued version or one of its paragraphs."""

    def __init__(self):
        super().__init__(
            _("An issued version and its paragraphs can no longer change."), code="version_issued"
        )


def _guard_issued(paragraph: "Paragraph") -> None:
    # Both the version it is in and (for an existing row) the one it was stored in count,
    # so a paragraph can neither be written into nor moved out of an issued version.
    issued = DocumentVersion.objects.filter(issued_at__isnull=False)
    if issued.filter(Q(pk=paragraph.version_id) | Q(paragraphs__pk=paragraph.pk or 0)).exists():
        raise IssuedVersionError()


class Paragraph(models.Model):
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.CASCADE,
        related_name="paragraphs",
        verbose_name=_("version"),
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    number = models.CharField(
        max_length=8, blank=True, help_text=_("Assigned automatically."), verbose_name=_("number")
    )
    kind = models.CharField(max_length=12, choices=ParagraphKind.choices, verbose_name=_("kind"))
    text = models.TextField(verbose_name=_("text"))
    is_bracketed = models.BooleanField(
        default=False,
        help_text=_("The whole paragraph is in brackets (no holder recorded)."),
        verbose_name=_("is bracketed"),
    )
    status = models.CharField(
        max_length=16,
        choices=ParagraphStatus.choices,
        default=ParagraphStatus.NOT_DISCUSSED,
        verbose_name=_("negotiation status"),
    )
    ad_referendum_by = models.ManyToManyField(
        "participants.Delegation",
        blank=True,
        related_name="ad_referendum_paragraphs",
        help_text=_("The delegations whose capitals must still confirm the text."),
        verbose_name=_("to be confirmed by"),
    )
    origin = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="descendants",
        help_text=_("The paragraph of the previous version this one was copied from."),
        verbose_name=_("origin"),
    )

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="paragraph_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_bracketed=False) | Q(status=ParagraphStatus.BRACKETED),
                name="bracketed_paragraph_status",
                violation_error_message=_("A paragraph in brackets has the status “bracketed”."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.position}".strip()

    def save(self, *args, **kwargs):
        _guard_issued(self)
        if self.is_bracketed:
            self.status = ParagraphStatus.BRACKETED
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _guard_issued(self)
        return super().delete(*args, **kwargs)


class Amendment(models.Model):
    document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        related_name="amendments",
        verbose_name=_("document"),
    )
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="amendments",
        help_text=_("The version the amendment was tabled against."),
        verbose_name=_("version"),
    )
    target_paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        help_text=_("For an addition: the paragraph the new text follows (empty for the start)."),
        verbose_name=_("target paragraph"),
    )
    action = models.CharField(
        max_length=8, choices=AmendmentAction.choices, verbose_name=_("action")
    )
    kind = models.CharField(
        max_length=12,
        choices=ParagraphKind.choices,
        default=ParagraphKind.OPERATIVE,
        help_text=_("Kind of the paragraph an addition creates."),
        verbose_name=_("kind"),
    )
    proposed_by = models.ManyToManyField(
        "participants.Delegation", related_name="amendments", verbose_name=_("proposed by")
    )
    proposed_text = models.TextField(blank=True, verbose_name=_("proposed text"))
    proposed_text_ru = models.TextField(
        blank=True,
        help_text=_("The Russian text of an addition or replacement."),
        verbose_name=_("proposed text (Russian)"),
    )
    status = models.CharField(
        max_length=12,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.PROPOSED,
        verbose_name=_("status"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    resulting_paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The paragraph of the working revision this amendment changed."),
        verbose_name=_("resulting paragraph"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    submitted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("submitted at"))

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["document", "submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action=AmendmentAction.DELETE) | ~Q(proposed_text=""),
                name="amendment_text_unless_delete",
                violation_error_message=_("Additions and replacements need the proposed text."),
            ),
            models.CheckConstraint(
                condition=Q(action=AmendmentAction.ADD) | Q(target_paragraph__isnull=False),
                name="amendment_target_unless_add",
                violation_error_message=_("Deletions and replacements need a target paragraph."),
            ),
        ]

    def __str__(self) -> str:
        # An addition's target is the paragraph the new text follows, not one it changes.
        if self.action != AmendmentAction.ADD:
            target = f" {self.target_paragraph}"
        elif self.target_paragraph_id:
            target = f" after {self.target_paragraph}"
        else:
            target = " at the start"
        return f"{self.get_action_display()}{target} ({self.get_status_display()})"


class ScreenParagraph(models.Model):
    """The paragraph under negotiation on a session's projector: one at most per session."""

    session = models.OneToOneField(
        "agenda.Session",
        on_delete=models.CASCADE,
        related_name="screen_paragraph",
        verbose_name=_("session"),
    )
    paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("paragraph"),
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("picked by"),
    )
    picked_at = models.DateTimeField(verbose_name=_("picked at"))

    class Meta:
        verbose_name = _("paragraph on the screen")
        verbose_name_plural = _("paragraphs on the screen")

    def __str__(self) -> str:
        return f"{self.paragraph} on {self.session}"


class DocumentEvent(TransitionRecord):
    """Audit trail of an outcome document's transitions."""

    subject_field = "document"
    document = models.ForeignKey(
        OutcomeDocument, on_delete=models.CASCADE, related_name="events", verbose_name=_("document")
    )
    from_status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, blank=True, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, verbose_name=_("to status")
    )
    note = models.TextField(blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("document event")
        verbose_name_plural = _("document events")
        ordering = ["document", "at", "id"]


class SilenceBreak(models.Model):
    document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        related_name="silence_breaks",
        verbose_name=_("document"),
    )
    delegation = models.ForeignKey(
        "participants.Delegation",
        on_delete=models.PROTECT,
        related_name="silence_breaks",
        verbose_name=_("delegation"),
    )
    procedure = models.ForeignKey(
        "SilenceProcedure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="breaks",
        verbose_name=_("silence procedure"),
    )
    text = models.TextField(verbose_name=_("text"))
    broken_at = models.DateTimeField(verbose_name=_("broken at"))
    through_portal = models.BooleanField(
        default=False,
        help_text=_("Broken by the focal point through the link, not recorded by an officer."),
        verbose_name=_("through the portal"),
    )

    class Meta:
        verbose_name = _("break of silence")
        verbose_name_plural = _("breaks of silence")
        ordering = ["document", "broken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "delegation"],
                name="silence_broken_once_per_delegation",
                violation_error_message=_("This delegation has already broken this silence."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegation} broke silence on {self.document}"


class SilenceProcedure(models.Model):
    """One circulation of a version under silence: from its start to its end, once."""

    document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        related_name="silence_procedures",
        verbose_name=_("document"),
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )
    started_at = models.DateTimeField(verbose_name=_("started at"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    deadline = models.DateTimeField(verbose_name=_("deadline"))
    outcome = models.CharField(
        max_length=12,
        choices=SilenceOutcome.choices,
        default=SilenceOutcome.RUNNING,
        verbose_name=_("outcome"),
    )
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))

    class Meta:
        verbose_name = _("silence procedure")
        verbose_name_plural = _("silence procedures")
        ordering = ["document", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(outcome=SilenceOutcome.RUNNING),
                name="one_running_silence_per_document",
            ),
            models.CheckConstraint(
                condition=Q(outcome=SilenceOutcome.RUNNING, ended_at__isnull=True)
                | (~Q(outcome=SilenceOutcome.RUNNING) & Q(ended_at__isnull=False)),
                name="silence_ended_when_not_running",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("started_at")),
                name="silence_deadline_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document}: {self.get_outcome_display()}"


class Bracket(models.Model):
    """Words of a paragraph not yet agreed, held by one or more delegations.

    The span is a pair of character offsets into the paragraph's English text (and, where the
    Russian text has the same words bracketed, into the Russian one), so the paragraph stays
    one plain text for search, comparison and amendments; see ``services.bracket_add``.
    """

    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.CASCADE, related_name="brackets", verbose_name=_("paragraph")
    )
    start = models.PositiveIntegerField(verbose_name=_("start (English)"))
    end = models.PositiveIntegerField(verbose_name=_("end (English)"))
    start_ru = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("start (Russian)"))
    end_ru = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("end (Russian)"))
    holders = models.ManyToManyField(
        "participants.Delegation",
        related_name="held_brackets",
        verbose_name=_("held by"),
    )
    origin = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("origin"),
    )

    class Meta:
        verbose_name = _("bracket")
        verbose_name_plural = _("brackets")
        ordering = ["paragraph", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")),
                name="bracket_not_empty",
                violation_error_message=_("A bracket encloses at least one character."),
            ),
            models.CheckConstraint(
                condition=Q(start_ru__isnull=True, end_ru__isnull=True)
                | Q(start_ru__lt=F("end_ru")),
                name="bracket_ru_not_empty",
                violation_error_message=_("The Russian span needs a start before its end."),
            ),
            models.UniqueConstraint(fields=["paragraph", "start"], name="bracket_start_unique"),
        ]

    def __str__(self) -> str:
        return f"[{self.words()}]"

    def words(self, language: str = "en") -> str:
        if language == "ru" and self.start_ru is not None:
            return (self.paragraph.text_ru or "")[self.start_ru : self.end_ru]
        return (self.paragraph.text_en or "")[self.start : self.end]

    def clean(self) -> None:
        if self.paragraph_id is None:
            return
        errors = []
        text_en = self.paragraph.text_en or ""
        if self.end is not None and self.end > len(text_en):
            errors.append(_("The bracket ends after the English text."))
        if self.end_ru is not None and self.end_ru > len(self.paragraph.text_ru or ""):
            errors.append(_("The bracket ends after the Russian text."))
        others = Bracket.objects.filter(paragraph_id=self.paragraph_id).exclude(pk=self.pk)
        if (
            self.start is not None
            and self.end is not None
            and others.filter(start__lt=self.end, end__gt=self.start).exists()
        ):
            errors.append(_("Brackets of one paragraph may not overlap."))
        if (
            self.start_ru is not None
            and others.filter(start_ru__lt=self.end_ru, end_ru__gt=self.start_ru).exists()
        ):
            errors.append(_("Brackets of one paragraph may not overlap."))
        if errors:
            raise ValidationError(errors, code="bracket_span")


class BracketOption(models.Model):
    """An alternative to a bracket's words: “[Option 1: …] [Option 2: …]”.

    The bracketed words themselves are option 1; each row is a further option. It belongs to
    a bracket (the foreign key is required), so there is no option outside a bracket.
    """

    bracket = models.ForeignKey(
        Bracket, on_delete=models.CASCADE, related_name="options", verbose_name=_("bracket")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    text = models.TextField(verbose_name=_("text"))

    class Meta:
        verbose_name = _("bracket option")
        verbose_name_plural = _("bracket options")
        ordering = ["bracket", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["bracket", "position"], name="bracket_option_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class PositionStatement(models.Model):
    document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        related_name="position_statements",
        verbose_name=_("document"),
    )
    kind = models.CharField(max_length=16, choices=PositionKind.choices, verbose_name=_("kind"))
    delegations = models.ManyToManyField(
        "participants.Delegation",
        related_name="position_statements",
        verbose_name=_("delegations"),
    )
    text = models.TextField(verbose_name=_("text"))
    made_on = models.DateField(null=True, blank=True, verbose_name=_("made on"))

    class Meta:
        verbose_name = _("position statement")
        verbose_name_plural = _("position statements")
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.document}"


@receiver(m2m_changed, sender=Amendment.proposed_by.through)
@receiver(m2m_changed, sender=Bracket.holders.through)
@receiver(m2m_changed, sender=Paragraph.ad_referendum_by.through)
@receiver(m2m_changed, sender=PositionStatement.delegations.through)
def refuse_delegations_of_other_conferences(sender, instance, action, reverse, model, pk_set, **kw):
    """Sponsors, holders and confirmers are delegations to the document's conference, whoever
    adds them.

    Many-to-many rows skip ``clean()``, so the check sits on the relation itself.
    """
    if action != "pre_add" or not pk_set:
        return
    added = model.objects.filter(pk__in=pk_set)
    if reverse:  # delegation.amendments.add(…): the documents must be of its conference
        path = _CONFERENCE_PATHS[model]
        elsewhere = added.exclude(**{path: instance.conference_id}).exists()
        foreign = [instance] if elsewhere else []
    else:
        conference_id = (
            type(instance)
            .objects.filter(pk=instance.pk)
            .values_list(_CONFERENCE_PATHS[type(instance)], flat=True)[0]
        )
        foreign = list(added.exclude(conference=conference_id))
    if foreign:
        raise ValidationError(
            _("Not delegations to this conference: %(names)s."),
            code="foreign_delegation",
            params={"names": ", ".join(str(d) for d in foreign)},
        )


_CONFERENCE_PATHS = {
    Amendment: "document__conference",
    PositionStatement: "document__conference",
    Bracket: "paragraph__version__document__conference",
    Paragraph: "version__document__conference",
}


class Recommendation(models.Model):
    code = models.CharField(max_length=20, verbose_name=_("code"))
    text = models.TextField(verbose_name=_("text"))
    theme = models.CharField(max_length=120, verbose_name=_("theme"))
    addressee = models.CharField(max_length=200, blank=True, verbose_name=_("addressee"))
    source_conference = models.ForeignKey(
        Conference,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("source conference"),
    )
    presented_at = models.ManyToManyField(
        Conference,
        blank=True,
        related_name="presented_recommendations",
        verbose_name=_("presented at"),
    )
    consolidated_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consolidated_from",
        verbose_name=_("consolidated into"),
    )
    status = models.CharField(
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.PROPOSED,
        verbose_name=_("status"),
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["source_conference", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_conference", "code"], name="recommendation_code_unique"
            ),
            models.CheckConstraint(
                condition=~Q(consolidated_into=F("pk")),
                name="recommendation_not_consolidated_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.theme}"
