"""Sign-in and password-reset throttling (pilotbook.throttle.services, ADR 0008)."""
