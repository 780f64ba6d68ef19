"""Values flagged as personal data are never echoed: not in the text or JSON report, not
in the grid of neighbouring cells shown for spreadsheets, not on stderr, not in the web
validator's page or API answer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from coprod_standard.writers import render
from tests.conftest import EXAMPLES

SECRETS = {  # where -> a value that must never be repeated
    "nhs": "943 476 5919",
    "email": "jane.smith@example.org",
    "phone": "07700 900123",
    "postcode": "LS1 4DY",
    "birth": "date of birth 12/03/1990",
    "field": "Jane Q Public",
}


def _leaky() -> dict:
    data = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    project = data["projects"][0]
    project["description"] = f"Call {SECRETS['phone']} or write to {SECRETS['email']}."
    project["principles"]["equality"]["evidence"] = (
        f"Member NHS {SECRETS['nhs']}, {SECRETS['birth']}, lives at {SECRETS['postcode']}; "
        "everyone had an equal say in every decision.")
    project["participantGroups"][0]["fullName"] = SECRETS["field"]
    return data


def _secrets_in(text: str) -> list[str]:
    found = [name for name, value in SECRETS.items() if value in text]
    if "943" in text and "4765919" in text.replace(" ", ""):
        found.append("nhs (spaces removed)")
    return found


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
@pytest.mark.parametrize("report_format", ["text", "json"])
def test_reports_never_repeat_personal_data(tmp_path, fmt, report_format):
    data = _leaky()
    path = tmp_path / f"leaky.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(data))
    else:
        path.write_bytes(render(data, data["version"], "xlsx"))
    result = subprocess.run([sys.executable, "-m", "coprod_standard", "validate", "--format",
                             report_format, "--max-examples", "50", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    codes = result.stdout
    for code in ("nhs-number", "email-address", "phone-number", "uk-postcode",
                 "date-of-birth"):
        assert code in codes, code
    assert _secrets_in(result.stdout + result.stderr) == []


def test_the_web_validator_never_repeats_personal_data(tmp_path):
    from coprod_standard.web.config import WebConfig
    from tests.live_server import multipart, request, serve

    body = json.dumps(_leaky()).encode()
    with serve(WebConfig(max_upload_bytes=2 * 1024 * 1024, work_dir=tmp_path)) as base:
        form, headers = multipart({}, ("leaky.json", body))
        page = request(f"{base}/check", form, headers).text
        api = request(f"{base}/api/validate?name=leaky.json", body,
                      {"Content-Type": "application/json"}).text
    page = page.split('href="data:')[0]  # the user's own converted copies are not a report
    assert "nhs-number" in api and "NHS number in the data" in page  # found, by its title
    assert _secrets_in(page + api) == []
