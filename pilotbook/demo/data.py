"""Fictional outcome data for demo pilots that are analysed in Pilotbook, as a council would upload it.

Seeded, so every `load_demo` gives the same rows and the same result.
"""

from __future__ import annotations

import numpy as np


def arrears_contact() -> tuple[bytes, dict]:
    """Days from the first arrears letter until the tenant made contact, watched for 90 days (time-to-event)."""
    rng = np.random.default_rng(2025)
    lines = ["tenancy_group,days_to_contact,made_contact"]
    for i in range(588):
        new = i % 2 == 1
        days = rng.exponential(30 if new else 62)
        lines.append(f"{'new letter' if new else 'old letter'},{min(days, 90):.0f},{1 if days < 90 else 0}")
    mapping = {"arm": "tenancy_group", "time": "days_to_contact", "event": "made_contact", "control": "old letter"}
    return ("\n".join(lines) + "\n").encode(), mapping


GENERATORS = {"arrears_contact": arrears_contact}
