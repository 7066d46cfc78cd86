"""The registry's reference data and the demo's pilot: what every fresh database starts from."""

from __future__ import annotations

from shidian.core.actors import system
from shidian.pilots import services
from shidian.regions import services as region_services

DEMO_PILOT = ("广西壮族自治区", "柳州市")  # the demo accounts' pilot (accounts.demo)


def load_registry() -> dict[str, int]:
    """Load the batches and the registry file shipped with the code (provinces and divisions first)."""
    services.load_batches()
    content = region_services.reference_path("pilots.csv").read_bytes()
    plan = services.apply_registry_import(content=content, file_name="pilots.csv", by=system("load_demo"))
    return plan.summary
