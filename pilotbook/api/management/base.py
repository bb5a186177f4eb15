"""The analysts' commands (`pilotbook import`, `search`, `similar`): a mistake is one line, exit 2
(pilotbook.cli.commands.PilotbookCommand); whose view of the evidence they show."""

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import CommandError

from pilotbook.cli.commands import PilotbookCommand
from pilotbook.councils.models import User

AnalystCommand = PilotbookCommand


def add_user_argument(parser) -> None:
    parser.add_argument("--user", metavar="EMAIL",
                        help="show what this person may see on the evidence pages (a council member also sees "
                             "results shared with councils only, and their own council's name where it is withheld; "
                             "a moderator sees every name); without it, what the public sees")


def viewer(email: str | None):
    """The person whose view a command shows: an account by email, or the public."""
    if not email:
        return AnonymousUser()
    person = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if person is None:
        raise CommandError(f"No active person with the email {email!r}.", returncode=2)
    return person
