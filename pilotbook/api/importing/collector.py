"""Python's cycle collector paused while a file is read and imported (docs/adr/0018)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The records' millions of objects live until the import ends, and the collector would walk them again and
    again (a third of the time checking 100,000 records). Reference counting frees everything else as usual; the
    collector runs again afterwards (if it ran before: a caller that paused it keeps it paused)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
