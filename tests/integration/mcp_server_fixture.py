"""A real MCP server (the official SDK's `MCPServer`, FastMCP's successor in mcp 2.x) for tests.

Run as `python tests/integration/mcp_server_fixture.py` over stdio. Its EHR-like tools
return synthetic PHI: a made-up patient, an SSN valid by SSA rules and a Luhn-valid
card number, both derived from $MCPGOV_FIXTURE_SEED so a test knows the exact values
to look for (and to prove absent from governed output). No real person's data.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mcp.server.mcpserver import MCPServer  # noqa: E402
from mcp.types import ToolAnnotations  # noqa: E402
from pydantic import BaseModel  # noqa: E402

from detectors.validators import credit_card, luhn_check_digit, us_ssn  # noqa: E402

PATIENT_NAME = "Quillon Marwick-Ostrander"


def synthetic_ssn(seed: int) -> str:
    """An SSN valid by SSA rules (area 001-665/667-899, group 01-99, serial 0001-9999)."""
    rng = random.Random(f"ssn-{seed}")
    while True:
        value = f"{rng.randint(101, 665):03d}-{rng.randint(10, 99):02d}-{rng.randint(1000, 9999):04d}"
        if us_ssn(value) and len(set(value.replace("-", ""))) > 3:
            return value


def synthetic_pan(seed: int) -> str:
    """A Luhn-valid 16-digit Visa-range number made up from the seed (not a famous test PAN)."""
    rng = random.Random(f"pan-{seed}")
    partial = "4" + "".join(str(rng.randint(0, 9)) for _ in range(14))
    pan = partial + luhn_check_digit(partial)
    assert credit_card(pan)
    return pan


SEED = int(os.environ.get("MCPGOV_FIXTURE_SEED", "1"))
SSN = synthetic_ssn(SEED)
PAN = synthetic_pan(SEED)

app = MCPServer("ehr", version="1.4.2", instructions="Synthetic EHR for mcpgov tests.")


class PatientRecord(BaseModel):
    patient_id: str
    name: str
    ssn: str
    card_on_file: str
    diagnosis: str


@app.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def get_patient_record(patient_id: str) -> PatientRecord:
    """Fetch a patient's chart summary (synthetic data)."""
    return PatientRecord(patient_id=patient_id, name=PATIENT_NAME, ssn=SSN, card_on_file=PAN,
                         diagnosis="seasonal allergic rhinitis")


@app.tool(annotations=ToolAnnotations(readOnlyHint=True))
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@app.tool()
def echo(text: str) -> str:
    """Return the text unchanged (unicode and all)."""
    return text


@app.tool(annotations=ToolAnnotations(readOnlyHint=False, openWorldHint=True))
def send_fax(number: str, body: str) -> str:
    """Pretend to fax a document out of the clinic (for exfiltration-looking traffic)."""
    return f"queued fax to {number} ({len(body)} characters)"


@app.tool()
def fail(reason: str) -> str:
    """Always fails, so tests see an error result relayed."""
    raise ValueError(f"refused: {reason}")


@app.resource("ehr://policies/retention")
def retention_policy() -> str:
    """The clinic's retention policy."""
    return "Charts are kept 10 years after the last visit."


@app.prompt()
def summarize_chart(patient_id: str) -> str:
    """Ask for a chart summary."""
    return f"Summarize the chart of patient {patient_id} for a referral letter."


if __name__ == "__main__":
    app.run("stdio")
