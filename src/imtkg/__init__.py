"""imtkg: a knowledge graph of ITU standardization activities on IMT around WTSA Resolution 38."""

from importlib.metadata import PackageNotFoundError, version

from .errors import ImtkgError, InputError, ResolutionParseError, SourceError
from .ingest import ingest_resolution
from .project import Project

try:
    __version__ = version("imtkg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = [
    "ImtkgError",
    "InputError",
    "Project",
    "ResolutionParseError",
    "SourceError",
    "__version__",
    "ingest_resolution",
]
