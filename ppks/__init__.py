"""Penerima manfaat (PPKS): its features arrive with their own issue."""
