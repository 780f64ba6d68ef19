"""Which version of the standard a dataset is checked against: the one it declares; without
one, the version its "$schema" names, else the latest (said, as missing-version); none at
all when it declares one this toolkit does not know."""

from __future__ import annotations

from .issues import issue_type
from .readers import ReadResult
from .report import Report
from .schema_uri import KEY, named_version
from .schemas import latest_version, version_names, versions


def choose_version(result: ReadResult, report: Report) -> str | None:
    """The version to check against, or None when the dataset cannot be checked at all."""
    latest = latest_version()
    if not result.has_version:
        latest = _named_by_schema(result) or latest  # what its "$schema" names, if anything
        setting = (f"'Standard version' on the Dataset sheet, with {latest} in it"
                   if result.tabular else f'"version": "{latest}" at the top of the dataset')
        report.issues.append(issue_type("missing-version").make(
            path="/version", field="version", title="Standard version", latest=latest,
            setting=setting, record="the dataset's own details"))
        return latest
    declared = result.version
    if isinstance(declared, str) and declared in version_names():
        return declared
    if isinstance(declared, str):
        problem = (f"The dataset says it follows version {declared[:40]!r}, which is not a "
                   "version of the standard.")
    elif isinstance(declared, (int, float)) and not isinstance(declared, bool):
        problem = (f"The version is written as the number {declared}; it must be text in "
                   f"quotes, like \"{latest}\".")
    else:
        problem = "The version is not written as text in quotes."
    setting = (f"Put one of them in 'Standard version' on the Dataset sheet, such as {latest}"
               if result.tabular else
               f'Write the version as text in quotes, for example "version": "{latest}"')
    report.issues.append(issue_type("unsupported-version").make(
        path="/version", field="version", title="Standard version", problem=problem,
        setting=setting,
        versions=", ".join(v.version + (" (draft)" if v.is_draft else "") for v in versions()),
        latest=latest,
        record="the dataset's own details", value=declared,
        show_value=isinstance(declared, (str, int, float)) and len(str(declared)) < 40))
    return None


def _named_by_schema(result: ReadResult) -> str | None:
    """The version the dataset's "$schema" names, if its own details are in hand."""
    own = result.details if isinstance(result.details, dict) else result.data
    return named_version(own.get(KEY)) if isinstance(own, dict) else None
