"""Rapport: a self-hostable omnichannel help desk and contact center."""
