"""Benchmark: does a meta-analysis of rounded, published aggregates match the exact one?

    python benchmarks/disclosure_meta.py [--projects 30] [--seeds 50]

For each seed, invents PROJECTS projects (10 to 300 people each, WEMWBS at baseline and at
the end, each project with its own true change around a common one), runs the real
aggregate (`aggregate_responses`) on each project's responses twice:

- exact: `--disclosure threshold-10` (no project has fewer than 10 people, so nothing is
  suppressed or rounded): the change's mean, SD and n as they are; variance SD^2 / n;
- rounded: NHS Digital (the default): n rounded to the nearest 5 and the mean and SD to the
  places that keep the rounding from being undone; variance SD^2 x the mean of 1/k over
  every count k the published n may stand for (`meta.change_variance(..., bucket=)`),

and pools each set with DerSimonian and Laird (`meta.dersimonian_laird`): the mean change,
and the standardised mean change (`meta.standardised`). Records the pooled estimates, their
95% intervals and tau^2, and their relative differences, to
benchmarks/results/disclosure-meta.json, and rewrites its section of RESULTS.md.
Target: the pooled estimate from rounded figures within 2% of the exact one.
Nothing is timed.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from coprod_standard.instruments.disclosure import Policy  # noqa: E402
from coprod_standard.instruments.run import aggregate_responses  # noqa: E402
from coprod_standard.research import meta  # noqa: E402

RESULTS = HERE / "results" / "disclosure-meta.json"
RESULTS_MD = HERE / "RESULTS.md"
START, END = "<!-- disclosure-meta:start -->", "<!-- disclosure-meta:end -->"
TARGET = 0.02
HEAD = "respondent,instrument,timepoint,date," + ",".join(f"item{i}" for i in range(1, 15))


def responses(rng: random.Random, people: int, change: float) -> bytes:
    """WEMWBS answers (14 items, 1 to 5) at baseline and end for PEOPLE: each person's
    level scatters across the scale; by the end it moves by about CHANGE points."""
    rows = [HEAD]
    for person in range(people):
        level = rng.gauss(3.0, 0.5)
        moved = level + (change + rng.gauss(0, 5.0)) / 14
        for timepoint, centre in (("baseline", level), ("end", moved)):
            items = [min(5, max(1, round(centre + rng.gauss(0, 0.6)))) for _ in range(14)]
            day = "2025-01-15" if timepoint == "baseline" else "2025-07-15"
            rows.append(f"R{person:04d},wemwbs,{timepoint},{day}," + ",".join(map(str, items)))
    return ("\n".join(rows) + "\n").encode()


def change_of(source: bytes, policy: Policy) -> dict:
    run = aggregate_responses(source, policy=policy)
    end = next(r for r in run.reports[("wemwbs", "wemwbs-total")] if r["timepoint"] == "end")
    return end["change"]


def pool(changes: list[dict], policy: Policy) -> dict:
    studies, standard = [], []
    for i, change in enumerate(changes):
        bucket = policy.bucket(change["n"])
        variance = meta.change_variance(change["n"], change["sd"], None, None, bucket=bucket)
        studies.append(meta.Study(f"p{i}", change["mean"], variance, change["n"]))
        d, d_variance = meta.standardised(change["mean"], change["sd"], change["n"], True,
                                          bucket=bucket)
        standard.append(meta.Study(f"p{i}", d, d_variance, change["n"]))
    out = {}
    for name, pooled in (("meanChange", meta.dersimonian_laird(studies)),
                         ("smd", meta.dersimonian_laird(standard))):
        out[name] = {"estimate": pooled.estimate, "lower": pooled.lower,
                     "upper": pooled.upper, "tau2": pooled.tau2, "i2": pooled.i2}
    return out


def _relative(rounded: float, exact: float) -> float | None:
    return abs(rounded - exact) / abs(exact) if exact else None


SCENARIOS = {"10-300": (10, 300), "10-40": (10, 40)}  # people a project: any, or small


def one_seed(seed: int, projects: int, smallest: int = 10, largest: int = 300) -> dict:
    rng = random.Random(seed)
    exact, rounded, sizes = [], [], []
    for _ in range(projects):
        people = rng.randint(smallest, largest)
        source = responses(rng, people, rng.gauss(3.0, 1.5))
        exact.append(change_of(source, Policy("threshold-10")))
        rounded.append(change_of(source, Policy("nhs-digital")))
        sizes.append(people)
    assert all(c["n"] == s for c, s in zip(exact, sizes, strict=True))  # nothing hidden
    result = {"seed": seed, "sizes": sizes, "exact": pool(exact, Policy("threshold-10")),
              "rounded": pool(rounded, Policy("nhs-digital")), "relative": {}}
    for measure in ("meanChange", "smd"):
        e, r = result["exact"][measure], result["rounded"][measure]
        result["relative"][measure] = {
            "estimate": _relative(r["estimate"], e["estimate"]),
            "lower": _relative(r["lower"], e["lower"]),
            "upper": _relative(r["upper"], e["upper"]),
            "width": _relative(r["upper"] - r["lower"], e["upper"] - e["lower"]),
            "tau2": _relative(r["tau2"], e["tau2"]),
            "tau2Absolute": abs(r["tau2"] - e["tau2"]),
        }
    return result


def worst(seeds: list[dict]) -> dict:
    out = {}
    for measure in ("meanChange", "smd"):
        out[measure] = {}
        for key in ("estimate", "lower", "upper", "width", "tau2", "tau2Absolute"):
            values = [(s["relative"][measure][key], s["seed"]) for s in seeds
                      if s["relative"][measure][key] is not None]
            value, seed = max(values)
            out[measure][key] = {"value": value, "seed": seed}
    return out


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"


def _worst(worst_of: dict) -> str:
    found = worst_of["meanChange"]["estimate"]
    return f"{_pct(found['value'])} (seed {found['seed']})"


def write_section(result: dict) -> None:
    main, small = result["scenarios"]["10-300"], result["scenarios"]["10-40"]
    w, ws = main["worst"], small["worst"]
    rows = []
    for s in main["seeds"]:
        e, r = s["exact"]["meanChange"], s["rounded"]["meanChange"]
        rows.append(f"| {s['seed']} | {e['estimate']:.3f} ({e['lower']:.3f} to "
                    f"{e['upper']:.3f}) | {r['estimate']:.3f} ({r['lower']:.3f} to "
                    f"{r['upper']:.3f}) | {_pct(s['relative']['meanChange']['estimate'])} | "
                    f"{e['tau2']:.3f} / {r['tau2']:.3f} | "
                    f"{_pct(s['relative']['smd']['estimate'])} |")
    verdict = "met" if w["meanChange"]["estimate"]["value"] <= TARGET else "missed"
    verdict_small = "met" if ws["meanChange"]["estimate"]["value"] <= TARGET else "missed"
    section = f"""{START}
## Meta-analysis of rounded, published aggregates

Written by `benchmarks/disclosure_meta.py` into
[`results/disclosure-meta.json`](results/disclosure-meta.json); rerun it rather than editing
this section. Code measured: commit {result['commit']}, {result['date']}, Python
{result['python']}.

{result['projects']} invented projects a seed (10 to 300 people each, WEMWBS at baseline and
end, each with its own true change around 3 points), {len(main['seeds'])} seeds; and again
with small projects only (10 to 40 people), where rounding matters most. Each
project's responses go through the real `aggregate` twice: **exact** (threshold-10, which
suppresses nothing here and rounds nothing) and **rounded** (NHS Digital: n to the nearest 5,
the change's mean and SD to the places that keep the rounding from being undone). Both sets
are pooled by DerSimonian and Laird.

**The unbiased variance.** Exact: SD^2 / n. Rounded: SD^2 x (the mean of 1/k over every
count k the published n may stand for), for example n 55 stands for 53 to 57, so
1/n is taken as (1/53 + 1/54 + 1/55 + 1/56 + 1/57) / 5; n 10 stands for 8 to 12
(`meta.change_variance(n, sd, lower, upper, bucket=Policy.bucket(n))`, and
`meta.standardised(..., bucket=)` for the standardised mean change). With the true count
equally likely to be any in its bucket, its expectation is the variance of the mean.

| Target | Worst of {len(main['seeds'])} seeds | Verdict |
|---|---|---|
| Pooled mean change within 2% of the exact (10 to 300 people) | {_worst(w)} | **{verdict}** |
| The same, small projects (10 to 40 people) | {_worst(ws)} | **{verdict_small}** |

Worst relative differences over the seeds (rounded against exact), 10 to 300 people, then
10 to 40:

| Measure | Estimate | 95% lower | 95% upper | Interval width | tau^2 | tau^2, absolute |
|---|---|---|---|---|---|---|
""" + "\n".join(
        f"| {label} | {_pct(w[m]['estimate']['value'])} | {_pct(w[m]['lower']['value'])} | "
        f"{_pct(w[m]['upper']['value'])} | {_pct(w[m]['width']['value'])} | "
        f"{_pct(w[m]['tau2']['value'])} | {w[m]['tau2Absolute']['value']:.4f} |"
        for w, m, label in (
            (w, "meanChange", "Mean change (points), 10 to 300"),
            (w, "smd", "Standardised mean change, 10 to 300"),
            (ws, "meanChange", "Mean change (points), 10 to 40"),
            (ws, "smd", "Standardised mean change, 10 to 40"))) + """

Each seed, 10 to 300 people (mean change in points; tau^2 exact / rounded):

| Seed | Exact: pooled (95% CI) | Rounded: pooled (95% CI) | Difference | tau^2 | SMD difference |
|---|---|---|---|---|---|
""" + "\n".join(rows) + f"""

tau^2 moves more than the estimate in relative terms where it is small (the projects'
true changes differ little beside each project's own uncertainty): its absolute change
is the last column of the worst-case table.
{END}"""
    text = RESULTS_MD.read_text()
    if START in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--report-only", action="store_true",
                        help="only rewrite RESULTS.md from the recorded results")
    args = parser.parse_args()
    if args.report_only:
        write_section(json.loads(RESULTS.read_text()))
        return
    result: dict = {
        "projects": args.projects, "target": TARGET, "commit": _commit(),
        "date": time.strftime("%Y-%m-%d"), "python": platform.python_version(),
        "variance": "exact: SD^2/n; rounded: SD^2 x meta.inverse_n(Policy.bucket(n))",
        "scenarios": {}}
    for name, (smallest, largest) in SCENARIOS.items():
        seeds = [one_seed(seed, args.projects, smallest, largest)
                 for seed in range(1, args.seeds + 1)]
        result["scenarios"][name] = {"people": [smallest, largest], "worst": worst(seeds),
                                     "seeds": seeds}
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    write_section(result)
    print(json.dumps({k: v["worst"]["meanChange"]["estimate"]
                      for k, v in result["scenarios"].items()}))


if __name__ == "__main__":
    main()
