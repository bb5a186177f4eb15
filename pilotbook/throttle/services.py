"""Throttling sign-in and password-reset emails per account (email address) and per client address (ADR 0008).

Sign-in: after ``attempts`` wrong passwords within ``window`` seconds, for one email address or from one client
address, every sign-in for that account or from that address is refused for ``lockout`` seconds, even with the
right password (the password is not even checked). A successful sign-in clears the account's count, and so does
setting a new password through a reset link. Any email address is counted, whether or not it has an account, so
the lock says nothing about who has one.

Password reset: at most ``attempts`` emails per address and per client address within ``window`` seconds. Past
that, nothing is sent, but the page says the same as always, so it still does not reveal whether an account exists.

Counts live in the "throttle" cache (settings.CACHES), by default Django's DatabaseCache in the app's own database
(its table is made by this app's migration), so every gunicorn process and every server shares them. Each count is
read, then written: a handful of requests arriving at the same instant may each count once between them, so an
attacker gets at most about as many extra guesses as the server runs requests at once, per lockout.

The client address is REMOTE_ADDR, or, when ``PILOTBOOK_TRUSTED_PROXY_COUNT`` says N proxies stand in front of the
app, the Nth address from the right of X-Forwarded-For: the one the outermost trusted proxy saw. Addresses further
left were written by the client and are never trusted. IPv6 addresses are counted per /64, the block one
household or server is usually given.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest

logger = logging.getLogger("pilotbook.throttle")
CACHE = "throttle"
MINUTE = 60
HOUR = 60 * MINUTE


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int  # how many within the window
    window: int  # seconds
    lockout: int = 0  # seconds refused once reached (sign-in); 0: only refused until the window ends (reset emails)


SIGN_IN_PER_ACCOUNT = Limit("sign-in:account", attempts=10, window=15 * MINUTE, lockout=15 * MINUTE)
SIGN_IN_PER_CLIENT = Limit("sign-in:client", attempts=50, window=15 * MINUTE, lockout=15 * MINUTE)
RESET_PER_ACCOUNT = Limit("reset:account", attempts=3, window=HOUR)
RESET_PER_CLIENT = Limit("reset:client", attempts=20, window=HOUR)


def now() -> float:
    """The clock (a function, so tests can move time on)."""
    return time.time()


def _cache() -> BaseCache:
    return caches[CACHE]


def _key(limit: Limit, subject: str, part: str = "count") -> str:
    # Hashed: keys stay short and the cache holds no email addresses.
    digest = hashlib.sha256(subject.encode("utf-8")).hexdigest()[:32]
    return f"throttle:{limit.name}:{part}:{digest}"


def _expiry(until: float, at: float) -> int:
    return max(1, math.ceil(until - at)) + 1


def _count(limit: Limit, subject: str, at: float) -> int:
    """How many times within the current window (0 when the window has passed)."""
    stored: tuple[int, float] | None = _cache().get(_key(limit, subject))
    if not stored or stored[1] <= at:
        return 0
    return stored[0]


def _add(limit: Limit, subject: str, at: float) -> int:
    """Count once more within the window (a new window starts with the first), and return the count."""
    key = _key(limit, subject)
    stored: tuple[int, float] | None = _cache().get(key)
    count, ends = (stored[0] + 1, stored[1]) if stored and stored[1] > at else (1, at + limit.window)
    _cache().set(key, (count, ends), timeout=_expiry(ends, at))
    return count


def _locked_for(limit: Limit, subject: str, at: float) -> float:
    until: float | None = _cache().get(_key(limit, subject, "locked"))
    return max(0.0, until - at) if until else 0.0


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _address(value: str) -> str | None:
    """A counting key for one IP address (IPv6 per /64), or None if it is not an address."""
    value = value.strip()
    candidates = [value]
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        candidates.append(value[1:value.index("]")])
    elif value.count(":") == 1:  # 203.0.113.7:443
        candidates.append(value.split(":")[0])
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address):
            if address.ipv4_mapped:
                return str(address.ipv4_mapped)
            return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
        return str(address)
    return None


def client_address(request: HttpRequest | None) -> str:
    """The address requests are counted against: see the module docstring. Without a request (a form used outside
    a view), every use counts as one unknown address."""
    if request is None:
        return "unknown"
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.PILOTBOOK_TRUSTED_PROXY_COUNT
    if trusted > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Fewer entries than trusted proxies: the proxies are not set up as the setting says, so nothing in the
        # header can be trusted; everyone is then counted as the nearest proxy, which throttles more, not less.
        if len(forwarded) >= trusted:
            found = _address(forwarded[-trusted])
            if found:
                return found
    return _address(remote) or "unknown"


# --- sign-in ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why sign-in is refused and for how many more seconds."""

    per_account: bool
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / MINUTE))


def sign_in_refusal(email: str | None, address: str) -> Refusal | None:
    """Whether sign-in must be refused now, before the password is checked."""
    at = now()
    email = normalise_email(email)
    account = _locked_for(SIGN_IN_PER_ACCOUNT, email, at) if email else 0.0
    client = _locked_for(SIGN_IN_PER_CLIENT, address, at)
    if not account and not client:
        return None
    return Refusal(per_account=account >= client, seconds=math.ceil(max(account, client)))


def _lock_if_reached(limit: Limit, subject: str, at: float) -> None:
    if _add(limit, subject, at) >= limit.attempts:
        until = at + limit.lockout
        _cache().set(_key(limit, subject, "locked"), until, timeout=_expiry(until, at))
        _cache().delete(_key(limit, subject))  # after the lockout, a fresh count
        logger.warning("Sign-in throttled (%s) for %s minutes after %s failures%s", limit.name,
                       limit.lockout // MINUTE, limit.attempts,
                       f" from {subject}" if limit is SIGN_IN_PER_CLIENT else "")


def sign_in_failed(email: str | None, address: str) -> None:
    at = now()
    email = normalise_email(email)
    if email:
        _lock_if_reached(SIGN_IN_PER_ACCOUNT, email, at)
    _lock_if_reached(SIGN_IN_PER_CLIENT, address, at)


def sign_in_succeeded(email: str | None) -> None:
    """Clear the account's wrong-password count (the client address's count stays)."""
    _cache().delete(_key(SIGN_IN_PER_ACCOUNT, normalise_email(email)))


def account_recovered(email: str | None) -> None:
    """A new password was set through a reset link: the account may sign in again at once."""
    email = normalise_email(email)
    _cache().delete_many([_key(SIGN_IN_PER_ACCOUNT, email), _key(SIGN_IN_PER_ACCOUNT, email, "locked")])


# --- password reset --------------------------------------------------------------------------------------------


def reset_email_allowed(email: str | None, address: str) -> bool:
    """Whether to send a reset email now; counts it if so. The caller answers the same either way."""
    at = now()
    email = normalise_email(email)
    if (_count(RESET_PER_ACCOUNT, email, at) >= RESET_PER_ACCOUNT.attempts
            or _count(RESET_PER_CLIENT, address, at) >= RESET_PER_CLIENT.attempts):
        logger.warning("Password reset email not sent: over the hourly limit for the address or for %s", address)
        return False
    _add(RESET_PER_ACCOUNT, email, at)
    _add(RESET_PER_CLIENT, address, at)
    return True
