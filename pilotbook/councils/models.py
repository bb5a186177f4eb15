"""Councils, the people who use Pilotbook, and what each person may do for each council."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser, BaseUserManager
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

UK_NATIONS = ("England", "Northern Ireland", "Scotland", "Wales")  # the nations mySociety's list uses


def nation_values() -> list[str]:
    """Every nation a council can be in: the four UK nations and any other the council list holds."""
    return sorted(set(UK_NATIONS) | set(Council.objects.values_list("nation", flat=True).distinct()))


class Council(models.Model):
    """A UK local authority, keyed on its stable three-letter code (mySociety's `local-authority-code`).

    The GSS code changes when boundaries change, so it is an attribute, not the key.
    """

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    official_name = models.CharField(_("official name"), max_length=200)
    name = models.CharField(_("name"), max_length=200, help_text=_("The short name people use."))
    gss_code = models.CharField(_("GSS code"), max_length=9, blank=True)
    nation = models.CharField(_("nation"), max_length=20, db_index=True)
    region = models.CharField(_("region"), max_length=60, blank=True)
    authority_type = models.CharField(_("type code"), max_length=5)
    authority_type_name = models.CharField(_("type"), max_length=60)
    population = models.PositiveIntegerField(_("population (2020)"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, related_name="predecessors", blank=True, verbose_name=_("replaced by")
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    gov_uk_slug = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("council")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("council-detail", args=[self.code])

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        started = self.start_date is None or self.start_date <= today
        return started and (self.end_date is None or self.end_date > today)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True, is_moderator=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person, signed in by email address. Their councils come through memberships."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_moderator = models.BooleanField(
        _("platform moderator"),
        default=False,
        help_text=_("Moderators keep the shared record accurate across all councils and use the admin site."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        # The admin site is for moderators (pilotbook.web.admin_site); the flag is the single source of truth.
        self.is_staff = self.is_moderator or self.is_superuser
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def council_codes(self) -> frozenset[str]:
        """The codes of the councils this person belongs to, asked of the database once per user object: a request's
        user is read by every access rule, the navigation and the discussion, so a page asks once, not once per rule
        or per pilot listed. For what is shown; a change (can_change, the services) checks the memberships afresh."""
        if self.pk is None:
            return frozenset()
        return self._read_once("_council_codes")

    def unread_notification_count(self) -> int:
        """How many of this person's notifications are unread (the navigation's "Notifications (3)"), asked once per
        user object, in the same query as their councils (a signed-in page needs both)."""
        if self.pk is None:
            return 0
        return self._read_once("_unread_notifications")

    def forget_unread_notifications(self) -> None:
        """Count the unread notifications afresh next time (after marking some read)."""
        self.__dict__.pop("_unread_notifications", None)

    def _read_once(self, name: str):
        """This user object's `name` ("_council_codes" or "_unread_notifications"), read with the other when not
        yet known."""
        if name not in self.__dict__:
            self._read_councils_and_unread()
        return self.__dict__[name]

    def _read_councils_and_unread(self) -> None:
        """This person's councils and unread notification count in one query (issue 19: every signed-in page asked
        for each apart, and built both queries with the ORM). Only this person's rows are read: both parts are
        filtered on their own id. The notifications are found through their relation to the user (the discussion
        app's, which sits above this one), by its name, as the navigation always has."""
        membership = Membership._meta
        notification = self._meta.get_field("notifications")
        read_at = notification.related_model._meta.get_field("read_at").column
        connection = connections[self._state.db or DEFAULT_DB_ALIAS]
        quote = connection.ops.quote_name
        sql = (f"SELECT {quote(membership.get_field('council').column)}, NULL "  # noqa: S608 - names from the models
               f"FROM {quote(membership.db_table)} WHERE {quote(membership.get_field('user').column)} = %s "
               f"UNION ALL SELECT NULL, COUNT(*) FROM {quote(notification.related_model._meta.db_table)} "
               f"WHERE {quote(notification.field.column)} = %s AND {quote(read_at)} IS NULL")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.pk, self.pk])
            rows = cursor.fetchall()
        self.__dict__["_council_codes"] = frozenset(code for code, _count in rows if code is not None)
        self.__dict__["_unread_notifications"] = next(count for code, count in rows if code is None)


# Whoever is asking: a signed-in person or an anonymous visitor (what request.user is). Reads that depend on who
# may see what take one; writes take a User.
Reader: TypeAlias = "User | AnonymousUser"


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    CHAMPION = "champion", _("Collaboration champion")
    ADMIN = "admin", _("Council admin")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OFFICER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "council"], name="one_membership_per_council")]
        ordering = ["council__name"]

    def __str__(self) -> str:
        return f"{self.user} - {self.council} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._forget_user_councils()

    def delete(self, *args, **kwargs):
        self._forget_user_councils()
        return super().delete(*args, **kwargs)

    def _forget_user_councils(self) -> None:
        """The user object this membership holds asks for its councils afresh (User.council_codes)."""
        if Membership.user.is_cached(self):
            self.user.__dict__.pop("_council_codes", None)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """A council admin's invitation for a colleague to join the council on Pilotbook."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OFFICER)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.council}"

    def get_absolute_url(self) -> str:
        return reverse("invitation-accept", args=[self.token])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
