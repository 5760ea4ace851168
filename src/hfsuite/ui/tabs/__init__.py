"""Tabs of the desktop app."""
