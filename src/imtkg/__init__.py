"""imtkg: a knowledge graph of ITU standardization activities on IMT around WTSA Resolution 38."""

from importlib.metadata import PackageNotFoundError, version

from .baseline import baseline_text, load_baseline, load_waivers, triage
from .errors import ImtkgError, InputError, ResolutionParseError, SourceError
from .ingest import ingest_resolution
from .project import Project
from .reports import render as render_report
from .validation import Finding, Findings, check

try:
    __version__ = version("imtkg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = [
    "Finding",
    "Findings",
    "ImtkgError",
    "InputError",
    "Project",
    "ResolutionParseError",
    "SourceError",
    "__version__",
    "baseline_text",
    "check",
    "ingest_resolution",
    "load_baseline",
    "load_waivers",
    "render_report",
    "triage",
]
