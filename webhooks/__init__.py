"""Inbound webhook receiver and dashboard; outbound notifiers (see the always-on issue)."""
