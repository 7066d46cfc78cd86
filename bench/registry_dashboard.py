"""Dashboard counts at roll-out scale: set-based GROUP BY queries vs counting rows in Python.

The roll-out of 2020 may put ~40,000 county- and township-level units in the registry. The dashboard
must stay a handful of aggregate queries; the baseline fetches every visible row and counts in Python.
Reports the ratio baseline / set-based (higher is better), both measured in this process.
"""

from __future__ import annotations

import time
from collections import Counter

from _setup import django_with_reference

AREAS = 40_000


def main() -> None:
    django_with_reference()
    from shidian.accounts.models import User
    from shidian.pilots import selectors
    from shidian.pilots.models import Batch, PilotArea
    from shidian.regions.models import Province

    provinces = list(Province.objects.all())
    batch = Batch.objects.get(number=3)
    PilotArea.objects.bulk_create(
        (
            PilotArea(
                batch=batch,
                province=provinces[i % len(provinces)],
                name=f"合成单元{i}",
                kind="县",
                verification="research-data",
            )
            for i in range(AREAS)
        ),
        batch_size=2000,
    )
    national = User.objects.get(username="demo-national")

    def set_based() -> int:
        return selectors.dashboard_for(user=national).total

    def per_row() -> int:
        counts: dict[str, Counter[object]] = {k: Counter() for k in ("batch", "region", "kind", "status", "prov")}
        for pilot in selectors.visible_pilots(user=national):
            counts["batch"][pilot.batch.number] += 1
            counts["region"][pilot.province.region] += 1
            counts["kind"][pilot.kind] += 1
            counts["status"][pilot.status] += 1
            counts["prov"][pilot.province_id] += 1
        return sum(counts["batch"].values())

    def timed(fn: object, repeat: int = 3) -> tuple[float, int]:
        best, result = float("inf"), 0
        for _ in range(repeat):
            start = time.perf_counter()
            result = fn()  # type: ignore[operator]
            best = min(best, time.perf_counter() - start)
        return best, result

    fast, n_fast = timed(set_based)
    slow, n_slow = timed(per_row)
    assert n_fast == n_slow, (n_fast, n_slow)
    print(
        f"areas={n_fast} set-based={fast * 1000:.1f} ms per-row baseline={slow * 1000:.1f} ms ratio={slow / fast:.1f}x"
    )


if __name__ == "__main__":
    main()
