"""The one way of requiring sign-in, and the one test of who is a platform moderator.

- `require_sign_in(request)` raises `SignInRequired` for a visitor who is not signed in; `AccessMiddleware` turns
  it into the sign-in page, coming back to the page asked for afterwards. Every app's `access.py` calls it before
  fetching what a person asks for, so a view never decides this inline.
- `@sign_in_required` is the same for a whole function view. Pilotbook's own views are functions; a class-based
  view would take the same function with `method_decorator(sign_in_required, name="dispatch")`.
- `is_moderator(user)` is true only for a signed-in platform moderator (an anonymous visitor has no such field).
- `require_moderator(request, message)`: sign-in first, then 403 with `message` for anyone else.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class SignInRequired(Exception):
    """Raised when a visitor who is not signed in asks for a page that needs it; handled by AccessMiddleware."""


def is_moderator(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_moderator", False))


def require_sign_in(request) -> None:
    if not request.user.is_authenticated:
        raise SignInRequired


def require_moderator(request, message: str) -> None:
    require_sign_in(request)
    if not is_moderator(request.user):
        raise PermissionDenied(message)


def sign_in_required(view):
    """A function view that sends a visitor who is not signed in to sign in first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_sign_in(request)
        return view(request, *args, **kwargs)

    return wrapped


class AccessMiddleware:
    """Turns SignInRequired into the sign-in page, coming back here afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SignInRequired):
            return redirect_to_login(request.get_full_path())
        return None
