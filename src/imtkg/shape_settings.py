"""The settings of the obligation checks that depend on a date or an age.

Two checks of ``shapes/obligations-*.ttl`` depend on a day and a number of days: that the newest
edition of the ITU-T IMT roadmap is not older than a maximum age (resolves 1), and that a liaison
statement sent for action has a reply within a time limit (resolves 2). Both are SPARQL-based
constraint components whose parameters are ordinary triples of the shapes graph:
``imtkg:maxAgeDays`` and ``imtkg:replyWithinDays`` (the shapes files carry the defaults below),
and ``imtkg:asOf`` (absent from the files: a shape without it checks as of the day it runs).
:func:`apply_settings` writes the values of a :class:`ValidationSettings` into a copy of the
shapes graph, so the configured graph is plain SHACL that any SHACL-SPARQL engine runs unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pyoxigraph import NamedNode, Store
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, XSD

from .errors import InputError
from .graph import new_graph
from .namespaces import IMTKG

__all__ = ["ValidationSettings", "apply_settings", "newest_recorded_date"]

#: The default greatest age of the newest roadmap edition: one year (ITU-T has republished its
#: IMT-2020 roadmap, Y Suppl. 59, about once a year since 2022).
DEFAULT_MAX_ROADMAP_AGE_DAYS = 365
#: The default time for a reply to a liaison statement sent for action: about six months, the
#: usual interval between two meetings of a study group or working party.
DEFAULT_REPLY_WITHIN_DAYS = 180


@dataclass(frozen=True)
class ValidationSettings:
    """The day the checks are made and the ages they allow.

    ``as_of``: the day ages and time limits are counted to; ``None`` means today.
    ``max_roadmap_age_days``: how many days old the newest edition of a roadmap may be.
    ``reply_within_days``: how many days a liaison statement sent for action waits for a reply.

    >>> ValidationSettings(as_of=date(2026, 6, 30)).max_roadmap_age_days
    365
    >>> ValidationSettings(reply_within_days=-1)
    Traceback (most recent call last):
    ...
    imtkg.errors.InputError: reply_within_days must be a whole number of days, 0 or more, not -1
    """

    as_of: date | None = None
    max_roadmap_age_days: int = DEFAULT_MAX_ROADMAP_AGE_DAYS
    reply_within_days: int = DEFAULT_REPLY_WITHIN_DAYS

    def __post_init__(self) -> None:
        for name in ("max_roadmap_age_days", "reply_within_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"{name} must be a whole number of days, 0 or more, not {value!r}")
        if self.as_of is not None and not isinstance(self.as_of, date):
            raise InputError(f"as_of must be a date, not {self.as_of!r}")

    def day(self) -> date:
        """The day the checks are made: ``as_of``, or today."""
        return self.as_of if self.as_of is not None else date.today()


def apply_settings(shapes: Graph, settings: ValidationSettings) -> Graph:
    """A copy of ``shapes`` with the parameters of the dated checks set from ``settings``.

    Every shape that has ``imtkg:maxAgeDays`` gets ``settings.max_roadmap_age_days``, every shape
    that has ``imtkg:replyWithinDays`` gets ``settings.reply_within_days``, and both get
    ``imtkg:asOf`` (``settings.as_of``, or today). ``shapes`` itself is left unchanged.

    >>> from rdflib import URIRef
    >>> shape = URIRef("https://w3id.org/imtkg/shapes#Example")
    >>> shapes = Graph().add((shape, IMTKG.maxAgeDays, Literal(365)))
    >>> configured = apply_settings(shapes, ValidationSettings(date(2026, 6, 30), 90))
    >>> [str(configured.value(shape, p)) for p in (IMTKG.maxAgeDays, IMTKG.asOf)]
    ['90', '2026-06-30']
    """
    configured = new_graph()
    configured += shapes
    as_of = Literal(settings.day().isoformat(), datatype=XSD.date)
    for parameter, days in (
        (IMTKG.maxAgeDays, settings.max_roadmap_age_days),
        (IMTKG.replyWithinDays, settings.reply_within_days),
    ):
        for shape in set(shapes.subjects(parameter, None)):
            configured.set((shape, parameter, Literal(days, datatype=XSD.integer)))
            configured.set((shape, IMTKG.asOf, as_of))
    return configured


#: The properties whose values record when something happened (not when it is planned).
RECORD_DATES = (DCTERMS.issued, DCTERMS.date, DCTERMS.dateSubmitted, IMTKG.approvalDate)


def newest_recorded_date(data: Graph) -> date | None:
    """The latest day on which ``data`` records that something happened, if it records any.

    The days are the ``xsd:date`` values of ``dct:issued``, ``dct:date``, ``dct:dateSubmitted``
    and ``imtkg:approvalDate``; target and end dates, which may lie ahead, do not count, and nor
    do months and years. ``imtkg build`` checks as of this day, so that its report depends only
    on its input.

    >>> from rdflib import URIRef
    >>> g = Graph().add((URIRef("urn:x"), DCTERMS.issued, Literal("2025-11-06", datatype=XSD.date)))
    >>> newest_recorded_date(g)
    datetime.date(2025, 11, 6)
    """
    days = []
    for predicate in RECORD_DATES:
        for value in data.objects(None, predicate):
            if isinstance(value, Literal) and value.datatype == XSD.date:
                parsed = value.toPython()
                if isinstance(parsed, date):
                    days.append(parsed)
    return max(days, default=None)


def newest_recorded_date_in_store(store: Store) -> date | None:
    """:func:`newest_recorded_date` of the default graph of an Oxigraph store (each distinct
    ``xsd:date`` value read once: the catalogue repeats its days)."""
    predicates = " ".join(str(NamedNode(str(p))) for p in RECORD_DATES)
    query = f"""SELECT DISTINCT ?day WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?day
        FILTER(isLiteral(?day) && DATATYPE(?day) = {NamedNode(str(XSD.date))}) }}"""
    days = []
    for solution in store.query(query):
        parsed = Literal(solution["day"].value, datatype=XSD.date).toPython()
        if isinstance(parsed, date):
            days.append(parsed)
    return max(days, default=None)
