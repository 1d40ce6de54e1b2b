"""One family of errors: each names the file, line or item that is wrong and what was expected."""

from __future__ import annotations

from pathlib import Path


class ImtkgError(Exception):
    """Base of every error imtkg raises on bad input; the CLI turns it into a message and exit 2."""

    exit_code = 2


class InputError(ImtkgError):
    """A file or value the user gave cannot be used (missing, unreadable, wrong kind)."""


class SourceError(ImtkgError):
    """A source file is malformed; carries the file and, when known, the line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        self.detail = message
        where = f"{self.path}:{line}" if line is not None else f"{self.path}"
        super().__init__(f"{where}: {message}")


class ResolutionParseError(SourceError):
    """A resolution text does not have the structure of an ITU resolution."""
