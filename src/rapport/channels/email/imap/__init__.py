"""Fetching mail from IMAP mailboxes: a lease per mailbox, UID tracking, raw storage first.

poller.py runs the rounds (`rapport mailpoll`), lease.py keeps two pollers apart,
importer.py moves one folder's new mail into InboundEmail, session.py opens and
describes connections (shared with the admin's connection test).
"""
