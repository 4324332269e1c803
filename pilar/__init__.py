"""Pilar sosial: its features arrive with their own issue."""
