"""The agent UI of tickets: the inbox, the ticket page, and their small HTMX endpoints."""
