"""Inbound and outbound channels, one app per channel."""
