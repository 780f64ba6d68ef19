"""R's metafor as the tests' reference: data written to a CSV file in a temporary folder,
one `Rscript` run of a short script over it, and the answer read back from a CSV file
(every number printed with 17 significant digits, so it comes back exactly).

Tests call `require()` first: it skips them, saying why, only when Rscript is not
installed (tests/run.sh installs it). A machine with R but without metafor fails."""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

RSCRIPT = shutil.which("Rscript")

PREAMBLE = """
args <- commandArgs(trailingOnly = TRUE)
setwd(args[1])
suppressPackageStartupMessages(library(metafor))
out <- function(frame) {
  frame[] <- lapply(frame, function(x) if (is.numeric(x)) sprintf("%.17g", x) else x)
  write.csv(frame, "out.csv", row.names = FALSE)
}
"""

# Every set of studies pooled by DL and REML, each with a z and a knha (HKSJ) interval.
# REML's Fisher scoring is run until a step is under 1e-12 of the scale (metafor's
# default stops at 1e-5), so that both sides report the converged tau squared.
RMA = """
d <- read.csv("data.csv")
rows <- list()
for (s in unique(d$set)) {
  x <- d[d$set == s, ]
  dl <- rma(x$yi, x$vi, method = "DL")
  control <- if (STRICT) list(threshold = 1e-12 * (mean(x$vi) + dl$tau2), maxiter = 10000)
             else list()
  for (m in c("DL", "REML")) for (t in c("z", "knha")) {
    f <- rma(x$yi, x$vi, method = m, test = t, control = control)
    rows[[length(rows) + 1]] <- data.frame(set = s, method = m, test = t,
      estimate = c(f$b), se = f$se, lower = f$ci.lb, upper = f$ci.ub, tau2 = f$tau2,
      i2 = f$I2, q = f$QE)
  }
}
out(do.call(rbind, rows))
"""


def require() -> None:
    if RSCRIPT is None:
        pytest.skip("R is not installed (no Rscript on the PATH), so there is no metafor to "
                    "compare with; tests/run.sh installs r-base-core and r-cran-metafor")


def run(script: str, data: list[dict] | None = None) -> list[dict]:
    """Run SCRIPT (after the preamble) with DATA as data.csv; its `out(frame)` comes back
    as rows, numbers as floats (NA as None)."""
    require()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if data:
            with (folder / "data.csv").open("w", newline="", encoding="utf-8") as stream:
                writer = csv.DictWriter(stream, fieldnames=list(data[0]))
                writer.writeheader()
                writer.writerows({k: repr(v) if isinstance(v, float) else v
                                  for k, v in row.items()} for row in data)
        (folder / "run.R").write_text(PREAMBLE + script, encoding="utf-8")
        done = subprocess.run([RSCRIPT, "--vanilla", str(folder / "run.R"), str(folder)],
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise RuntimeError(f"Rscript failed:\n{done.stderr}")
        with (folder / "out.csv").open(encoding="utf-8") as stream:
            return [{k: _value(v) for k, v in row.items()} for row in csv.DictReader(stream)]


def _value(text: str):
    if text == "NA":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def rma(sets: list[list[tuple[float, float]]], strict: bool = True) -> list[dict]:
    """metafor's pooling of each set of (effect, variance): for every set a dict from
    (method, test) - ("DL" or "REML", "z" or "knha") - to estimate, se, lower, upper,
    tau2, i2 (a percentage) and q. STRICT runs REML to convergence; otherwise metafor's
    default settings."""
    data = [{"set": i, "yi": float(y), "vi": float(v)}
            for i, studies in enumerate(sets) for y, v in studies]
    rows = run(RMA.replace("STRICT", "TRUE" if strict else "FALSE"), data)
    found: list[dict] = [{} for _ in sets]
    for row in rows:
        found[int(row.pop("set"))][(row.pop("method"), row.pop("test"))] = row
    return found


def escalc(measure: str, rows: list[dict]) -> list[tuple[float, float]]:
    """metafor's `escalc(MEASURE, ...)` with each column of ROWS as the argument of that
    name (m1i, sd1i, n1i, ...): (yi, vi) for each row."""
    script = f"""
d <- read.csv("data.csv")
e <- do.call(escalc, c(list(measure = "{measure}"), as.list(d)))
out(data.frame(yi = c(e$yi), vi = c(e$vi)))
"""
    return [(r["yi"], r["vi"]) for r in run(script, rows)]


def dataset(name: str) -> list[dict]:
    """A data set from R's metadat package (e.g. dat.normand1999), as rows."""
    return run(f'out(getExportedValue("metadat", "{name}"))\n')
