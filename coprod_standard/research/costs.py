"""Cost per participant, shown only where it means something.

A project's cost per participant is its published costs divided by the sum of its
participant groups' counts. It is shown only when all of these hold (the rule in
docs/research.md, 'Cost per participant'):

1. the project publishes at least one cost, and every cost gives an amount;
2. the project publishes at least one participant group, every group gives its count
   (none withheld to protect small numbers, none left blank), and they add up to more
   than no one;
3. its dataset was checked at the publish level (below it, counts may be unsuppressed
   small numbers; a store that does not record the level cannot say);
4. its costs are in one price year (costs in different years' prices do not add up to
   one figure; costs that do not state a price year are taken to share the others').

Otherwise the cost column is empty and the reason says why in plain words. Someone in two
groups still counts twice: read the figure as a rough guide, not a unit cost."""

from __future__ import annotations

from .store import records_checks as _recorded

RULE = ("A cost per participant is shown only where the project publishes its costs, "
        "every participant group gives its count (none withheld, none blank), the dataset "
        "was checked at the publish level and the costs are in one price year. Someone in "
        "two groups counts twice: read it as a rough guide, not a unit cost.")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _reasons(row: dict, publishable_only: bool) -> list[str]:
    """Why a project's cost per participant is not shown (empty when it is)."""
    why = []
    if not row["cost_items"]:
        why.append("the project publishes no costs")
    elif row["no_amount"]:
        why.append(f"{_plural(row['no_amount'], 'cost gives', 'costs give')} no amount")
    if not row["groups"]:
        why.append("the project publishes no participant groups")
    else:
        if row["withheld"]:
            groups = _plural(row["withheld"], "participant group", "participant groups")
            why.append(f"{groups} withheld (too few people to publish safely), so the number of "
                       "participants is not known")
        if row["blank"]:
            gives = _plural(row["blank"], "participant group gives",
                            "participant groups give")
            why.append(f"{gives} no count")
        if not (row["withheld"] or row["blank"]) and not row["people"]:
            why.append("its participant groups count no one")
    if publishable_only and row["level"] != "publish":
        why.append("the store does not record the level its dataset was checked at"
                   if row["level"] is None else
                   f"its dataset was checked only at the {row['level']} level: small "
                   "numbers may be unsuppressed")
    if row["years"] > 1:
        why.append(f"its costs are in different price years ({row['year_list']}), so they "
                   "do not add up to one figure")
    return why


def cost_rows(con, publishable_only: bool = True) -> list[tuple]:
    """One row per project in the store: (project id, title, costs in GBP, participants
    (the sum of the published counts), cost per participant or None, the reason it is not
    shown or ""). Sorted by cost per participant, highest first, then by title. With
    PUBLISHABLE_ONLY false, the level a dataset was checked at does not matter."""
    level = "d.checked_level" if _recorded(con) else "NULL"
    rows = con.execute(f"""
        WITH spent AS (
            SELECT dataset_id, project_id, count(*) AS cost_items,
                   count(*) FILTER (WHERE amount_gbp IS NULL) AS no_amount,
                   sum(amount_gbp) AS total, count(DISTINCT price_year) AS years,
                   string_agg(DISTINCT price_year, ', ' ORDER BY price_year) AS year_list
            FROM costs GROUP BY 1, 2),
        people AS (
            SELECT dataset_id, project_id, count(*) AS groups,
                   count(*) FILTER (WHERE suppressed) AS withheld,
                   count(*) FILTER (WHERE count IS NULL AND suppressed IS NOT TRUE) AS blank,
                   sum(count) FILTER (WHERE suppressed IS NOT TRUE) AS people
            FROM participant_groups GROUP BY 1, 2)
        SELECT p.project_id, p.title, coalesce(s.total, 0), coalesce(n.people, 0),
               coalesce(s.cost_items, 0), coalesce(s.no_amount, 0), coalesce(s.years, 0),
               s.year_list, coalesce(n.groups, 0), coalesce(n.withheld, 0),
               coalesce(n.blank, 0), {level}
        FROM projects p
        LEFT JOIN datasets d ON d.dataset_id = p.dataset_id
        LEFT JOIN spent s ON s.dataset_id = p.dataset_id AND s.project_id = p.project_id
        LEFT JOIN people n ON n.dataset_id = p.dataset_id AND n.project_id = p.project_id
        """).fetchall()
    names = ["project", "title", "total", "people", "cost_items", "no_amount", "years",
             "year_list", "groups", "withheld", "blank", "level"]
    out = []
    for values in rows:
        row = dict(zip(names, values, strict=True))
        why = _reasons(row, publishable_only)
        total, people = float(row["total"]), int(row["people"])
        each = None if why else total / people
        reason = "; ".join(why)
        out.append((row["project"], row["title"], total, people, each,
                    reason[:1].upper() + reason[1:]))
    out.sort(key=lambda r: (r[4] is None, -(r[4] or 0), r[1] or "", r[0]))
    return out
