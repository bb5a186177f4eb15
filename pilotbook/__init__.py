"""Pilotbook: register, measure and share council pilots."""

__version__ = "0.1.0"
