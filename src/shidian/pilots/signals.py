"""What the registry tells the apps above it; they subscribe in their AppConfig.ready()."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the import's transaction for each pilot the registry admits, with ``pilot``: the apps above
# the registry (accounts creates the pilot's government and leading-group office) add what belongs to it.
pilot_admitted = Signal()
# Sent inside the transaction of a status change, with ``pilot`` and ``effective_on`` (the reporting app
# recounts who reports in the rounds due from that day on).
pilot_status_changed = Signal()
