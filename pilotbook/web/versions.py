"""The data version: one value that changes whenever anything a cached page could show has changed (ADR 0020).

Pages cache what is the same for everyone in one audience (pilotbook.web.pagecache) under the current data
version, so a change is seen by the next request in every process, on every server: nothing is ever invalidated
by hand, an entry of an older version is simply never asked for again.

- Every save, delete and many-to-many change of any model bumps it (signals), except the models listed in
  IGNORED, which no cached page shows (sessions, the job queue, sent emails, notifications, uploads waiting to be
  analysed). Saving only a user's last sign-in time does not bump it either.
- A change only members of one council can see (a draft pilot: status never goes back to draft, so a draft saved
  was a draft before) is recorded as private (``register_private``): what is cached for people who are signed out
  is kept under the public version, which such a change leaves alone, so registering drafts all day does not make
  every public page be built again.
- A bulk write that sends no signal (COPY and bulk_create in `pilotbook import`, rebuilding the search index) calls
  ``bump()`` itself.
- A bump is a new row in web_datachange with a random token; the version is the newest row's token. The row is
  written twice: at once, in the writer's transaction (so the writer, and a test, read its own change through the
  cache), and again just after the transaction commits. The second is what makes it safe: another transaction that
  committed in between cannot leave a page computed without this one's change stored under the newest version.
  Inserting rows takes no lock another writer waits for; old rows are pruned.
- Time: a result becomes visible when its embargo passes, without any write. Apps register what time changes
  (``register_clock``: a function giving the next moment the data changes by itself, say when the next embargo
  ends, or None); its value is part of the version, so the version changes the moment that passes. Until then, and
  while no change is recorded, the answer cannot change, so each process asks a clock again only when the newest
  change's token is new or its moment has passed: a request reads the version in one query (issue 19).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

IGNORED = frozenset({
    "sessions.session", "admin.logentry", "web.datachange",
    "jobs.periodicrun", "jobs.workerheartbeat", "jobs.sentemail", "django_tasks_database.dbtaskresult",
    "discussion.notification", "pilots.pendingupload", "evidence.keptcounts",
})
KEEP_ROWS = 1000  # rows kept when pruning; only the newest is read


Clock = Callable[[], "dt.datetime | None"]
_clocks: list[Clock] = []


def register_clock(clock: Clock) -> None:
    """Make clock() part of the version: for data that changes with time. clock() is the next moment the data changes
    by itself (one indexed query at most), or None; given the same data, it must give the same moment until then."""
    if clock not in _clocks:
        _clocks.append(clock)


_private: dict[str, object] = {}


def register_private(model, is_private) -> None:
    """A change to an instance of `model` for which is_private(instance) is true cannot change what people who are
    signed out see: it leaves the public version alone."""
    _private[model._meta.label_lower] = is_private


def current(public: bool = False) -> str:
    """The data version now: the newest change's token ("0" before any change) and every clock's value. With
    `public`, only changes that can matter to people who are signed out (for what is cached for them alone)."""
    return both()[public]


def both() -> dict[bool, str]:
    """{False: the version, True: the public version}, read in one query (the newest change and the newest public
    change; both on an index) and the clocks, asked only when the data changed or their moment passed."""
    from .models import DataChange

    table = connection.ops.quote_name(DataChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT token FROM {table} ORDER BY id DESC LIMIT 1), "  # noqa: S608 - our table
                       f"(SELECT token FROM {table} WHERE public ORDER BY id DESC LIMIT 1)")
        newest, newest_public = cursor.fetchone()
    times = ":".join(_clock_values(newest))
    return {False: f"all:{newest or '0'}:{times}", True: f"public:{newest_public or '0'}:{times}"}


# (the newest change's token, when the clocks were asked, their values, the soonest of their moments): the clocks'
# answer stays right while that token is the newest and the soonest moment has not come. One tuple, replaced whole,
# so gunicorn's threads read a consistent one. A token from inside a transaction that is later rolled back is never
# the newest for anyone else; one that commits is followed by a fresh token once it has (bump's second row).
_clock_memo: tuple[str, dt.datetime, list[str], dt.datetime | None] | None = None


def _clock_values(token: str | None) -> list[str]:
    global _clock_memo
    now = timezone.now()
    memo = _clock_memo
    if token is not None and memo is not None and memo[0] == token and memo[1] <= now and (
            memo[3] is None or now < memo[3]):
        return memo[2]
    moments = [clock() for clock in _clocks]
    values = [moment.isoformat() if moment else "" for moment in moments]
    if token is not None:  # before any change is recorded there is no token to know a change by
        _clock_memo = (token, now, values, min((m for m in moments if m), default=None))
    return values


def bump(public: bool = True) -> None:
    """Record a change: now, in the current transaction, and again once it commits."""
    _record(public)
    if not connection.in_atomic_block:
        return
    pending = [func for _ids, func, _robust in connection.run_on_commit if isinstance(func, _AfterCommit)]
    if not pending:
        transaction.on_commit(_AfterCommit(public))
    elif public:
        pending[0].public = True


def _record(public: bool) -> None:
    from .models import DataChange

    pk = DataChange.objects.create(token=secrets.token_hex(8), public=public).pk
    if pk % 100 == 0:
        DataChange.objects.filter(pk__lt=pk - KEEP_ROWS).delete()


class _AfterCommit:
    def __init__(self, public: bool):
        self.public = public

    def __call__(self) -> None:
        _record(self.public)


def _public(sender, instance) -> bool:
    is_private = _private.get(sender._meta.label_lower)
    return not (is_private and is_private(instance))


def _shown(sender) -> bool:
    # Historical models (data migrations) belong to the migration's own app registry: no version then, since the
    # web_datachange table may not exist yet, and nothing is served while migrating.
    return sender._meta.apps is global_apps and sender._meta.label_lower not in IGNORED


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not _shown(sender):
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump(_public(sender, instance))


def _deleted(sender, instance, **kwargs):
    if _shown(sender):
        bump(_public(sender, instance))


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and _shown(sender):
        bump()


def connect() -> None:
    """Called once from WebConfig.ready(): the receivers listen to each model a page may show, by name, so the
    ignored models keep Django's fast delete (one DELETE statement, no row loaded; a receiver for every model would
    turn off fast delete everywhere)."""
    for model in global_apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in IGNORED:
            continue
        post_save.connect(_saved, sender=model, dispatch_uid=f"pilotbook-data-version-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"pilotbook-data-version-delete-{label}")
        m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=f"pilotbook-data-version-m2m-{label}")
