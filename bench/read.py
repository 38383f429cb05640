"""Reading letters, measured (issue 21): how many fields a photo or a scan of a letter gives right.

    python bench/read.py [--letters 300] [--held-out 40] [--held-out-2 40] [--held-out-3 36] [--held-out-4 0] [--held-out-5 0] [--held-out-6 0] [--held-out-7 0] [--held-out-8 0] [--workers 2] [--seed 2026] [--minutes M]

Invents `--letters` decisions and answer letters (bench/read_corpus.py: four decisions for one
answer), and reads each three ways through assistant.reading (read_letter for a decision,
read_answer_letter for an answer): its PDF's text layer (the rules alone), an office scan
(« clean »: grayscale 200–300 dpi, slight skew) and a phone photo (« photo »: perspective,
rotation up to 10°, blur, shadow, low light, JPEG 40–70). Then the held-out layouts
(bench/read_heldout/, never used to tune the rules) the same way, then the second held-out set
(bench/read_heldout2/, « held-out 2 », committed before the rules were changed again) apart, the third
(bench/read_heldout3/, « held-out 3 », written blind to the rules) apart too, the fourth
(bench/read_heldout4/, « held-out 4 », blind too, on other bodies and layouts) apart, the fifth
(bench/read_heldout5/, « held-out 5 », blind too, on what the four others lack) apart, the sixth
(bench/read_heldout6/, « held-out 6 », blind too, on what the five others lack) apart, the seventh
(bench/read_heldout7/, « held-out 7 », blind too, on what the six others lack) apart, the eighth
(bench/read_heldout8/, « held-out 8 », blind too, on what the seven others lack) apart, and the public examples of
../shared/letters (their expected.json lists only some fields: only those are scored).

For every expected field: right, wrong, or left unanswered. A proposal for a field the letter
does not state (say `context.fraud_alleged` where it says nothing of fraud) is wrong too: it
is counted in « wrong » and shown apart as « en trop ». Values (dates, amounts, numbers,
names) are counted apart from yes/no answers; a « no » is expected only where the letter's text
supports it (bench/read_corpus.py). Names and cities compare without case, an organism's name
also without its article (« CAF de la Loire-Atlantique » = « CAF de Loire-Atlantique ») or
abbreviation, its address with or without a service's line before the street (the person's with or without
the complement's lines: apartment, building, residence), file numbers
without spaces, amounts to the cent.

Time per page is the wall time of the read in its worker (and the CPU time of the worker and
its Tesseract processes), over the pages of the letter; with 2 workers on 2 cores each read
has one core. Peak memory is the `ru_maxrss` of `python -m assistant read FILE --json` run as
a child process on a few photos and scans, before the bench grows (the read process as people
run it; the kernel's figure is the largest of it and its Tesseract processes, not their sum).

Aims (issue 21, 2 cores): clean scans ≥ 98 % right, photos ≥ 90 % right, wrong ≤ 1 %,
< 3 s a page, < 400 MB.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # read_corpus, also in the workers
SHARED = ROOT.parent / "shared" / "letters"
MODES = ("pdf", "clean", "photo")
# Fields a reader may fill that these letters neither state nor deny: not scored either way.
NOT_SCORED = frozenset({"decision.received", "claimant.commune_code", "context.own_words"})
AIMS = {"clean": 0.98, "photo": 0.90, "wrong": 0.01, "seconds": 3.0, "megabytes": 400.0}


# --- Comparing a proposal with what the letter says ---------------------------------------------

_ABBREVIATIONS = (("caisse d'allocations familiales", "caf"), ("caisse primaire d'assurance maladie", "cpam"),
                  ("mutualite sociale agricole", "msa"), ("maison departementale des personnes handicapees", "mdph"),
                  ("caisse d'assurance retraite et de la sante au travail", "carsat"))


def _fold(text: str, accents: bool = True) -> str:
    text = unicodedata.normalize("NFC", str(text)).casefold().replace("’", "'")
    if not accents:
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = re.sub(r"[\s\-]+", " ", text)
    return text.strip(" .,;:")


def _organism(name: str) -> str:
    text = _fold(name, accents=False)
    for long, short in _ABBREVIATIONS:
        text = text.replace(long, short)
    return re.sub(r" (de la|de l'|du|des|de|d') ?", " de ", text).replace("  ", " ")


# (and the lines overseas addresses carry: « Lotissement Les Amandiers », « Cité … », « Quartier … »,
# « Section Boisripeaux »: the place's part in the commune, line 5 of a French postal address)
_COMPLEMENT = re.compile(r"(appartement|appt|apt|batiment|bat|residence|escalier|esc|etage|\d+ ?(?:e|eme|er) etage|porte|chez|aux bons soins de|c/o|lieu dit|immeuble|"
                         r"ehpad|chambre|foyer|maison de retraite|lotissement|cite|quartier|section|hameau|domaine)\b")
_CEDEX = re.compile(r" cedex(?: \d{1,2})?$")


def same(field: str, expected: Any, proposed: Any) -> bool:
    """Whether a proposed value is the expected one, as a person checking it would judge."""
    if isinstance(expected, bool) or isinstance(proposed, bool):
        return expected is proposed
    if isinstance(expected, (int, float)):
        try:
            return abs(float(proposed) - float(expected)) < 0.005
        except (TypeError, ValueError):
            return False
    if isinstance(proposed, list):
        return len(proposed) == 1 and same(field, expected, proposed[0])
    if field == "claimant.file_number":
        return re.sub(r"[\s.\-]", "", str(proposed)).casefold() == re.sub(r"[\s.\-]", "", str(expected)).casefold()
    if field == "organism.name":
        return _organism(proposed) == _organism(expected)
    if field.endswith("address"):  # a service's line before the street is part of the address
        got, want = _fold(str(proposed).replace(",", " ")), _fold(str(expected).replace(",", " "))
        if field == "claimant.address" and got != want:
            # the complement's lines before the street (« Appartement 34, Résidence Les Glycines,
            # 20 bis rue du Moulin »): the whole postal address, as fair as the street alone
            # (or after it: « 27 place Victor Hugo, Lieu-dit Le Puy Blanc »)
            parts = [_fold(part, accents=False) for part in str(proposed).split(",")]
            street = _fold(expected, accents=False)
            return len(parts) > 1 and parts.count(street) == 1 and all(_COMPLEMENT.match(part) for part in parts if part != street)
        if field == "organism.address":   # « 97411 Saint-Paul CEDEX »: the body's postal address, CEDEX and all
            got, want = _CEDEX.sub("", got), _CEDEX.sub("", want)
        return got == want or (field == "organism.address" and got.endswith(" " + want))
    return _fold(proposed) == _fold(expected)


# --- Reading, in workers ------------------------------------------------------------------------

def _cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _read(kind: str, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    from assistant.reading import read_answer_letter, read_letter
    from assistant.reading.model import UnreadableLetter

    wall, cpu = time.perf_counter(), _cpu()
    error = None
    fields: dict[str, Any] = {}
    try:
        reading = (read_answer_letter if kind == "answer" else read_letter)(files)
        fields = {k: p.value for k, p in reading.fields.items()}
    except UnreadableLetter as refused:
        error = f"illisible : {refused}"
    except Exception as crash:  # a crash is measured, not hidden: reported below
        error = f"{type(crash).__name__}: {crash}"
    return {"fields": fields, "error": error, "wall": time.perf_counter() - wall, "cpu": _cpu() - cpu}


def _text_read(kind: str, text: str) -> dict[str, Any]:
    """The rules alone on the PDF's text layer (no OCR): what the rules can do at best."""
    try:
        if kind == "answer":
            from assistant.reading.answer import read_answer
            found = read_answer(text)
        else:
            from assistant.reading.decision import read_decision
            found = read_decision(text)
        return {"fields": {k: p.value for k, p in found.items()}, "error": None, "wall": 0.0, "cpu": 0.0}
    except Exception as crash:
        return {"fields": {}, "error": f"{type(crash).__name__}: {crash}", "wall": 0.0, "cpu": 0.0}


# The sets read, training first: (task key, read_corpus.letter's `held_out`, the option giving
# how many letters, the name in the aims' summary, the title of its report).
SETS = (
    ("train", False, "letters", "entraînement", "Modèles d'entraînement (bench/read_corpus.py)"),
    ("held_out", 1, "held_out", "réservés", "Modèles réservés (bench/read_heldout, jamais utilisés pour régler les règles)"),
    ("held_out2", 2, "held_out_2", "réservés 2",
     "Second jeu réservé (bench/read_heldout2, held-out 2, jamais utilisé pour régler les règles)"),
)
# The sets written blind to the rules (bench/read_heldout3 onwards): their ordinal in the report.
BLIND = {3: "Troisième", 4: "Quatrième", 5: "Cinquième", 6: "Sixième", 7: "Septième", 8: "Huitième", 9: "Neuvième",
         10: "Dixième", 11: "Onzième", 12: "Douzième", 13: "Treizième", 14: "Quatorzième",
         15: "Quinzième", 16: "Seizième", 17: "Dix-septième", 18: "Dix-huitième", 19: "Dix-neuvième",
         20: "Vingtième", 21: "Vingt et unième", 22: "Vingt-deuxième", 23: "Vingt-troisième",
         24: "Vingt-quatrième", 25: "Vingt-cinquième", 26: "Vingt-sixième", 27: "Vingt-septième",
         28: "Vingt-huitième", 29: "Vingt-neuvième", 30: "Trentième", 31: "Trente et unième",
         32: "Trente-deuxième", 33: "Trente-troisième", 34: "Trente-quatrième", 35: "Trente-cinquième"}
SETS += tuple((f"held_out{n}", n, f"held_out_{n}", f"réservés {n}",
               f"{name} jeu réservé (bench/read_heldout{n}, held-out {n}, écrit sans voir les règles, jamais utilisé pour les régler)")
              for n, name in BLIND.items())


def _work(task: tuple[str, int, int]) -> dict[str, Any]:
    """Make one letter, its scan and its photo, and read all three."""
    import read_corpus as rc

    which, i, seed = task
    sample = rc.letter(i, seed, held_out=next(held for key, held, *_ in SETS if key == which))
    out = {"id": sample.id, "body": sample.body, "kind": sample.kind, "layout": sample.layout, "pages": sample.pages,
           "expected": sample.expected, "ignore": sorted(sample.ignore), "reads": {}}
    out["reads"]["pdf"] = _text_read(sample.kind, sample.text)
    pages = range(sample.pages)
    out["reads"]["clean"] = _read(sample.kind, [(f"scan-{p + 1}.png", rc.scan(sample.pdf, i, p)) for p in pages])
    out["reads"]["photo"] = _read(sample.kind, [(f"photo-{p + 1}.jpg", rc.photo(sample.pdf, i, p)) for p in pages])
    return out


def _shared() -> list[dict[str, Any]]:
    """The public examples: each stem's scan and photo, scored on its expected.json."""
    out = []
    for expected_file in sorted(SHARED.glob("*.expected.json")):
        stem = expected_file.name[: -len(".expected.json")]
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        result = {"id": stem, "body": expected.get("organism.kind", "?"), "kind": "decision", "layout": "shared",
                  "pages": 1, "expected": expected, "ignore": [], "reads": {}, "partial": True}
        for mode, pattern in (("clean", f"{stem}-scan.*"), ("photo", f"{stem}-photo.*")):
            found = sorted(SHARED.glob(pattern))
            if found:
                result["reads"][mode] = _read("decision", [(f.name, f.read_bytes()) for f in found])
        out.append(result)
    return out


# --- Scoring --------------------------------------------------------------------------------------

class Tally:
    def __init__(self) -> None:
        self.right = self.wrong = self.unanswered = self.extra = 0

    def add(self, other: "Tally") -> None:
        self.right += other.right
        self.wrong += other.wrong
        self.unanswered += other.unanswered
        self.extra += other.extra

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.unanswered + self.extra

    def share(self, what: str) -> float:
        value = {"right": self.right, "wrong": self.wrong + self.extra, "unanswered": self.unanswered}[what]
        return value / self.total if self.total else 0.0

    def row(self) -> str:
        return (f"{self.total:6d} {self.share('right'):7.1%} {self.share('wrong'):7.1%} {self.share('unanswered'):7.1%}"
                f" {self.extra:6d}")


HEADER = f"{'':34s} {'champs':>6s} {'justes':>7s} {'faux':>7s} {'vides':>7s} {'en trop':>7s}"


def score(results: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    """Tallies for one way of reading: overall, values, yes/no, per field, per body."""
    overall, values, yes_no = Tally(), Tally(), Tally()
    by_field: dict[str, Tally] = defaultdict(Tally)
    by_body: dict[str, Tally] = defaultdict(Tally)
    errors: list[str] = []
    wrong_examples: dict[str, list[str]] = defaultdict(list)
    for r in results:
        read = r["reads"].get(mode)
        if read is None:
            continue
        if read["error"]:
            errors.append(f"{r['id']} ({r['layout']}): {read['error'][:160]}")
        proposed = read["fields"]
        ignore = set(r["ignore"]) | NOT_SCORED
        scored = {k: v for k, v in r["expected"].items() if k not in ignore}
        if r["kind"] == "answer":
            scored = {k: v for k, v in scored.items() if k == "answer.kind"}
        extras = {} if (r.get("partial") or r["kind"] == "answer") else {
            k: v for k, v in proposed.items() if k not in scored and k not in ignore}
        for key, want in scored.items():
            t = Tally()
            if key not in proposed:
                t.unanswered = 1
            elif same(key, want, proposed[key]):
                t.right = 1
            else:
                t.wrong = 1
                if len(wrong_examples[key]) < 3:
                    wrong_examples[key].append(f"{r['id']}: {proposed[key]!r} au lieu de {want!r}")
            for bucket in (overall, yes_no if isinstance(want, bool) else values, by_field[key], by_body[r["body"]]):
                bucket.add(t)
        for key, got in extras.items():
            t = Tally()
            t.extra = 1
            if len(wrong_examples[key]) < 3:
                wrong_examples[key].append(f"{r['id']}: {got!r} (non écrit)")
            for bucket in (overall, yes_no if isinstance(got, bool) else values, by_field[key], by_body[r["body"]]):
                bucket.add(t)
    return {"overall": overall, "values": values, "yes_no": yes_no, "by_field": dict(by_field), "by_body": dict(by_body),
            "errors": errors, "wrong_examples": dict(wrong_examples)}


def _seconds(results: list[dict[str, Any]], mode: str) -> tuple[float, float, float, int]:
    """(mean wall s/page, 95th percentile wall s/page, mean CPU s/page, pages)."""
    per_page = sorted(r["reads"][mode]["wall"] / max(r["pages"], 1) for r in results if mode in r["reads"])
    cpu = [r["reads"][mode]["cpu"] / max(r["pages"], 1) for r in results if mode in r["reads"]]
    pages = sum(r["pages"] for r in results if mode in r["reads"])
    if not per_page:
        return 0.0, 0.0, 0.0, 0
    return (sum(per_page) / len(per_page), per_page[min(len(per_page) - 1, int(0.95 * len(per_page)))],
            sum(cpu) / len(cpu), pages)


def report(title: str, results: list[dict[str, Any]], fields: bool = True) -> dict[str, Any]:
    """Print one set's tables; return its figures for the aims."""
    print(f"\n=== {title} : {len(results)} courriers ({sum(r['kind'] == 'answer' for r in results)} réponses) ===")
    figures: dict[str, Any] = {}
    for mode in MODES:
        s = score(results, mode)
        if not s["overall"].total:
            continue
        mean, p95, cpu, pages = _seconds(results, mode)
        label = {"pdf": "texte du PDF (règles seules)", "clean": "scan de bureau", "photo": "photo de téléphone"}[mode]
        print(f"\n--- {label} ---" + (f"  ({pages} pages ; {mean:.2f} s/page en moyenne, 95e centile {p95:.2f} s, "
                                        f"CPU {cpu:.2f} s/page)" if mode != "pdf" else ""))
        print(HEADER)
        print(f"{'tous les champs':34s} {s['overall'].row()}")
        print(f"{'  valeurs (dates, montants, noms…)':34s} {s['values'].row()}")
        print(f"{'  oui / non':34s} {s['yes_no'].row()}")
        if fields:
            print("par champ :")
            for key, t in sorted(s["by_field"].items(), key=lambda kv: (kv[1].share("right"), kv[0])):
                print(f"  {key:32s} {t.row()}")
            print("par organisme :")
            for key, t in sorted(s["by_body"].items()):
                print(f"  {key:32s} {t.row()}")
        worst = [k for k, t in sorted(s["by_field"].items(), key=lambda kv: -(kv[1].wrong + kv[1].extra)) if t.wrong + t.extra][:6]
        for key in worst:
            for example in s["wrong_examples"].get(key, []):
                print(f"  faux · {key}: {example}")
        if s["errors"]:
            print(f"  {len(s['errors'])} lecture(s) sans résultat, dont : " + " | ".join(s["errors"][:3]))
        figures[mode] = {"right": s["overall"].share("right"), "wrong": s["overall"].share("wrong"),
                         "unanswered": s["overall"].share("unanswered"), "seconds": mean, "p95": p95, "cpu": cpu}
    return figures


# --- Peak memory of the read process ----------------------------------------------------------------

_LAUNCHER = ("import resource, subprocess, sys\n"
             "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")


def peak_memory(samples: int = 3, seed: int = 2026) -> list[tuple[str, float, float]]:
    """(what, MB, seconds) of `python -m assistant read FILE... --json` run as a child process."""
    import read_corpus as rc

    runs = []
    picks = [rc.letter(0, seed), rc.letter(1, seed)]
    longest = next((s for s in (rc.letter(i, seed) for i in range(2, 60)) if s.pages > 1), None)
    if longest is not None:
        picks.append(longest)
    with tempfile.TemporaryDirectory() as folder:  # invented letters only
        for n, sample in enumerate(picks[:samples]):
            for mode, make, ext in (("scan", rc.scan, "png"), ("photo", rc.photo, "jpg")):
                paths = []
                for p in range(sample.pages):
                    path = Path(folder) / f"{sample.id}-{mode}-{p + 1}.{ext}"
                    path.write_bytes(make(sample.pdf, n, p))
                    paths.append(str(path))
                start = time.perf_counter()
                # A small launcher starts the read and reports its peak: a child forked from this
                # (large) bench would inherit the bench's own peak in its ru_maxrss.
                run = subprocess.run([sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "assistant", "read", *paths,
                                      "--json"], cwd=ROOT, capture_output=True, text=True, check=True)
                kilobytes, code = run.stdout.split()
                runs.append((f"{mode} {sample.pages} p. (code {code})", int(kilobytes) / 1024, time.perf_counter() - start))
    return runs


# --- Main -------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=300, help="courriers inventés (modèles d'entraînement)")
    parser.add_argument("--held-out", type=int, default=40, help="courriers des modèles réservés (bench/read_heldout)")
    parser.add_argument("--held-out-2", type=int, default=40, help="courriers du second jeu réservé (bench/read_heldout2)")
    # 0 by default from the fourth set on: read only when asked, so that no routine run shows its score
    for n, name in BLIND.items():
        parser.add_argument(f"--held-out-{n}", type=int, default=36 if n == 3 else 0,
                            help=f"courriers du {name.lower()} jeu réservé, écrit sans voir les règles (bench/read_heldout{n})"
                                 + ("" if n == 3 else " ; 0 : non lu"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--brief", action="store_true", help="sans le détail par champ et par organisme")
    parser.add_argument("--memory-samples", type=int, default=3, help="courriers lus par `assistant read` pour la mémoire (0 : sans)")
    parser.add_argument("--minutes", type=float, default=0, help="arrêter après ce temps et compter ce qui est lu (0 : tout lire)")
    args = parser.parse_args()

    memory = peak_memory(args.memory_samples, seed=args.seed) if args.memory_samples else []
    started = time.perf_counter()
    sizes = {key: getattr(args, option) for key, _, option, *_ in SETS}
    # Interleaved, so that a run stopped by --minutes still has every set in proportion.
    tasks = sorted(((key, i, args.seed) for key, size in sizes.items() for i in range(size)),
                   key=lambda t: t[1] / max(sizes[t[0]], 1))
    deadline = started + args.minutes * 60 if args.minutes else None
    results: dict[tuple[str, int, int], dict[str, Any]] = {}
    # Spawned, not forked: the memory measure has already started Typst's threads in this
    # process, and a forked child would wait forever on their locks.
    pool = ProcessPoolExecutor(max_workers=args.workers, mp_context=multiprocessing.get_context("spawn"))
    pending = {pool.submit(_work, task): task for task in tasks}
    try:
        for future in as_completed(pending, timeout=(deadline - time.perf_counter()) if deadline else None):
            results[pending[future]] = future.result()
            if len(results) % 20 == 0:
                print(f"… {len(results)}/{len(tasks)} courriers lus ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    except FuturesTimeout:
        print(f"--minutes {args.minutes} atteint : {len(results)} courriers lus sur {len(tasks)}, les autres abandonnés.")
    finally:
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in workers:  # the reads still under way: our own workers, by their handle
            process.terminate()
    done = [(task, results[task]) for task in tasks if task in results]
    shared = _shared() if SHARED.is_dir() else []

    figures = {}
    for key, _, _, name, title in SETS:   # training always; a held-out set when it was read
        read = [r for t, r in done if t[0] == key]
        if read or key == "train":
            figures[name] = report(title, read, not args.brief)
    if shared:
        figures["../shared/letters"] = report("Exemples publics (../shared/letters, champs listés seulement)", shared)
    print("\n=== Mémoire de pointe de `python -m assistant read … --json` (processus enfant, ru_maxrss) ===")
    for what, mb, seconds in memory:
        print(f"  {what:28s} {mb:7.0f} Mo  {seconds:5.1f} s (démarrage compris)")
    peak = max((mb for _, mb, _ in memory), default=0.0)

    print(f"\n=== Objectifs (issue 21) — machine : {os.cpu_count()} cœurs, {args.workers} lecture(s) en parallèle ===")
    for name, f in figures.items():
        for mode, aim in (("clean", AIMS["clean"]), ("photo", AIMS["photo"])):
            if mode in f:
                met = f[mode]["right"] >= aim and f[mode]["wrong"] <= AIMS["wrong"]
                print(f"  {name:20s} {mode:6s} justes {f[mode]['right']:6.1%} (objectif ≥ {aim:.0%}), faux {f[mode]['wrong']:5.1%}"
                      f" (≤ {AIMS['wrong']:.0%}), {f[mode]['seconds']:.2f} s/page (< {AIMS['seconds']:.0f} s) :"
                      f" {'atteint' if met and f[mode]['seconds'] < AIMS['seconds'] else 'NON atteint'}")
    print(f"  mémoire de pointe {peak:.0f} Mo (objectif < {AIMS['megabytes']:.0f} Mo) : "
          f"{'atteint' if peak < AIMS['megabytes'] else 'NON atteint'}")
    print(f"\n({len(done)} courriers sur {len(tasks)} en {time.perf_counter() - started:.0f} s, génération comprise)")


if __name__ == "__main__":
    main()
