"""What an import reports, and the problems that stop it."""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailed(Exception):
    """Problems that stop an import. `whole_file` when the file could not be read at all: then there is one problem,
    and the command prints it as its one line."""

    def __init__(self, errors: list[str], *, whole_file: bool = False):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors
        self.whole_file = whole_file


@dataclass
class ImportReport:
    drafts: list[int] = field(default_factory=list)  # added as drafts
    published: list[int] = field(default_factory=list)  # added as published case studies
    updated: list[int] = field(default_factory=list)  # case studies imported before, changed by this file
    unchanged: list[int] = field(default_factory=list)  # case studies imported before, the same in this file
    ignored: set[str] = field(default_factory=set)
    unpublished: set[str] = field(default_factory=set)  # fields of records not published where they came from

    @property
    def created(self) -> list[int]:
        return self.drafts + self.published


@dataclass(frozen=True)
class _BadRow:
    problem: str
