"""Writes for councils and people: loading the reference list, invitations and memberships."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Council, Invitation, Membership, Reader, Role, User

COUNCILS_CSV = Path(__file__).parent / "data" / "uk_local_authorities.csv"


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _float(text: str) -> float | None:
    return float(text) if text else None


@transaction.atomic
def councils_load(path: Path = COUNCILS_CSV) -> int:
    """Create or update every authority in mySociety's list; returns how many rows were loaded."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        population = _float(row["pop-2020"])
        Council.objects.update_or_create(
            code=row["local-authority-code"],
            defaults={
                "official_name": row["official-name"],
                "name": row["nice-name"] or row["official-name"],
                "gss_code": row["gss-code"],
                "nation": row["nation"],
                "region": row["region"],
                "authority_type": row["local-authority-type"],
                "authority_type_name": row["local-authority-type-name"],
                "population": int(population) if population is not None else None,
                "start_date": _date(row["start-date"]),
                "end_date": _date(row["end-date"]),
                "latitude": _float(row["lat"]),
                "longitude": _float(row["long"]),
                "gov_uk_slug": row["gov-uk-slug"],
            },
        )
    for row in rows:
        successors = [code.strip() for code in row["replaced-by"].split(",") if code.strip()]
        # set() takes primary keys, and a council's is its code: the stubs allow only int keys.
        Council.objects.get(pk=row["local-authority-code"]).successors.set(successors)  # type: ignore[arg-type]
    return len(rows)


def is_council_admin(user: Reader, council: Council) -> bool:
    return user.is_authenticated and user.memberships.filter(council=council, role=Role.ADMIN).exists()


@transaction.atomic
def invitation_create(*, council: Council, invited_by: User, email: str, role: str) -> Invitation:
    if not is_council_admin(invited_by, council):
        raise ValidationError(_("Only a council admin can invite colleagues."))
    email = email.strip().lower()
    if Membership.objects.filter(council=council, user__email=email).exists():
        raise ValidationError(_("%(email)s is already a member of %(council)s.") % {"email": email, "council": council})
    invitation = Invitation.objects.create(council=council, email=email, role=role, invited_by=invited_by)
    link = settings.PILOTBOOK_SITE_URL.rstrip("/") + invitation.get_absolute_url()
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=_("You are invited to join %(council)s on Pilotbook") % {"council": council},
        message=render_to_string("councils/email/invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User | None = None, full_name: str = "",
                      password: str = "") -> User:
    """Join the council: with the signed-in account of that email, or by creating the account."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or has already been used. Ask for a new one."))
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account with this email address exists. Sign in to accept."))
        user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation is for %(email)s. Sign in with that address to accept it.")
                              % {"email": invitation.email})
    Membership.objects.get_or_create(user=user, council=invitation.council, defaults={"role": invitation.role})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
