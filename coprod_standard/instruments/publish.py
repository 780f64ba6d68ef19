"""Aggregates as indicators that stand alone, or merged into a dataset's project."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from ..checks import POLICIES
from ..codelists import find_codelist
from ..schemas import latest_version, load_schema, version_names
from .registry import Instrument
from .run import Run


class MergeError(Exception):
    """The results could not be placed in the dataset; the message says what to add."""


def _codes(name: str) -> set[str]:
    return set(find_codelist(latest_version(), name).code_values())


def indicator(instrument: Instrument, score_type: str, reports: list[dict]) -> dict[str, Any]:
    """An indicator object (as in the schema) carrying the reports."""
    score = instrument.score(score_type)
    known = instrument.code in _codes("instrument")
    out: dict[str, Any] = {
        "id": score_type, "title": f"{instrument.title}: {score_type}",
        "instrument": instrument.code if known else "bespoke",
        "scoreType": score_type if score_type in _codes("score-type") else "bespoke-score",
        "unit": "points", "higherIsBetter": score.higher_is_better if score else True,
    }
    value = instrument.threshold(score_type)  # None where no threshold could be verified
    if value is not None:
        out["meaningfulChange"] = {"value": value,
                                   "source": instrument.meaningful_change["source"]}
    licence = instrument.licence
    out["instrumentLicence"] = {"licensor": licence["licensor"], "type": licence["type"]}
    out["reports"] = reports
    return out


def _same_threshold(target: dict, instrument: Instrument, score_type: str) -> list[str]:
    """The proportion improved was worked out with the registry's threshold, so the
    indicator must state that threshold: set it, and say so, if it said another."""
    value = instrument.threshold(score_type)
    stated = target.get("meaningfulChange")
    if value is None or (isinstance(stated, dict) and stated.get("value") == value):
        return []
    target["meaningfulChange"] = {"value": value,
                                  "source": instrument.meaningful_change["source"]}
    before = stated.get("value") if isinstance(stated, dict) else None
    return [f"{score_type}: the indicator's meaningful change is now {value:g}, the "
            f"registered threshold the proportion improved was worked out with"
            + (f" (it said {before:g})." if isinstance(before, (int, float)) else ".")]


def control(policy: str, *, applied_by: str | None = None, tool: str | None = None,
            today: date | None = None) -> dict[str, Any]:
    """The dataset's record of the disclosure control applied (``disclosureControl``,
    version 1.2 on): which policy, by whom (an organisation or role), when and with what."""
    record: dict[str, Any] = {"policy": policy}
    if applied_by:
        record["appliedBy"] = applied_by
    record["appliedOn"] = (today or date.today()).isoformat()
    if tool:
        record["tool"] = tool
    return record


def standalone(run: Run, record: dict[str, Any] | None = None) -> dict[str, Any]:
    """The aggregates on their own: one indicator per instrument score, after the record
    of the disclosure control applied to them (if given)."""
    out: dict[str, Any] = {"disclosureControl": record} if record else {}
    out["indicators"] = [indicator(run.instruments[code], score_type, reports)
                         for (code, score_type), reports in run.reports.items()]
    return out


def recordable(version: object) -> bool:
    """Whether datasets of VERSION have a place for the record (1.2 on)."""
    return isinstance(version, str) and version in version_names() and \
        "disclosureControl" in load_schema(version, "dataset.schema.json")["properties"]


def _place(dataset: dict[str, Any], record: dict[str, Any]) -> None:
    """Put the record among the dataset's own details, before its projects (so that a
    large file read a project at a time has it before the figures it governs)."""
    kept = {k: v for k, v in dataset.items() if k != "disclosureControl"}
    dataset.clear()
    for key, value in kept.items():
        if key in ("extensions", "projects") and "disclosureControl" not in dataset:
            dataset["disclosureControl"] = record
        dataset[key] = value
    dataset.setdefault("disclosureControl", record)


def _record_control(dataset: dict[str, Any], record: dict[str, Any]) -> list[str]:
    """Write the record into a dataset of version 1.2 or later (refusing one that records
    another policy: its figures would be read under two rules); for an earlier version,
    which has no place for it, say so."""
    version = dataset.get("version")
    policy = record["policy"]
    if not recordable(version):
        return [f"The dataset follows version {version}, which has no place to record the "
                f"disclosure policy ({policy}), so it is not recorded: check it with "
                f"'coprod validate --disclosure {policy}'. Upgrade it with 'coprod upgrade "
                "--to 1.2' and aggregate into it again to record the policy in the data."]
    held = dataset.get("disclosureControl")
    held = held if isinstance(held, dict) else {}
    if held.get("policy") not in (None, policy, *POLICIES):
        raise MergeError(
            "The dataset's disclosureControl names a policy this toolkit does not know; "
            "it must be nhs-digital or threshold-10. Correct it, then aggregate again.")
    if held.get("policy") not in (None, policy):
        raise MergeError(
            f"The dataset records that its figures follow the disclosure policy "
            f"'{held.get('policy')}', and these results follow '{policy}'. One dataset "
            "keeps to one policy, so nothing was merged. Aggregate again with "
            f"'--disclosure {held.get('policy')}', or change the dataset's "
            "disclosureControl (and every figure in it) to the other policy first.")
    if not record.get("appliedBy"):  # the organisation that applied it before, or publishes
        publisher = dataset.get("publisher")
        name = held.get("appliedBy") or (publisher.get("name")
                                         if isinstance(publisher, dict) else None)
        if isinstance(name, str) and name:
            record = control(policy, applied_by=name, tool=record.get("tool"),
                             today=date.fromisoformat(record["appliedOn"]))
    _place(dataset, record)
    verb = "still records" if held else "now records"
    return [f"The dataset {verb} its disclosure policy, {policy}, applied by "
            f"{record.get('appliedBy', 'an unnamed organisation')} on {record['appliedOn']}; "
            "'coprod validate' checks all its figures under it."]


def _sources(run: Run, code: str) -> set[str]:
    """The scores of CODE in the run that another score is converted from (SWEMWBS raw,
    beside its metric score): a new indicator is made for the converted one only."""
    instrument = run.instruments[code]
    made = {s for c, s in run.reports if c == code}
    return {score.source for score in instrument.scores
            if score.source and score.score_type in made}


def _outcome_for(project: dict, code: str, outcome_id: str | None) -> dict:
    """The outcome a new indicator for CODE goes under: the one named, else the one that
    already measures CODE, else the project's only outcome."""
    outcomes = [o for o in project.get("outcomes", []) if isinstance(o, dict)]
    if outcome_id:
        found = next((o for o in outcomes if o.get("id") == outcome_id), None)
        if found is None:
            ids = ", ".join(str(o.get("id")) for o in outcomes) or "none"
            raise MergeError(f"Project '{project.get('id')}' has no outcome '{outcome_id}'. "
                             f"Its outcomes: {ids}.")
        return found
    measuring = [o for o in outcomes
                 if any(i.get("instrument") == code for i in o.get("indicators", []))]
    if measuring or len(outcomes) == 1:
        return (measuring or outcomes)[0]
    if not outcomes:
        raise MergeError(f"Project '{project.get('id')}' has no outcome to put the {code} "
                         "results under. Add an outcome (its title, domain, who it is for "
                         "and who chose it are yours to write), then aggregate again.")
    ids = ", ".join(str(o.get("id")) for o in outcomes)
    raise MergeError(f"Project '{project.get('id')}' has several outcomes ({ids}) and none "
                     f"measures {code} yet: say which one the results belong to with "
                     "--outcome, then aggregate again.")


def _new_indicator(outcome: dict, run: Run, code: str, score_type: str) -> dict:
    """An indicator for the results, made from the registry (instrument, score type, unit,
    direction, meaningful change and licence), added to OUTCOME with no reports yet."""
    made = indicator(run.instruments[code], score_type, [])
    made.pop("reports")
    score = run.instruments[code].score(score_type)
    if score is not None:
        made["unit"] = f"points ({score.minimum:g} to {score.maximum:g})"
    taken = {i.get("id") for o in [outcome] for i in o.get("indicators", [])}
    base, number = f"ind-{score_type}", 2
    made["id"] = base
    while made["id"] in taken:
        made["id"], number = f"{base}-{number}", number + 1
    outcome.setdefault("indicators", []).append(made)
    return made


def _populations(target: dict, reports: list[dict], population: str | None,
                 earlier: list[dict]) -> int:
    """Say whose outcome each new report describes (version 1.2 on): POPULATION if given,
    else what the earlier report for the same subgroup said. A mixed sample gets its
    make-up from the role breakdown at the same timepoint. Returns how many are left
    without one."""
    said = {json_key(r.get("subgroup")): r.get("population") for r in earlier
            if r.get("population")}
    missing = 0
    for report in reports:
        earlier_said = said.get(json_key(report.get("subgroup")))
        chosen = population or earlier_said
        if chosen == "mixed" and (report.get("subgroup") or {}).get(
                "dimension") == "participant-role":
            chosen = earlier_said if earlier_said != "mixed" else None  # one role: not mixed
        if chosen == "mixed" and "subgroup" not in report:
            roles = [r for r in reports if r["timepoint"] == report["timepoint"]
                     and (r.get("subgroup") or {}).get("dimension") == "participant-role"]
            if roles:
                report["composition"] = [
                    {"role": r["subgroup"]["code"], **({"n": r["n"]} if "n" in r
                                                       else {"suppressed": True})}
                    for r in roles]
            else:
                chosen = None
        if chosen:
            report["population"] = chosen
        else:
            missing += 1
    return missing


def json_key(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def merge(dataset: dict[str, Any], project_id: str, run: Run,
          record: dict[str, Any] | None = None, *, outcome: str | None = None,
          population: str | None = None) -> tuple[dict, list[str]]:
    """A copy of the dataset with the results placed under the project's matching
    indicators (same instrument and score type), and a sentence for each change. An
    instrument the project does not measure yet gets a new indicator (from the registry)
    under OUTCOME, or under the outcome that measures it, or the project's only outcome.
    With RECORD (see ``control``), the dataset also records the disclosure control applied
    (version 1.2 on); a dataset that records another policy is refused (``MergeError``).
    From version 1.2 each result says whose outcome it is: POPULATION, or what the earlier
    result for the same group said."""
    merged = copy.deepcopy(dataset)
    control_notes = _record_control(merged, dict(record)) if record else []
    projects = [p for p in merged.get("projects", []) if isinstance(p, dict)]
    project = next((p for p in projects if p.get("id") == project_id), None)
    if project is None:
        ids = ", ".join(str(p.get("id")) for p in projects) or "none"
        raise MergeError(f"The dataset has no project '{project_id}'. Its projects: {ids}.")
    version = merged.get("version")
    with_population = version in version_names() and "population" in load_schema(
        version, "indicator-report.schema.json")["properties"]
    notes, unsaid, placed = [], 0, 0
    for (code, score_type), reports in run.reports.items():
        matches = [ind for outcome_ in project.get("outcomes", [])
                   for ind in outcome_.get("indicators", [])
                   if ind.get("instrument") == code and ind.get("scoreType") == score_type]
        if matches:
            target = matches[0]
        elif code not in _codes("instrument"):
            notes.append(f"{score_type}: not merged, because the project has no indicator "
                         f"for {code} {score_type} (a bespoke instrument's is yours to write).")
            continue
        elif score_type in _sources(run, code):
            notes.append(f"{score_type}: not merged; the score converted from it is "
                         "published instead.")
            continue
        else:
            home = _outcome_for(project, code, outcome)
            target = _new_indicator(home, run, code, score_type)
            notes.append(f"{score_type}: a new indicator '{target['id']}' was added under "
                         f"outcome '{home.get('id')}', with the instrument's licence "
                         f"({target['instrumentLicence']['type']}, "
                         f"{target['instrumentLicence']['licensor']}); check its title.")
        # New results replace every old one for the same timepoints, subgroups included:
        # an old subgroup beside a new whole group would not add up to it, and the
        # difference could single out a few people (complement-reveals-small-group).
        replaced = {r["timepoint"] for r in reports}
        earlier = target.get("reports", [])
        kept = [r for r in earlier if r.get("timepoint") not in replaced]
        dropped = len(earlier) - len(kept)
        reports = copy.deepcopy(reports)
        if with_population:
            unsaid += _populations(target, reports, population, earlier)
        target["reports"] = kept + reports
        placed += 1
        notes.append(f"{score_type}: {len(reports)} results placed under indicator "
                     f"'{target.get('id')}'" + (f", replacing the {dropped} earlier results "
                                                "for the same timepoints." if dropped else "."))
        notes += _same_threshold(target, run.instruments[code], score_type)
    if not placed and run.reports:
        wanted = ", ".join(f"{c} {s}" for c, s in run.reports)
        raise MergeError(f"Project '{project_id}' has no indicator for any of: {wanted}, and "
                         "a bespoke instrument's indicator is yours to write: add it under an "
                         "outcome, then aggregate again.")
    if unsaid:
        notes.append(f"{unsaid} results do not say whose outcome they describe: aggregate "
                     "again with --population (co-producers, service-users, unpaid-carers, "
                     "staff, wider-community or mixed).")
    return merged, notes + control_notes
