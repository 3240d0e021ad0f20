"""Outbound mail of the email channel: agent replies and automatic acknowledgements.

Every mail is first an OutboundEmail row, written in the same transaction as the
ticket change that caused it, with its Message-ID fixed there; a job sends it after
commit. A retry composes the same row again, so the customer never gets two
different mails for one reply.
"""
