"""The Badgepress benchmark: build time against N, incremental rebuilds, memory, signing throughput.

    python benchmarks/run.py            # N = 1,000 and 10,000 awards, M = 200 achievements
    python benchmarks/run.py --quick    # N = 200 and 2,000: a few minutes

Generates each program in a temporary folder (benchmarks/program.py), builds
it with `mkdocs build --strict` in a subprocess and measures the figures that
benchmarks/README.md explains; then measures signing throughput per core,
on the same credentials in the same run, for Badgepress' fast path, plain
pyld + PyNaCl, and the JavaScript reference signer (benchmarks/js-reference,
installed with `npm ci` when needed). Prints a Markdown table and the goals;
``--json FILE`` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from program import KEY_ID, cohort_sizes, commit_history, generate_program  # noqa: E402
from scenarios import measure_builds, measure_example  # noqa: E402

from badgepress.build.pipeline import Signer, build_publication, choose_signer  # noqa: E402
from badgepress.build.provenance import build_provenance, read_history  # noqa: E402
from badgepress.build.urls import Urls  # noqa: E402
from badgepress.load.program import load_program  # noqa: E402
from badgepress.load.settings import read_config  # noqa: E402
from badgepress.sign import canon, proof, signing  # noqa: E402
from badgepress.sign.keys import KeyPair  # noqa: E402
from badgepress.sign.proof import sign_document, sign_document_jcs  # noqa: E402

JS = HERE / "js-reference"


# ---------------------------------------------------------------- builds


def phases(root: Path, key: KeyPair) -> dict[str, list[float]]:
    """Seconds per phase of one cold build (benchmarks/phases.py): where a build's time goes."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    env.update(BADGEPRESS_SIGNING_KEY=key.secret_key_multibase(), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, str(HERE / "phases.py"), str(root), str(root / "site")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {}
    timings: dict[str, list[float]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return timings


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (git) so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_provenance(root: Path, key: KeyPair, pull_requests: int, rounds: int = 3) -> dict[str, Any]:
    """The provenance phase of a build, in this process: the history read, then provenance.json.

    Wall time on a shared machine follows the other processes' load; CPU
    time (this process and git) does not, so both are kept (best of ``rounds``).
    """
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    urls = Urls(config.base_url)
    folders = [config.settings.achievements_dir, config.settings.credentials_dir]
    read: list[tuple[float, float]] = []
    made: list[tuple[float, float]] = []
    for _ in range(rounds):
        cpu, wall = _cpu(), time.perf_counter()
        history = read_history(root, folders, {})
        read.append((time.perf_counter() - wall, _cpu() - cpu))
        cpu, wall = _cpu(), time.perf_counter()
        doc = build_provenance(history, program, urls, None, "2026-01-01T00:00:00Z")
        text = json.dumps(sign_document_jcs(doc, key, urls.key_id(KEY_ID), doc["validFrom"]), indent=2)
        made.append((time.perf_counter() - wall, _cpu() - cpu))
    known = sum(1 for item in doc["credentialSubject"]["credentials"] if "issued" in item)
    return {
        "pull_requests": pull_requests,
        "state": history.state,
        "credentials_with_provenance": known,
        "read_seconds": min(r[0] for r in read),
        "read_cpu_seconds": min(r[1] for r in read),
        "read_samples": [round(r[0], 2) for r in read],
        "file_seconds": min(m[0] for m in made),
        "file_cpu_seconds": min(m[1] for m in made),
        "file_bytes": len(text.encode("utf-8")),
    }


# ---------------------------------------------------------------- signing throughput


def unsigned_credentials(root: Path) -> list[tuple[dict[str, Any], str]]:
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    captured: list[tuple[dict[str, Any], str]] = []

    def capture(unsigned: list[tuple[dict[str, Any], str]], signer: Any) -> list[dict[str, Any]]:
        captured.extend(unsigned)
        return [{**doc, "proof": []} for doc, _ in unsigned]

    now = datetime.now(UTC)
    build_publication(program, Urls(config.base_url), choose_signer(config.settings, None), now, sign=capture)
    return captured


@dataclass
class Rate:
    name: str
    per_core: float  # credentials per CPU-second of one process (best round)
    per_wall_second: float  # best round
    rounds: int


Round = tuple[float, float, list[str]]  # CPU seconds, wall seconds, proof values


def _timed(sign: Any, items: list[tuple[dict[str, Any], str]]) -> Round:
    cpu, wall = time.process_time(), time.perf_counter()
    made = sign(items)
    return time.process_time() - cpu, time.perf_counter() - wall, [d["proof"][0]["proofValue"] for d in made]


def ensure_js() -> str | None:
    """Install the JS reference signer's dependencies from its lockfile; None when it is ready."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not installed"
    installed = JS / "node_modules" / ".package-lock.json"
    lock = JS / "package-lock.json"
    if not installed.is_file() or installed.stat().st_mtime < lock.stat().st_mtime:
        proc = subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=JS,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            return f"npm ci failed: {proc.stderr.strip()[-500:]}"
    return None


def js_round(items: list[tuple[dict[str, Any], str]], seed: bytes, method: str) -> Round:
    """One round of the JavaScript signer over ``items``, after a warm-up, in a fresh node process."""
    folder = resources.files("badgepress").joinpath("contexts")
    job = {
        "items": [{"credential": doc, "created": created} for doc, created in items],
        "verificationMethod": method,
        "seed": seed.hex(),
        "contexts": {url: str(folder.joinpath(name)) for url, name in canon.CONTEXT_FILES.items()},
        "warmup": min(20, len(items)),
        "rounds": 1,
    }
    proc = subprocess.run(
        ["node", str(JS / "sign.mjs")], input=json.dumps(job), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"the JavaScript signer failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout)
    (timing,) = result["rounds"]
    return timing["cpuSeconds"], timing["wallSeconds"], result["proofValues"]


NAMES = {
    "fast": "Badgepress fast path (1 process, warm contexts)",
    "reference": "Badgepress reference path (strict canon, no reuse)",
    "plain": "plain pyld normalize + PyNaCl",
    "js": "JavaScript reference (vc + eddsa-rdfc-2022, jsonld)",
}


def measure_signing(
    pairs: list[tuple[dict[str, Any], str]], sample: int, rounds: int, js: bool
) -> dict[str, Any]:
    """Credentials per CPU-second of each signer on the same sample, rounds interleaved, best kept.

    Interleaving keeps a burst of load from another process on the machine
    from landing on one signer's rounds only.
    """
    seed = bytes(range(32))
    key = KeyPair.from_seed(seed)
    signer = Signer(key, KEY_ID, preview=False)
    step = max(len(pairs) // sample, 1)
    items = pairs[::step][:sample]
    warm = [p for i, p in enumerate(pairs) if i % step][:20]
    method = proof.verification_method(items[0][0], KEY_ID)

    def fast(batch: list) -> Round:
        # a fresh signer per round, warmed on other credentials: its contexts
        # are processed, but no credential of the sample was seen before
        fresh = signing.BatchSigner(workers=1)
        fresh(warm, signer)
        return _timed(lambda b: fresh(b, signer), batch)

    def plain(batch: list) -> Round:
        return _timed(
            lambda b: [
                sign_document(d, key, method, c, canonicalizer=canon.canonicalize_plain) for d, c in b
            ],
            batch,
        )

    def reference(batch: list) -> Round:
        return _timed(lambda b: [sign_document(d, key, method, c) for d, c in b], batch)

    note = ensure_js() if js else None
    runs: dict[str, list[Round]] = {name: [] for name in NAMES}
    for number in range(rounds):
        runs["fast"].append(fast(items))
        runs["plain"].append(plain(items))
        if number == 0:
            runs["reference"].append(reference(items))
        if js and note is None:
            runs["js"].append(js_round(items, seed, method))
    rates = {
        name: Rate(
            NAMES[name],
            len(items) / min(r[0] for r in done),
            len(items) / min(r[1] for r in done),
            len(done),
        )
        for name, done in runs.items()
        if done
    }
    proofs = [r[2] for done in runs.values() for r in done]
    # the whole batch in parallel, as a build does (all cores)
    parallel = signing.BatchSigner()
    start = time.perf_counter()
    parallel(pairs, signer)
    seconds = time.perf_counter() - start
    return {
        "sample": len(items),
        "rates": {k: asdict(v) for k, v in rates.items()},
        "identical_proofs": all(p == proofs[0] for p in proofs),
        "js_note": note,
        "parallel": {"credentials": len(pairs), "seconds": seconds, "workers": parallel.stats.workers},
    }


# ---------------------------------------------------------------- report


def _fmt_s(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def report(results: dict[str, Any]) -> str:
    return "\n\n".join(part for part in (report_builds(results), report_signing(results)) if part)


ROWS = (
    ("cold", "cold build (no cache, no site)"),
    ("unchanged", "rebuild, nothing changed"),
    ("changed", "rebuild after changing one award (a single award file)"),
    ("cohort", "rebuild after changing one award in a cohort file"),
    ("revoked", "rebuild after revoking one award"),
    ("deploy", "deployment after one merged award (fresh clone, no site, cache restored)"),
)


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def report_builds(results: dict[str, Any]) -> str:
    sizes = sorted(results["builds"], key=int)
    if not sizes:
        return ""
    small, large = sizes[0], sizes[-1]
    blanks = " |" * (len(sizes) - 1)
    lines = ["| figure | " + " | ".join(f"N = {int(n):,}" for n in sizes) + " |"]
    lines.append("| --- |" + " --- |" * len(sizes))
    lines.append(
        "| program: cohort files + single award files | "
        + " | ".join(
            " + ".join(f"{c:,}" for c in results["cohorts"][n])
            + f" + {int(n) - sum(results['cohorts'][n]):,}"
            for n in sizes
        )
        + " |"
    )
    for key, label in ROWS:
        cells = []
        for n in sizes:
            b = results["builds"][n].get(key)
            if b is None:
                cells.append("")
                continue
            share = (
                "" if key == "cold" else f" ({b['seconds'] / results['builds'][n]['cold']['seconds']:.0%})"
            )
            done = f", {_count(b['signed'])} signed, {_count(b.get('pages_rendered'))} pages rendered"
            runs = b.get("samples") or []
            spread = f", median of {' / '.join(f'{x:.1f}' for x in runs)} s" if len(runs) > 1 else ""
            cells.append(f"{_fmt_s(b['seconds'])}{share}{done}{spread}")
        if key == "cohort":
            label += " of " + " / ".join(f"{results['details'][n]['cohort_awards']:,}" for n in sizes)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    rss = [max(b["max_rss_mb"] for b in results["builds"][n].values()) for n in sizes]
    lines.append("| peak memory (largest process) | " + " | ".join(f"{m:,.0f} MB" for m in rss) + " |")
    for n in sizes:
        ph = results["phases"].get(n) or {}
        pages = ph.get("badgepress: credential pages (cache, render workers)")
        if pages:
            lines.append(
                f"| credential pages at N = {int(n):,} (cold build, all cores) | {pages[0]:.1f} s, "
                f"{pages[0] / int(n) * 1000:.1f} ms a page |" + blanks
            )
    for n in sizes:
        prov = results.get("provenance", {}).get(n)
        if prov:
            lines.append(
                f"| provenance at N = {int(n):,} ({prov['pull_requests']:,} merged pull requests): "
                f"history read (one `git log`) | {_fmt_s(prov['read_seconds'])} wall, "
                f"{_fmt_s(prov['read_cpu_seconds'])} CPU; "
                f"provenance.json ({prov['file_bytes'] / 1e6:.1f} MB) built and signed in "
                f"{_fmt_s(prov['file_seconds'])} |" + blanks
            )
    ratio = results["builds"][large]["cold"]["seconds"] / results["builds"][small]["cold"]["seconds"]
    lines.append(
        f"| cold build, N = {int(large):,} / N = {int(small):,} | {ratio:.1f}× "
        f"(for {int(large) / int(small):.0f}× the awards) |" + blanks
    )
    example = results.get("example")
    if example:
        u = example["unchanged"]
        runs = " / ".join(f"{x:.1f}" for x in u["samples"])
        lines.append(
            f"| the repository's example program: rebuild, nothing changed | {_fmt_s(u['seconds'])} "
            f"(median of {runs} s; cold {_fmt_s(example['cold']['seconds'])}) |" + blanks
        )
        cohort = results["builds"][large]["cohort"]["seconds"]
        lines.append(
            f"| one-award rebuild in a cohort of {results['details'][large]['cohort_awards']:,} (N = "
            f"{int(large):,}) ÷ the example's untouched rebuild | {cohort / u['seconds']:.2f}× |" + blanks
        )
        if "bootcamp_changed" in example:
            b_u, b_c = example["bootcamp_unchanged"], example["bootcamp_changed"]
            each = " / ".join(f"{x:.1f}" for x in b_c["samples"])
            lines.append(
                f"| the example with a bootcamp's roster of 2,000 imported (one cohort file): rebuild, "
                f"nothing changed; after changing one award of the cohort | {_fmt_s(b_u['seconds'])}; "
                f"{_fmt_s(b_c['seconds'])} ({each} s; {_count(b_c['signed'])} signed, "
                f"{_count(b_c['pages_rendered'])} pages rendered), "
                f"{b_c['seconds'] / u['seconds']:.2f}× the example's untouched rebuild |" + blanks
            )
    return "\n".join(lines)


def report_signing(results: dict[str, Any]) -> str:
    s = results["signing"]
    rates = s["rates"]
    lines = []
    lines.append(
        f"Signing throughput, the same {s['sample']} credentials, one process (credentials per CPU-second):"
    )
    lines.append("")
    lines.append("| signer | credentials/s/core | fast path is |")
    lines.append("| --- | --- | --- |")
    for name in ("fast", "reference", "plain", "js"):
        if name in rates:
            r = rates[name]
            times = rates["fast"]["per_core"] / r["per_core"]
            lines.append(f"| {r['name']} | {r['per_core']:,.0f} | {times:.1f}× |")
    p = s["parallel"]
    lines.append(
        f"| fast path, whole batch of {p['credentials']:,} in {p['workers']} process(es) | "
        f"{p['credentials'] / p['seconds']:,.0f} (all cores) | |"
    )
    lines.append("")
    lines.append(f"All signers made identical proofs: {'yes' if s['identical_proofs'] else 'NO'}.")
    if s.get("js_note"):
        lines.append(f"JavaScript reference not measured: {s['js_note']}.")
    return "\n".join(lines)


# issue 15: N = 10,000 stays within 20% of the figures in README's "Scale" table before the
# redesign (2-core development machine, 2026-12-06)
REFERENCE_N = "10000"
REFERENCE = {"cold": 44.7, "changed": 4.9}
REFERENCE_LABELS = {"cold": "cold build", "changed": "one-award rebuild"}
EXAMPLE_RATIO = 1.5

Goal = tuple[str, bool | None]  # None: not measured in this run


def goals(results: dict[str, Any]) -> dict[str, list[Goal]]:
    """The goals of issue 15, and those kept from earlier issues, each with ✓, ✗ or – (not measured)."""
    return {"issue 15": goals_issue_15(results), "kept from earlier issues": goals_earlier(results)}


def goals_issue_15(results: dict[str, Any]) -> list[Goal]:
    sizes = sorted(results["builds"], key=int)
    checks: list[Goal] = []
    reference = results["builds"].get(REFERENCE_N)
    for kind, figure in REFERENCE.items():
        label = f"{REFERENCE_LABELS[kind]} of N = 10,000 within 20% of {figure} s"
        if reference is None:
            checks.append((f"{label} (not measured: no N = 10,000 in this run)", None))
        else:
            seconds = reference[kind]["seconds"]
            checks.append((f"{label} ({seconds:.1f} s, {seconds / figure:.0%})", seconds <= 1.2 * figure))
    if not sizes:
        return checks
    large = sizes[-1]
    example = results.get("example")
    if example and "bootcamp_changed" in example:
        ratio = example["bootcamp_changed"]["seconds"] / example["unchanged"]["seconds"]
        checks.append(
            (
                f"one-award rebuild in a cohort of 2,000 (the example program with a bootcamp's roster) "
                f"at most {EXAMPLE_RATIO}× an untouched rebuild of the example program ({ratio:.2f}×)",
                ratio <= EXAMPLE_RATIO,
            )
        )
    deploy = results["builds"][large]["deploy"]
    earners = results["details"][large]["deploy"]["earners"]
    signed, rendered = deploy["signed"], deploy.get("pages_rendered")
    known = signed is not None and rendered is not None
    checks.append(
        (
            f"a deployment after one merged award (N = {int(large):,}) signs one credential and renders "
            f"no page but its achievement's {earners:,} ({_count(signed)} signed, "
            f"{_count(rendered)} pages rendered; {_fmt_s(deploy['seconds'])})",
            signed == 1 and rendered is not None and rendered <= earners if known else None,
        )
    )
    return checks


def goals_earlier(results: dict[str, Any]) -> list[Goal]:
    sizes = sorted(results["builds"], key=int)
    rates = results["signing"]["rates"]
    fast = rates["fast"]["per_core"]
    checks: list[Goal] = [
        (
            f"signing ≥3× plain pyld + PyNaCl per core ({fast / rates['plain']['per_core']:.1f}×)",
            fast >= 3 * rates["plain"]["per_core"],
        ),
    ]
    if "js" in rates:
        checks.append(
            (
                f"signing ≥3× the JavaScript signer per core ({fast / rates['js']['per_core']:.1f}×)",
                fast >= 3 * rates["js"]["per_core"],
            )
        )
    if not sizes:
        return checks
    small, large = sizes[0], sizes[-1]
    b = results["builds"][large]
    checks += [
        (
            f"cold build of N = {int(large):,} under 60 s ({b['cold']['seconds']:.1f} s)",
            b["cold"]["seconds"] < 60,
        ),
        (
            f"cold N = {int(large):,} at most 11× N = {int(small):,} "
            f"({b['cold']['seconds'] / results['builds'][small]['cold']['seconds']:.1f}×)",
            b["cold"]["seconds"] <= 11 * results["builds"][small]["cold"]["seconds"],
        ),
        (
            f"peak memory under 1 GB ({max(x['max_rss_mb'] for x in b.values()):,.0f} MB)",
            max(x["max_rss_mb"] for x in b.values()) < 1024,
        ),
    ]
    prov = results.get("provenance", {}).get(large)
    if prov:
        checks.append(
            (
                f"reading the history of N = {int(large):,} awards takes at most about a second of CPU "
                f"({prov['read_cpu_seconds']:.2f} s; {prov['read_seconds']:.2f} s wall)",
                prov["read_cpu_seconds"] <= 1.2,
            )
        )
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="N = 200 and 2,000 instead of 1,000 and 10,000")
    parser.add_argument("--sizes", help="comma-separated award counts (overrides --quick)")
    parser.add_argument("--achievements", type=int, default=200, help="M, the number of achievements")
    parser.add_argument("--sample", type=int, default=200, help="credentials in the throughput sample")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of the throughput measurement (best kept)"
    )
    parser.add_argument(
        "--signing-only", action="store_true", help="only the signing throughput (on N = 1,000; no builds)"
    )
    parser.add_argument("--no-js", action="store_true", help="skip the JavaScript reference signer")
    parser.add_argument("--keep", type=Path, help="generate the programs here and keep them")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else [200, 2000]
        if args.quick
        else [1000, 10000]
    )
    if args.signing_only:
        sizes = sizes[:1]
    achievements = min(args.achievements, min(sizes))
    started = time.perf_counter()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="badgepress-bench-"))
    key = KeyPair.generate()
    results: dict[str, Any] = {
        "builds": {},
        "details": {},
        "cohorts": {},
        "phases": {},
        "provenance": {},
        "achievements": achievements,
        "cores": os.cpu_count(),
    }
    try:
        for n in sizes:
            root = workdir / f"program-{n}"
            shutil.rmtree(root, ignore_errors=True)
            results["cohorts"][str(n)] = cohort_sizes(n)
            print(
                f"generating {n:,} awards across {achievements} achievements in {root} "
                f"(cohorts of {', '.join(f'{c:,}' for c in cohort_sizes(n)) or 'none'}) …",
                file=sys.stderr,
            )
            generate_program(root, n, achievements, key)
            if args.signing_only:
                break
            # a repository whose main line merged the awards in pull requests: builds read its history
            pull_requests = commit_history(root)
            print(f"building N = {n:,} …", file=sys.stderr)
            builds, details = measure_builds(root, key)
            results["builds"][str(n)] = {k: asdict(v) for k, v in builds.items()}
            results["details"][str(n)] = details
            results["phases"][str(n)] = phases(root, key)
            results["provenance"][str(n)] = measure_provenance(root, key, pull_requests)
            for k, v in builds.items():
                print(
                    f"  {k}: {v.seconds:.1f} s (runs {v.samples or [round(v.seconds, 2)]}), "
                    f"{v.max_rss_mb:.0f} MB, signed {_count(v.signed)}, rendered {_count(v.pages_rendered)}"
                    + (f" (each run: {v.sample_counts})" if v.sample_counts else ""),
                    file=sys.stderr,
                )
                for line in v.log:
                    print(f"    {line}", file=sys.stderr)
            first = details["deploy"]["first_from_in_place_cache"]
            print(
                f"  first deployment (the in-place build's cache restored, not measured): "
                f"{first['seconds']:.1f} s, signed {_count(first['signed'])}, "
                f"rendered {_count(first['pages_rendered'])}",
                file=sys.stderr,
            )
        if not args.signing_only:
            print("building the example program …", file=sys.stderr)
            results["example"] = {k: asdict(v) for k, v in measure_example(workdir, key).items()}
        print("measuring signing throughput …", file=sys.stderr)
        pairs = unsigned_credentials(workdir / f"program-{sizes[0]}")
        results["signing"] = measure_signing(pairs, args.sample, args.rounds, not args.no_js)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    results["seconds"] = time.perf_counter() - started
    print(report(results))
    for group, checks in goals(results).items():
        print(f"\nGoals, {group}:")
        for text, ok in checks:
            print(f"{'–' if ok is None else '✓' if ok else '✗'} {text}")
    print(f"\nbenchmark ran in {results['seconds'] / 60:.1f} min on {results['cores']} cores")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
