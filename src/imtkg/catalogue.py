"""Import the ITU catalogue from Relaton YAML records (relaton-data-itu) into RDF.

One record is one edition (or, for ITU-R resolutions, one revision). docs/catalogue.md documents
the mapping, the identifier forms, and the rules that derive the IMT generation of a record.
"""

from __future__ import annotations

import datetime as dt
import re
import tarfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from .errors import InputError
from .graph import new_graph
from .namespaces import ID, IMTKG, VOCAB, slug
from .text import collapse, normalize_characters

try:  # the C loader is ten times faster; PyYAML wheels ship it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

RELATON_REPOSITORY = "https://github.com/relaton/relaton-data-itu/blob"

_STATUS = {"Published": "in-force", "Withdrawal": "withdrawn"}
_DOCTYPE_CLASS = {
    "recommendation": IMTKG.Recommendation,
    "recommendation-amendment": IMTKG.Recommendation,
    "recommendation-corrigendum": IMTKG.Recommendation,
    "recommendation-annex": IMTKG.Recommendation,
    "recommendation-supplement": IMTKG.Supplement,
    "technical-report": IMTKG.Report,
    "question": IMTKG.Question,
    "handbook": IMTKG.Handbook,
}
_KIND_CLASS = {
    "amd": IMTKG.Amendment,
    "add": IMTKG.Amendment,
    "cor": IMTKG.Corrigendum,
    "tcor": IMTKG.Corrigendum,
    "err": IMTKG.Corrigendum,
}
_KIND_LINK = {IMTKG.Amendment: IMTKG.amends, IMTKG.Corrigendum: IMTKG.corrects}

_T_EDITION_RE = re.compile(r"^ITU-T (?P<core>.+?) \((?P<mm>\d{1,2})/(?P<yyyy>\d{4})\)$")
_CHANGE_KINDS = {"Amd.": "amd", "Add.": "add", "Cor.": "cor", "Technical Cor.": "tcor", "Err.": "err"}
_T_CHANGE_RE = re.compile(
    r"^(?P<work>.+?) \((?P<base>\d{4})\) (?P<chain>(?:Amd\.|Add\.|Cor\.|Technical Cor\.|Err\.).*)$"
)
_CHANGE_PART_RE = re.compile(r"(Amd\.|Add\.|Cor\.|Technical Cor\.|Err\.)\s*(\d+)")
_T_VERSION_RE = re.compile(r" \(V\d+\)(?= |$)| v\.\d+(?= |$)")
_T_SUPPL_RE = re.compile(r"^(?P<series>[A-Z]{1,3}) Suppl\. (?P<n>\d+(?:\.\d+)?)$")
_DUAL_SYMBOL_RE = re.compile(r"[A-Z]+\.\d[\w.]*(/[A-Z]+\.\d[\w.]*)+")
_R_SYMBOL_RE = re.compile(
    r"^(?:Report )?ITU-R (?P<series>[A-Z]{1,3})\.(?P<num>\d+(?:\.\d+)?)(?:-(?P<ver>\d+))?$"
)
_R_QUESTION_RE = re.compile(r"^ITU-R (?P<num>\d+[A-Z]?)(?:-(?P<rev>\d+))?/(?P<sg>\d+[A-Z]?):?$")
_R_OTHER_RE = re.compile(r"^(?:Report )?ITU-R (?P<core>.+?):?$")
_GROUP_RE = re.compile(r"^ITU-T Study Group (?P<n>\d+)$")

#: The IMT-generation rules, in order: (rule slug, field, generation slug, pattern).
IMT_RULES: tuple[tuple[str, str, str, re.Pattern[str]], ...] = tuple(
    (f"{field_}-{gen}", field_, gen, re.compile(pattern, re.IGNORECASE))
    for field_ in ("title", "abstract")
    for gen, pattern in (
        ("imt-2030", r"\bIMT[- ]?2030\b|\bIMT for 2030 and beyond\b"),
        ("imt-2020", r"\bIMT[- ]?2020\b|\bInternational Mobile Telecommunications?[- ]2020\b"),
        ("imt-advanced", r"\bIMT[- ]Advanced\b|\bInternational Mobile Telecommunications[- ]Advanced\b"),
        (
            "imt-2000",
            r"\bIMT[- ]?2000\b|\bInternational Mobile Telecommunications?[- ]2000\b|\bFPLMTS\b"
            r"|\bfuture public land mobile telecommunication systems\b",
        ),
    )
)
_GENERIC_IMT_RE = re.compile(r"\bIMT\b|\bInternational Mobile Telecommunications?\b", re.IGNORECASE)


@dataclass(frozen=True)
class RecordError:
    """A record that was not imported: its file (member) name and what is wrong."""

    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


@dataclass
class CatalogueImport:
    """The catalogue as RDF, with the counts the CLI reports."""

    graph: Graph
    records: int = 0
    editions: int = 0
    imt_editions: int = 0
    skipped: list[RecordError] = field(default_factory=list)


@dataclass(frozen=True)
class _Edition:
    """What the identifier of a record says: the work, the edition, and its kind."""

    work: URIRef
    edition: URIRef
    work_class: URIRef
    sector: str
    work_identifier: str
    series: str | None = None
    number: str | None = None
    # An amendment or corrigendum: its kind, the year of its base edition, and what it changes
    # when that is not the base edition (an erratum of an amendment).
    change: tuple[str, str, URIRef | None] | None = None


def _is_record(member: tarfile.TarInfo) -> bool:
    return member.isfile() and member.name.endswith(".yaml") and "/data/" in f"/{member.name}"


def _record_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.rglob("*.yaml") if p.parent.name == "data")
    return files or sorted(folder.glob("*.yaml"))


def _open_archive(path: Path) -> tarfile.TarFile:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    try:
        return tarfile.open(path, "r:*")
    except tarfile.TarError as exc:
        raise InputError(f"{path}: not a folder or a readable tar archive ({exc})") from None


def iter_records(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every Relaton record in a folder, a clone or a tarball, sorted by name."""
    path = Path(path)
    if path.is_dir():
        files = _record_files(path)
        if not files:
            raise InputError(f"{path}: no Relaton records (data/*.yaml) found")
        for file in files:
            yield file.name, file.read_bytes()
        return
    with _open_archive(path) as archive:
        # Read in archive order (a gzip stream cannot seek back cheaply), then sort by name.
        records = []
        for member in archive:
            handle = archive.extractfile(member) if _is_record(member) else None
            if handle is not None:
                records.append((Path(member.name).name, handle.read()))
    if not records:
        raise InputError(f"{path}: no Relaton records (data/*.yaml) in the archive")
    yield from sorted(records)


def count_records(path: Path) -> int:
    """How many records :func:`iter_records` will yield (for a progress bar)."""
    path = Path(path)
    if path.is_dir():
        return len(_record_files(path))
    with _open_archive(path) as archive:
        return sum(1 for member in archive if _is_record(member))


def _text(value) -> str | None:
    """The English content of a Relaton title/abstract (a dict or a list of dicts)."""
    items = value if isinstance(value, list) else [value] if value else []
    for item in items:
        if isinstance(item, dict) and item.get("content") and item.get("language", "en") == "en":
            return collapse(normalize_characters(str(item["content"])))
    return None


def _date(value) -> Literal | None:
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        dt.date.fromisoformat(text)  # raises ValueError on 2019-13-01
        return Literal(text, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return Literal(text, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    raise ValueError(f"bad date {text!r}")


def parse_identifier(identifier: str, doctype: str, published: Literal) -> _Edition:
    """The work and edition IRIs of a catalogue identifier (docs/catalogue.md lists the forms)."""
    if identifier.startswith("ITU-T "):
        return _itu_t(identifier, doctype)
    if "ITU-R " in identifier:
        return _itu_r(identifier, doctype, published)
    raise ValueError(f"identifier {identifier!r} is neither ITU-T nor ITU-R")


def _itu_t(identifier: str, doctype: str) -> _Edition:
    match = _T_EDITION_RE.match(identifier)
    if not match:
        raise ValueError(f"ITU-T identifier {identifier!r} has no '(MM/YYYY)' edition date")
    # "H.245 (V15)", "Q.3941.1 v.1": a version designation names the edition, not the work.
    core = _T_VERSION_RE.sub("", match["core"])
    month = f"{match['yyyy']}-{int(match['mm']):02d}"
    change = _T_CHANGE_RE.match(core)
    work_core = change["work"] if change else core
    suppl = _T_SUPPL_RE.match(work_core)
    if suppl or "Suppl." in work_core:
        kind, symbol = "suppl", (f"{suppl['series']}.{suppl['n']}" if suppl else work_core)
        work_class = IMTKG.Supplement
    else:
        kind, work_class = "rec", _DOCTYPE_CLASS.get(doctype, IMTKG.Recommendation)
        if work_class == IMTKG.Supplement:
            work_class = IMTKG.Recommendation
        symbol = (
            work_core.split("/")[0]
            if re.fullmatch(r"[A-Z]+\.\d[\w.]*(/[A-Z]+\.\d[\w.]*)+", work_core)
            else work_core
        )
    work = ID[f"{kind}/itu-t/{slug(symbol.replace('Suppl.', 'suppl').replace('+', ' plus'))}"]
    series_match = re.match(r"^([A-Z]{1,3})[.\s]", symbol)
    number_match = re.match(r"^[A-Z]{1,3}\.(\d[\d.]*)$", symbol)
    if change:
        # "(2005) Amd. 1 Err. 1": an erratum of amendment 1 of the 2005 edition.
        parts = [f"{_CHANGE_KINDS[k]}-{n}" for k, n in _CHANGE_PART_RE.findall(change["chain"])]
        edition = URIRef(f"{work}/{change['base']}-{'-'.join(parts)}")
        target = None if len(parts) == 1 else URIRef(f"{work}/{change['base']}-{'-'.join(parts[:-1])}")
        changed = (parts[-1].split("-")[0], change["base"], target)
    else:
        edition, changed = URIRef(f"{work}/{month}"), None
    return _Edition(
        work,
        edition,
        work_class,
        "itu-t",
        f"ITU-T {work_core if kind == 'suppl' else symbol}",
        series_match[1] if series_match else None,
        number_match[1] if number_match else None,
        changed,
    )


def _itu_r(identifier: str, doctype: str, published: Literal) -> _Edition:
    month = str(published)[:7]
    if doctype == "resolution":
        match = _R_SYMBOL_RE.match(identifier)
        if not match or match["series"] != "R":
            raise ValueError(f"ITU-R resolution identifier {identifier!r} is not 'ITU-R R.N-M'")
        work = ID[f"resolution/ra/{match['num']}"]
        revision = ID[f"resolution/ra/{match['num']}-{match['ver'] or 0}"]
        return _Edition(
            work,
            revision,
            IMTKG.Resolution,
            "itu-r",
            f"Resolution ITU-R {match['num']}",
            None,
            match["num"],
        )
    question = _R_QUESTION_RE.match(identifier)
    if question and doctype == "question":
        work = ID[f"question/itu-r/{question['num'].lower()}-{question['sg'].lower()}"]
        edition = URIRef(f"{work}/{question['rev'] or 0}")
        return _Edition(
            work,
            edition,
            IMTKG.Question,
            "itu-r",
            f"Question ITU-R {question['num']}/{question['sg']}",
            None,
            question["num"],
        )
    symbol = _R_SYMBOL_RE.match(identifier)
    kind = {"technical-report": "report", "handbook": "handbook", "question": "question"}.get(
        doctype, "rec"
    )
    work_class = _DOCTYPE_CLASS.get(doctype, IMTKG.Recommendation)
    if symbol and doctype in ("recommendation", "technical-report"):
        name = f"{symbol['series']}.{symbol['num']}"
        work = ID[f"{kind}/itu-r/{name.lower()}"]
        prefix = "Report ITU-R" if kind == "report" else "ITU-R"
        # An identifier without a version suffix names its edition by publication month.
        version = symbol["ver"] if symbol["ver"] is not None else month
        return _Edition(
            work,
            URIRef(f"{work}/{version}"),
            work_class,
            "itu-r",
            f"{prefix} {name}",
            symbol["series"],
            symbol["num"],
        )
    if re.fullmatch(r"ITU-R [A-Z]{1,4}", identifier):
        # "ITU-R BO": a volume of a whole series ("ITU-R Recommendations, 1994 - BO Series").
        work = ID[f"series/itu-r/{identifier[6:].lower()}"]
        return _Edition(
            work, URIRef(f"{work}/{month}"), IMTKG.Publication, "itu-r", identifier, identifier[6:]
        )
    other = _R_OTHER_RE.match(identifier)
    core = other["core"] if other else identifier
    work = ID[f"{kind}/itu-r/{slug(core)}"]
    return _Edition(work, URIRef(f"{work}/{month}"), work_class, "itu-r", f"ITU-R {core}")


def imt_generations(title: str | None, abstract: str | None) -> list[tuple[str, str]]:
    """(generation slug, rule slug) pairs the documented rules assign to a record.

    A title or abstract naming a generation assigns it (title rules first); a title naming IMT
    without a generation assigns the top concept ``imt``; a bare "IMT" in an abstract alone is a
    passing mention and assigns nothing.

    >>> imt_generations("Detailed specifications of the terrestrial radio interfaces of "
    ...                 "International Mobile Telecommunications-2020 (IMT-2020)", None)
    [('imt-2020', 'title-imt-2020')]
    >>> imt_generations("Transport network slicing", "Mentions IMT in passing.")
    []
    """
    found: dict[str, str] = {}
    texts = {
        "title": normalize_characters(title or ""),
        "abstract": normalize_characters(abstract or ""),
    }
    for rule, field_, generation, pattern in IMT_RULES:
        if generation not in found and pattern.search(texts[field_]):
            found[generation] = rule
    if not found and _GENERIC_IMT_RE.search(texts["title"]):
        found["imt"] = "title-imt"
    return sorted(found.items())


class _Importer:
    def __init__(self, ref: str):
        self.ref = ref
        self.graph = new_graph()
        self.result = CatalogueImport(self.graph)
        self.editions_by_work: dict[URIRef, list[tuple[str, URIRef]]] = defaultdict(list)
        self.changes: list[tuple[URIRef, URIRef, URIRef, str]] = []
        self.seen: dict[URIRef, str] = {}
        self.generations: dict[URIRef, list[str]] = {}

    def add(self, s, p, o) -> None:
        self.graph.add((s, p, o))

    def record(self, name: str, data: bytes) -> None:
        self.result.records += 1
        try:
            record = yaml.load(data.decode("utf-8"), Loader=_Loader)
        except UnicodeDecodeError:
            raise ValueError("not UTF-8 text") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise ValueError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(record, dict):
            raise ValueError("not a Relaton record (expected a mapping at the top level)")
        identifiers = [
            d.get("content")
            for d in record.get("docidentifier") or []
            if isinstance(d, dict) and d.get("primary") and d.get("type") == "ITU"
        ]
        if len(identifiers) != 1 or not isinstance(identifiers[0], str):
            raise ValueError("expected exactly one primary ITU docidentifier")
        identifier = collapse(identifiers[0])
        doctype = ((record.get("ext") or {}).get("doctype") or {}).get("content")
        if not doctype:
            raise ValueError("no ext.doctype")
        dates = [
            d.get("at")
            for d in record.get("date") or []
            if isinstance(d, dict) and d.get("type") == "published"
        ]
        if not dates:
            raise ValueError("no published date")
        published = _date(dates[0])
        edition = parse_identifier(identifier, doctype, published)
        if edition.edition in self.seen:
            raise ValueError(f"same edition as {self.seen[edition.edition]} ({edition.edition})")
        self.seen[edition.edition] = name
        self._triples(name, record, identifier, doctype, published, edition)

    def _triples(self, name, record, identifier, doctype, published, ed: _Edition) -> None:
        add = self.add
        # File names such as itu-r-p-[3-bl-1].yaml hold characters an IRI may not: percent-encoded.
        source = URIRef(f"{RELATON_REPOSITORY}/{self.ref}/data/{quote(name, safe='/-._~')}")
        work, node = ed.work, ed.edition
        add(work, RDF.type, ed.work_class)
        add(work, DCTERMS.identifier, Literal(ed.work_identifier))
        add(work, DCTERMS.source, source)
        if ed.series:
            add(work, IMTKG.series, Literal(ed.series))
        if ed.number:
            add(work, IMTKG.number, Literal(ed.number))
        if ed.work_class == IMTKG.Resolution:
            add(work, IMTKG.issuedBy, ID["org/ra"])
            add(node, RDF.type, IMTKG.ResolutionRevision)
            add(node, IMTKG.revisionOf, work)
        else:
            add(work, IMTKG.sector, ID[f"org/{ed.sector}"])
            add(node, RDF.type, IMTKG.Edition)
            add(node, IMTKG.editionOf, work)
        if ed.change:
            kind, base_year, target = ed.change
            change_class = _KIND_CLASS[kind]
            add(node, RDF.type, change_class)
            if target is not None:
                add(node, _KIND_LINK[change_class], target)
            else:
                self.changes.append((node, work, change_class, base_year))
        else:
            self.editions_by_work[work].append((str(published), node))
        if ed.work_class == IMTKG.Resolution:
            # ITU writes "Resolution ITU-R 50-2"; the catalogue's "ITU-R R.50-2" is kept as label.
            identifier_text = f"Resolution ITU-R {str(node).rsplit('/', 1)[1]}"
        else:
            identifier_text = identifier
        add(node, DCTERMS.identifier, Literal(identifier_text))
        add(node, RDFS.label, Literal(identifier, lang="en"))
        add(node, DCTERMS.issued, published)
        add(node, DCTERMS.source, source)
        title = _text(record.get("title"))
        abstract = _text(record.get("abstract"))
        if title:
            add(node, DCTERMS.title, Literal(title, lang="en"))
        if abstract:
            add(node, DCTERMS.abstract, Literal(abstract, lang="en"))
        edition_number = (record.get("edition") or {}).get("content")
        if edition_number is not None:
            add(node, IMTKG.editionNumber, Literal(str(edition_number)))
        stage = ((record.get("status") or {}).get("stage") or {}).get("content")
        if stage in _STATUS:
            add(node, IMTKG.status, VOCAB[f"status/{_STATUS[stage]}"])
        for group in self._groups(record):
            add(node, IMTKG.responsibleGroup, group)
        for src in record.get("source") or []:
            url = src.get("content") if isinstance(src, dict) else None
            if isinstance(url, str) and re.match(r"^https?://\S+$", url):
                add(node, RDFS.seeAlso, URIRef(url))
        for generation, rule in imt_generations(title, abstract):
            self._assign(node, generation, rule)
        self.result.editions += 1

    def _assign(self, node: URIRef, generation: str, rule: str) -> None:
        concept = VOCAB[f"imt-generation/{generation}"]
        assignment = URIRef(f"{node}/imt/{generation}")
        self.add(node, IMTKG.imtGeneration, concept)
        self.add(assignment, RDF.type, IMTKG.GenerationAssignment)
        self.add(assignment, IMTKG.assignedTo, node)
        self.add(assignment, IMTKG.generation, concept)
        self.add(assignment, IMTKG.byRule, VOCAB[f"imt-rule/{rule}"])
        self.generations.setdefault(node, []).append(generation)

    def _groups(self, record) -> Iterator[URIRef]:
        for contributor in record.get("contributor") or []:
            organization = (contributor or {}).get("organization") or {}
            for division in organization.get("subdivision") or []:
                for name in (division or {}).get("name") or []:
                    text = collapse(str((name or {}).get("content", "")))
                    match = _GROUP_RE.match(text)
                    if match:
                        yield ID[f"org/itu-t/sg{int(match['n'])}"]
                    elif text == "Telecommunication Standardization Advisory Group":
                        yield ID["org/itu-t/tsag"]

    def finish(self) -> None:
        """Chain editions by date, attach amendments and corrigenda to what they change, and let
        a change without a generation of its own inherit those of what it changes."""
        for work, editions in self.editions_by_work.items():
            resolution = (work, RDF.type, IMTKG.Resolution) in self.graph
            link = IMTKG.previousRevision if resolution else IMTKG.previousEdition
            if resolution:  # by revision number ("50-2"): the catalogue's dates are not adoption dates
                ordered = sorted(editions, key=lambda e: int(str(e[1]).rsplit("-", 1)[1]))
            else:
                ordered = sorted(editions)
            for (_, previous), (_, current) in zip(ordered, ordered[1:], strict=False):
                self.add(current, link, previous)
        for node, work, change_class, base_year in self.changes:
            bases = [e for date, e in self.editions_by_work.get(work, []) if date[:4] == base_year]
            if len(bases) == 1:
                self.add(node, _KIND_LINK[change_class], bases[0])
        changed = {s: o for p in _KIND_LINK.values() for s, o in self.graph.subject_objects(p)}
        for node in sorted(changed):
            if node in self.generations:
                continue
            target = changed[node]
            while target in changed and target not in self.generations:
                target = changed[target]  # an erratum of an amendment: look through to the base
            for generation in self.generations.get(target, []):
                self._assign(node, generation, "changed-edition")
        self.result.imt_editions = len(self.generations)


def import_relaton(
    path: Path | str, *, ref: str = "main", progress: Callable[[int], None] | None = None
) -> CatalogueImport:
    """Read the Relaton records under ``path`` (a folder, a clone or a tarball) into RDF.

    A record that cannot be read is reported in ``skipped`` (file name and what is wrong) and
    the others are imported. ``ref`` is the relaton-data-itu commit the records come from; each
    edition's ``dct:source`` links to its record there.
    """
    importer = _Importer(ref)
    for name, data in iter_records(Path(path)):
        try:
            importer.record(name, data)
        except (ValueError, TypeError, AttributeError) as exc:
            importer.result.skipped.append(RecordError(name, str(exc)))
        if progress is not None:
            progress(1)
    importer.finish()
    return importer.result


def ref_of(path: Path | str) -> str:
    """The relaton-data-itu commit a snapshot's name carries (relaton-data-itu-daa9deb…), or main."""
    match = re.search(r"relaton-data-itu-([0-9a-f]{7,40})", Path(path).name)
    return match[1] if match else "main"
