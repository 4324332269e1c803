"""Lembaga Kesejahteraan Sosial (LKS): its features arrive with their own issue."""
