"""The WSGI application that `pilotbook serve` (gunicorn) loads in each worker process.

Once it is loaded, what the process keeps for its whole life (Django's modules and URL patterns, the apps, the search
thesaurus: some 170,000 objects) is set aside from the garbage collector (gc.freeze). Otherwise every full
collection walks all of them again, and the request during which Python happens to start one waits for it: about
0.1 to 0.4 s once every few dozen pages, the slowest of the cold evidence pages (bench/search.py) in issue 19.
Objects made later (each request's, and caches filled as pages are asked for) are collected as before.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")
application = get_wsgi_application()


def _set_aside_what_lasts() -> None:
    from pilotbook.evidence import ranking

    ranking.default_thesaurus()  # loaded by the first search otherwise; it lasts as long as the process
    gc.collect()  # what is garbage already is freed, not kept for ever
    gc.freeze()


_set_aside_what_lasts()
