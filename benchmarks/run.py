"""Benchmark imtkg's pipeline against the stock Python stack, stage by stage, and print a table.

For each synthetic size (``imtkg.synthetic``) and the real ITU catalogue, runs every stage (load,
ingest and import, reasoning, validation, each view, publication, and the whole build) of
imtkg's pipeline and of the stock pipeline (rdflib in-memory Graph, owlrl OWL 2 RL, pySHACL,
rdflib SPARQL), each stage in a process of its own (``benchmarks/stages.py``) with a time cap, and
prints a Markdown table: time and peak memory per stage, the ratio stock / imtkg, whether both
gave the same answers, the growth exponent of each stage between sizes, and the machine.

    python benchmarks/run.py --sizes 10k,100k --stages all

See benchmarks/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED_CATALOGUE = HERE.parents[1] / "shared" / "datasets" / "relaton-data-itu-daa9deb.tar.gz"
#: A view whose first run takes under REPEAT_BELOW seconds is run VIEW_RUNS times, its median kept:
#: one run of a few milliseconds is too coarse for the growth exponents (and the issue's figures
#: are medians).
REPEAT_BELOW = 1.0
VIEW_RUNS = 5
STAGE_NAMES = ("load", "ingest", "reason", "validate", "views", "publish", "build")
STAGE_TITLES = {
    "load": "load (parse)",
    "ingest": "ingest and import",
    "reason": "reasoning (OWL 2 RL)",
    "validate": "validation (data shapes)",
    "publish": "publish (static site)",
    "build": "whole build (build_graph)",
}
#: What each stage needs done first, per pipeline (publish reads the views' tables and the
#: validation's report).
NEEDS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("imtkg", "ingest"): (("imtkg", "load"),),
    ("imtkg", "reason"): (("imtkg", "ingest"),),
    ("imtkg", "validate"): (("imtkg", "reason"),),
    ("imtkg", "views"): (("imtkg", "reason"),),
    ("imtkg", "publish"): (("imtkg", "validate"), ("imtkg", "views")),
    ("stock", "load"): (("imtkg", "ingest"),),
    ("stock", "reason"): (("stock", "load"),),
    ("stock", "validate"): (("stock", "reason"),),
    ("stock", "views"): (("stock", "reason"),),
}
#: The order the stages run in: each pipeline's stage after what it needs, the two pipelines
#: alternating so that they meet the same load of the machine.
ORDER = (
    ("imtkg", "load"),
    ("imtkg", "ingest"),
    ("stock", "load"),
    ("imtkg", "reason"),
    ("stock", "reason"),
    ("imtkg", "validate"),
    ("stock", "validate"),
    ("imtkg", "views"),
    ("stock", "views"),
    ("imtkg", "publish"),
    ("imtkg", "build"),
)
LIBRARIES = ("imtkg", "rdflib", "owlrl", "pyshacl", "pyoxigraph")


@dataclass
class Result:
    """One timed step: seconds (None if it did not finish), peak MB, its answer, or why not."""

    seconds: float | None = None
    peak_mb: float | None = None
    answer: dict = field(default_factory=dict)
    status: str = "ok"  # ok, cap, error, skipped
    note: str = ""
    runs: int = 1  # a fast view is run several times, its median time kept (stages.py)


@dataclass
class Dataset:
    name: str
    folder: Path
    triples: int | None
    size: int | None
    generated: int | None = None  # of the triples, the generator's (the rest is the fixed skeleton)
    results: dict[str, dict[str, Result]] = field(default_factory=lambda: {"imtkg": {}, "stock": {}})


# --- running the stages ---------------------------------------------------------------------


def _progress_events(path: Path, offset: int) -> tuple[list[dict], int]:
    if not path.exists():
        return [], offset
    with path.open(encoding="utf-8") as f:
        f.seek(offset)
        data = f.read()
    complete = data[: data.rfind("\n") + 1]
    events = [json.loads(line) for line in complete.splitlines() if line.strip()]
    return events, offset + len(complete.encode("utf-8"))


def run_stage(dataset: Dataset, pipeline: str, stage: str, cap: float, log) -> dict[str, Result]:
    """Run ``stage`` of ``pipeline`` in child processes; a step over ``cap`` seconds is killed
    and reported as such, and the steps after it run in a fresh process."""
    steps: list[str] | None = None
    results: dict[str, Result] = {}
    attempt = 0
    while True:
        attempt += 1
        progress = dataset.folder / pipeline / f"progress-{stage}-{attempt}.jsonl"
        progress.parent.mkdir(parents=True, exist_ok=True)
        progress.unlink(missing_ok=True)
        stderr_path = progress.with_suffix(".stderr")
        command = [
            sys.executable,
            str(HERE / "stages.py"),
            "--dataset",
            str(dataset.folder),
            "--pipeline",
            pipeline,
            "--stage",
            stage,
            "--progress",
            str(progress),
            "--view-runs",
            str(VIEW_RUNS),
            "--repeat-below",
            str(REPEAT_BELOW),
        ]
        if steps:
            command += ["--steps", ",".join(steps)]
        with stderr_path.open("w") as stderr:
            child = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
            )
        spawned = time.monotonic()
        offset, current, started, capped, rusage, status = 0, None, 0.0, None, None, 0
        while True:
            events, offset = _progress_events(progress, offset)
            for event in events:
                if event["event"] == "start":
                    current, started = event["step"], time.monotonic()
                    log(f"  {dataset.name} {pipeline} {current} ...")
                elif event["event"] == "end":
                    results[event["step"]] = Result(
                        event["seconds"], event["peak_mb"], event["answer"], runs=event.get("runs", 1)
                    )
                    log(f"  {dataset.name} {pipeline} {event['step']}: {event['seconds']:.2f} s")
                    current = None
            pid, status, rusage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                child.returncode = status
                break
            now = time.monotonic()
            if current is not None and now - started > cap:
                capped = current
            elif current is None and not results and now - spawned > max(600.0, 2 * cap):
                capped = "set-up"
            if capped:
                os.killpg(child.pid, signal.SIGKILL)
                _, status, rusage = os.wait4(child.pid, 0)
                child.returncode = status
                break
            time.sleep(0.1)
        events, offset = _progress_events(progress, offset)
        for event in events:
            if event["event"] == "end":
                results[event["step"]] = Result(
                    event["seconds"], event["peak_mb"], event["answer"], runs=event.get("runs", 1)
                )
        done = any(e["event"] == "done" for e in _progress_events(progress, 0)[0])
        # Without a per-step peak (no /proc/self/clear_refs), a one-step process reports its own.
        for result in results.values():
            if result.peak_mb is None and rusage is not None and len(results) == 1:
                result.peak_mb = rusage.ru_maxrss / 1024
        if capped == "set-up":
            results.setdefault(stage, Result(status="error", note="set-up over its time limit"))
            return results
        if capped:
            results[capped] = Result(status="cap", note=f"> {cap:g} s")
            log(f"  {dataset.name} {pipeline} {capped}: over the cap ({cap:g} s)")
            all_steps = [e["step"] for e in _progress_events(progress, 0)[0] if e["event"] == "start"]
            remaining = _remaining_steps(stage, dataset, pipeline, steps, all_steps, results)
            if not remaining:
                return results
            steps = remaining
            continue
        if not done:
            tail = stderr_path.read_text(errors="replace").strip().splitlines()[-3:]
            failed = current or stage
            results[failed] = Result(status="error", note=" | ".join(tail) or f"exit status {status}")
            log(f"  {dataset.name} {pipeline} {failed}: error: {results[failed].note}")
        return results


def _remaining_steps(stage, dataset, pipeline, steps, started, results) -> list[str]:
    """The steps of a multi-step stage (the views) that have not run yet."""
    if stage != "views":
        return []
    if steps is None:
        from imtkg import Project
        from imtkg.queries import load_catalogue

        info = json.loads((dataset.folder / "dataset.json").read_text())
        queries = load_catalogue(Project.at(info["project"]).queries_dir)
        steps = [f"view:{name}" for name in queries if name.startswith("views/")]
    return [s for s in steps if s not in results and s not in started]


def run_dataset(dataset: Dataset, pipelines: list[str], stages: list[str], cap: float, log) -> None:
    """Run the stages of both pipelines on a dataset, stage by stage (imtkg first, then stock)."""
    order = [(p, s) for p, s in ORDER if p in pipelines]
    wanted = set(stages)
    needed: set[tuple[str, str]] = set()
    pending = [(p, s) for p, s in order if s in wanted]
    while pending:
        key = pending.pop()
        if key not in needed:
            needed.add(key)
            pending.extend(NEEDS.get(key, ()))
    for pipeline, stage in order:
        if (pipeline, stage) not in needed or stage not in _stages_of(pipeline):
            continue
        unfinished = [n for n in NEEDS.get((pipeline, stage), ()) if not _finished(dataset, *n)]
        if unfinished:
            dataset.results[pipeline][stage] = Result(
                status="skipped", note=f"not run: {unfinished[0][1]} did not finish"
            )
            continue
        found = run_stage(dataset, pipeline, stage, cap, log)
        for step, result in found.items():
            dataset.results[pipeline][step] = result
        if stage not in found and stage != "views":
            dataset.results[pipeline].setdefault(stage, Result(status="error", note="no result"))


def _stages_of(pipeline: str) -> tuple[str, ...]:
    if pipeline == "stock":
        return ("load", "reason", "validate", "views")
    if importlib.util.find_spec("imtkg.publish") is None:
        return tuple(s for s in STAGE_NAMES if s != "publish")
    return STAGE_NAMES


def _finished(dataset: Dataset, pipeline: str, stage: str) -> bool:
    results = dataset.results[pipeline]
    if stage == "views":
        views = [r for s, r in results.items() if s.startswith("view:")]
        return bool(views) and all(r.status == "ok" for r in views)
    return stage in results and results[stage].status == "ok"


# --- datasets -------------------------------------------------------------------------------


def synthetic_dataset(work: Path, size: int, seed: int, log) -> Dataset:
    from imtkg.synthetic import write_project

    name = f"synthetic-{_size_text(size)}"
    folder = work / name
    log(f"{name}: generating (seed {seed}) ...")
    manifest = json.loads(write_project(folder / "project", size, seed).read_text())
    info = {"project": str(folder / "project"), "catalogue": None, "as_of": manifest["as_of"]}
    (folder / "dataset.json").write_text(json.dumps(info, indent=2) + "\n")
    triples = manifest["triples"]
    return Dataset(name, folder, triples["asserted"], size, triples["synthetic"])


def catalogue_dataset(work: Path, catalogue: Path) -> Dataset:
    from imtkg import Project

    folder = work / "catalogue"
    folder.mkdir(parents=True, exist_ok=True)
    info = {"project": str(Project.default().root), "catalogue": str(catalogue)}
    (folder / "dataset.json").write_text(json.dumps(info, indent=2) + "\n")
    return Dataset(f"catalogue ({catalogue.name})", folder, None, None)


def _size_text(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


# --- the report -----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """The machine and software the figures were measured on."""
    model = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = []
    for library in LIBRARIES:
        try:
            versions.append(f"{library} {version(library)}")
        except PackageNotFoundError:
            versions.append(f"{library} (not installed)")
    return {
        "CPU": f"{model}, {os.cpu_count()} logical CPUs",
        "RAM": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "libraries": ", ".join(versions),
    }


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min)"


def _seconds(result: Result | None) -> str:
    if result is None:
        return "—"
    if result.status == "ok":
        return f"{result.seconds:.3f}" if result.seconds < 10 else f"{result.seconds:.1f}"
    return result.note if result.status == "cap" else result.status


def _mb(result: Result | None) -> str:
    if result is None or result.status != "ok" or result.peak_mb is None:
        return "—"
    return f"{result.peak_mb:.0f}"


def _ratio(mine: Result | None, stock: Result | None, cap: float, step: str = "") -> str:
    if mine is None or stock is None or mine.status != "ok" or not mine.seconds:
        return "—"
    if step == "load" and stock.status == "ok":
        # The stock load parses what imtkg ingests and imports: compare only like with like.
        ours, theirs = mine.answer.get("triples", 0), stock.answer.get("triples", 0)
        if abs(ours - theirs) > 0.05 * max(ours, theirs, 1):
            return "—"
    if stock.status == "ok":
        return f"{stock.seconds / mine.seconds:.1f}×"
    if stock.status == "cap":
        return f"> {cap / mine.seconds:.1f}×"
    return "—"


def _answer(mine: Result | None, stock: Result | None) -> str:
    def text(result: Result | None) -> str:
        if result is None or result.status != "ok":
            return ""
        answer = {k: v for k, v in result.answer.items() if k != "digest"}
        return ", ".join(f"{v:,} {k}" for k, v in answer.items())

    a, b = text(mine), text(stock)
    if mine and stock and mine.status == stock.status == "ok" and "digest" in mine.answer:
        if mine.answer["digest"] == stock.answer.get("digest"):
            return f"same: {a}"
        return f"DIFFER: imtkg {a}; stock {b}"
    return "; ".join(x for x in (f"imtkg {a}" if a else "", f"stock {b}" if b else "") if x)


def _steps(dataset: Dataset) -> list[str]:
    steps = []
    for stage in STAGE_NAMES:
        if stage == "views":
            views = sorted({s for p in dataset.results.values() for s in p if s.startswith("view:")})
            steps += views
        elif any(stage in p for p in dataset.results.values()):
            steps.append(stage)
    return steps


def _sum(results: dict[str, Result], steps: list[str]) -> tuple[float, str]:
    """The total of ``steps`` and whether it is complete ("", or "cap" when a step went over the
    cap: the total is then a floor, or "error" when a step did not run)."""
    total, state = 0.0, ""
    for step in steps:
        result = results.get(step)
        if result is None:
            continue
        if result.status == "ok":
            total += result.seconds
        elif result.status == "cap":
            state = state or "cap"
        else:
            state = "error"
    return total, state


def dataset_table(dataset: Dataset, cap: float) -> list[str]:
    imtkg, stock = dataset.results["imtkg"], dataset.results["stock"]
    title = f"### {dataset.name}"
    if dataset.triples:
        title += f": {dataset.triples:,} asserted triples"
    lines = [
        title,
        "",
        "| stage | imtkg s | imtkg peak MB | stock s | stock peak MB | stock / imtkg | answers |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    steps = _steps(dataset)
    for step in steps:
        label = STAGE_TITLES.get(step, step.replace("view:", "view "))
        mine, theirs = imtkg.get(step), stock.get(step)
        if step == "build":
            theirs = None
        lines.append(
            f"| {label} | {_seconds(mine)} | {_mb(mine)} | {_seconds(theirs)} | {_mb(theirs)} "
            f"| {_ratio(mine, theirs, cap, step)} | {_answer(mine, theirs)} |"
        )
    pipeline_steps = [s for s in steps if s not in ("publish", "build")]
    mine_total, mine_state = _sum(imtkg, pipeline_steps)
    stock_total, stock_state = _sum(stock, pipeline_steps)
    if stock:
        stock_total += sum(r.seconds for s, r in imtkg.items() if s == "ingest" and r.status == "ok")
    if imtkg and stock:

        def total(value: float, state: str) -> str:
            return {"": f"{value:.1f}", "cap": f"> {value:.1f}", "error": "incomplete"}[state]

        ratio = "—"
        if mine_total and not mine_state and stock_state != "error":
            ratio = f"{'> ' if stock_state else ''}{stock_total / mine_total:.1f}×"
        lines.append(
            f"| sum of the stages above (load to views) | {total(mine_total, mine_state)} | "
            f"| {total(stock_total, stock_state)} | | {ratio} | stock's includes imtkg's ingest |"
        )
    return lines


def growth_table(datasets: list[Dataset], pipelines: list[str], cap: float) -> list[str]:
    """The exponent k of t ∝ n^k of each step between consecutive synthetic sizes (and from the
    smallest to the largest), with the k of n log n over the same range and, for each view, the k
    of its rows (its output)."""
    sized = sorted((d for d in datasets if d.size), key=lambda d: d.triples)
    if len(sized) < 2:
        return []
    pairs = list(zip(sized, sized[1:], strict=False))
    if len(sized) > 2:
        pairs.append((sized[0], sized[-1]))  # and over the whole range

    def span(a: Dataset, b: Dataset) -> str:
        return f"{a.name.removeprefix('synthetic-')}→{b.name.removeprefix('synthetic-')}"

    header = "| stage | " + " | ".join(f"{p} {span(a, b)}" for p in pipelines for a, b in pairs)
    header += " | " + " | ".join(f"rows {span(a, b)}" for a, b in pairs)
    lines = [
        "### Growth exponent k (time ∝ triples^k) between sizes",
        "",
        header + " |",
        "|---|" + "---:|" * ((len(pipelines) + 1) * len(pairs)),
    ]
    steps = []
    for d in sized:
        steps += [s for s in _steps(d) if s not in steps]
    for step in steps:
        cells = [_exponent(a, b, pipeline, step, cap) for pipeline in pipelines for a, b in pairs]
        cells += [_rows_exponent(a, b, pipelines[0], step) for a, b in pairs]
        lines.append(
            f"| {STAGE_TITLES.get(step, step.replace('view:', 'view '))} | " + " | ".join(cells) + " |"
        )
    reference = ", ".join(
        f"{span(a, b)} k = {_n_log_n_exponent(a.triples, b.triples):.2f}" for a, b in pairs
    )
    lines += [
        "",
        f"A stage that grows as n log n has {reference}. The rows columns give how a view's output "
        "grows (rows ∝ triples^k): a view cannot grow more slowly than what it returns.",
    ]
    if all(d.generated for d in sized):
        parts = ", ".join(
            f"{span(a, b)} from {a.generated:,} to {b.generated:,} triples "
            f"(k = {math.log(b.generated / a.generated) / math.log(b.triples / a.triples):.2f})"
            for a, b in pairs
        )
        lines[-1] += (
            f" The generated part of the graph grows faster than the whole ({parts}): the rest is "
            "the fixed skeleton (the ITU structure and Resolution 38's text)."
        )
    return lines


def _n_log_n_exponent(n: int, m: int) -> float:
    """The k of n log n ∝ n^k between ``n`` and ``m`` triples."""
    return math.log((m * math.log(m)) / (n * math.log(n))) / math.log(m / n)


def _rows_exponent(a: Dataset, b: Dataset, pipeline: str, step: str) -> str:
    first, second = a.results[pipeline].get(step), b.results[pipeline].get(step)
    rows = [r.answer.get("rows") if r is not None else None for r in (first, second)]
    if not all(rows):
        return "—"
    return f"{math.log(rows[1] / rows[0]) / math.log(b.triples / a.triples):.2f}"


def _exponent(a: Dataset, b: Dataset, pipeline: str, step: str, cap: float) -> str:
    first, second = a.results[pipeline].get(step), b.results[pipeline].get(step)
    if first is None or second is None or first.status != "ok" or not first.seconds:
        return "—"
    scale = math.log(b.triples / a.triples)
    if second.status == "ok" and second.seconds:
        return f"{math.log(second.seconds / first.seconds) / scale:.2f}"
    if second.status == "cap":
        return f"> {math.log(cap / first.seconds) / scale:.2f}"
    return "—"


def report(datasets, pipelines, cap, facts, command) -> str:
    lines = [
        "## Benchmark: imtkg's pipeline and the stock pipeline",
        "",
        f"Command: `{command}`",
        "",
        "| machine | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in facts.items()]
    lines += [f"| time cap per stage | {cap:g} s |", ""]
    for dataset in datasets:
        lines += dataset_table(dataset, cap) + [""]
    lines += growth_table(datasets, pipelines, cap)
    lines += [
        "",
        "Seconds: wall-clock time of the stage alone (its input already loaded). Peak MB: the peak "
        "resident memory of the stage's process during the stage (interpreter, libraries and "
        "input included). Answers: triples, validation results or rows; 'same' when both "
        "pipelines gave the same validation results (shape, focus node) or the same rows.",
    ]
    runs = max((r.runs for d in datasets for p in d.results.values() for r in p.values()), default=1)
    if runs > 1:
        lines[-1] += (
            f" A view whose first run took under {REPEAT_BELOW:g} s was run {runs} times: its "
            "seconds are the median."
        )
    return "\n".join(lines) + "\n"


# --- command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="synthetic sizes in triples (10k, 100k, 1M)")
    parser.add_argument(
        "--stages",
        default="all",
        help=f"comma-separated stages ({', '.join(STAGE_NAMES)}) or all; the stages they need run too",
    )
    parser.add_argument("--pipelines", default="imtkg,stock", help="imtkg, stock or both")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic graphs")
    parser.add_argument("--cap", type=float, default=600.0, help="time cap per stage, in seconds")
    parser.add_argument(
        "--catalogue",
        type=Path,
        default=SHARED_CATALOGUE,
        help="the relaton-data-itu snapshot (default: ../shared/datasets)",
    )
    parser.add_argument("--no-catalogue", action="store_true", help="leave the real catalogue out")
    parser.add_argument("--work", type=Path, help="work folder (default: a fresh temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(HERE.parent / "src"))  # a checkout without installation
    from imtkg.errors import ImtkgError
    from imtkg.synthetic import parse_size

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    except ImtkgError as exc:
        parser.error(str(exc))
    stages = list(STAGE_NAMES) if args.stages == "all" else [s.strip() for s in args.stages.split(",")]
    unknown = sorted(set(stages) - set(STAGE_NAMES))
    if unknown:
        parser.error(f"unknown stage {unknown[0]} (stages: {', '.join(STAGE_NAMES)}, all)")
    pipelines = [p.strip() for p in args.pipelines.split(",")]
    if not set(pipelines) <= {"imtkg", "stock"} or not pipelines:
        parser.error("--pipelines takes imtkg, stock or imtkg,stock")
    if "stock" in pipelines and "imtkg" not in pipelines:
        pipelines.insert(0, "imtkg")  # the stock pipeline loads what imtkg's ingest wrote
    work = args.work or Path(tempfile.mkdtemp(prefix="imtkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    facts = machine()
    facts["load average at start"] = _load()
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    log(f"work folder: {work}")

    datasets: list[Dataset] = []
    try:
        for size in sizes:
            datasets.append(synthetic_dataset(work, size, args.seed, log))
            run_dataset(datasets[-1], pipelines, stages, args.cap, log)
        if not args.no_catalogue:
            if args.catalogue.is_file():
                datasets.append(catalogue_dataset(work, args.catalogue))
                run_dataset(datasets[-1], pipelines, stages, args.cap, log)
            else:
                log(f"catalogue skipped: {args.catalogue} not found (give --catalogue PATH)")
    except ImtkgError as exc:
        log(f"error: {exc}")
        return 2
    facts["load average at end"] = _load()
    text = report(datasets, pipelines, args.cap, facts, command)
    print(text)
    if args.json:
        figures = {
            "machine": facts,
            "cap": args.cap,
            "command": command,
            "datasets": [
                {
                    "name": d.name,
                    "triples": d.triples,
                    "size": d.size,
                    "generated": d.generated,
                    "results": {p: {s: asdict(r) for s, r in rs.items()} for p, rs in d.results.items()},
                }
                for d in datasets
            ],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
