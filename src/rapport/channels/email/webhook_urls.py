"""Inbound mail webhooks, mounted under /webhooks/email/ (CSRF-exempt: Anymail's views).

Each provider is given the URL with the basic-auth secret in it, e.g.
https://user:password@help.example.com/webhooks/email/postmark/inbound/
"""

from django.urls import path, re_path

from rapport.channels.email.webhooks import (
    AmazonSESInboundView,
    MailgunInboundView,
    PostmarkInboundView,
    SendGridInboundView,
)

app_name = "email_webhooks"
urlpatterns = [
    # Mailgun posts the raw MIME ("body-mime") only when the URL contains "mime":
    # configure the route to forward to …/mailgun/inbound_mime/.
    re_path(r"^mailgun/inbound(?:_mime)?/$", MailgunInboundView.as_view(), name="mailgun"),
    path("postmark/inbound/", PostmarkInboundView.as_view(), name="postmark"),
    path("sendgrid/inbound/", SendGridInboundView.as_view(), name="sendgrid"),
    path("amazon_ses/inbound/", AmazonSESInboundView.as_view(), name="amazon_ses"),
]
