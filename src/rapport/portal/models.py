"""One-time sign-in links for customers (passwordless portal access)."""

from django.db import models


class PortalLink(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey("contacts.Customer", on_delete=models.CASCADE)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link for {self.customer_id}"
