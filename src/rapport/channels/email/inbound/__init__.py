"""Inbound mail: store the raw bytes durably, then process them in a job."""
