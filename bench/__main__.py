"""Run every benchmark module in bench/ (``make bench``), or those named on the command
line: ``python -m bench pages``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.harness import setup_django


def main(names: list[str]) -> None:
    setup_django()
    here = Path(__file__).parent
    modules = sorted(
        info.name for info in pkgutil.iter_modules([str(here)]) if info.name.startswith("bench_")
    )
    for module_name in modules:
        if names and module_name.removeprefix("bench_") not in names:
            continue
        importlib.import_module(f"bench.{module_name}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
