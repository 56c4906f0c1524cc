"""Conveyance and IIT inspections, seals and incidents (issue 8; the pure modules so far)."""
