"""The email channel: parsing inbound mail (more to come: receiving, threading, sending)."""
