"""Pilot screens, one module per workflow: browse, register (question pages), detail, lifecycle."""
