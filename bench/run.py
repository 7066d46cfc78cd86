"""Run every benchmark in bench/ (each file with a ``main()``), each against its own baseline.

Usage: .venv/bin/python bench/run.py [name ...]
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    wanted = set(sys.argv[1:])
    for path in sorted(HERE.glob("*.py")):
        if path.name in {"run.py", "_setup.py"} or path.name.startswith("_"):
            continue
        if wanted and path.stem not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "main"):
            print(f"== {path.stem}")
            module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
