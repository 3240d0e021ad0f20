"""The search index: one row per searchable thing, with the columns results are scoped by.

Scope columns are plain integers, not foreign keys: the index never blocks or cascades
into the data it describes, and it is rebuilt from that data by `rapport reindex`. The
terms themselves live in a backend structure next to this table (an FTS5 table on
SQLite, a `tsvector` column with a GIN index on PostgreSQL; see `backends/`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TICKET = "ticket", _("Tickets")
    MESSAGE = "message", _("Messages")
    CUSTOMER = "customer", _("Customers")
    ARTICLE = "article", _("Articles")


class SearchDocument(models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    ticket_id = models.BigIntegerField(null=True, blank=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    assignee_id = models.BigIntegerField(null=True, blank=True)
    requester_id = models.BigIntegerField(null=True, blank=True)
    company_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, blank=True)
    is_public = models.BooleanField(default=True)
    locale = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_unique"),
        ]
        indexes = [
            models.Index(fields=["ticket_id"], name="search_doc_ticket"),
            models.Index(fields=["requester_id"], name="search_doc_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchLog(models.Model):
    """A search someone ran: what nobody found tells the team what to write next."""

    class Source(models.TextChoices):
        AGENT = "agent", _("Agents")
        HELP_CENTER = "helpcenter", _("Help center")
        PORTAL = "portal", _("Contact form")
        WIDGET = "widget", _("Chat widget")

    source = models.CharField(max_length=12, choices=Source.choices)
    query = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, db_index=True)
    locale = models.CharField(max_length=16, blank=True)
    results = models.PositiveIntegerField()
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.query


class Deflection(models.Model):
    """A suggested article a customer opened, and whether it answered them.

    Suggested in the contact form or the chat widget before the customer sends; it
    counts as a deflection when the customer says it helped (and then sends nothing).
    """

    class Source(models.TextChoices):
        PORTAL = "portal", _("Contact form")
        WIDGET = "widget", _("Chat widget")

    source = models.CharField(max_length=8, choices=Source.choices)
    translation_id = models.BigIntegerField()
    query = models.CharField(max_length=200, blank=True)
    # The help center's voter key of the browser: its "Yes, this helped" vote on the
    # article marks the deflection as helped.
    voter_key = models.CharField(max_length=64, blank=True, db_index=True)
    helped = models.BooleanField(null=True)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.source} article {self.translation_id}"
