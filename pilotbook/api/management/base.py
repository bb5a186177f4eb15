"""The base of the analysts' commands (`pilotbook import`, `search`, `similar`): a mistake is one line, exit 2."""

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from pilotbook.councils.models import User


class AnalystCommand(BaseCommand):
    """Argument mistakes ("--limit abc") print one line naming the mistake, not argparse's usage block."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message):
            if not parser.called_from_command_line:  # call_command: raise, as Django's own parser does
                raise CommandError(f"Error: {message}", returncode=2)
            parser.exit(2, f"{parser.prog}: {message} ({parser.prog} --help lists the options)\n")

        parser.error = error
        return parser


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
