"""The site's address and the licence of its open data: the facts every page, export, feed and record that
links to the site or names the licence uses, kept here at the bottom so any layer may (ADR 0017)."""

from django.conf import settings

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def base_url() -> str:
    """The site's configured address (PILOTBOOK_SITE_URL), for every link and id in open data: never the Host
    header a request came with, so they are the same however the site was reached."""
    return settings.PILOTBOOK_SITE_URL.rstrip("/")
