#!/usr/bin/env python3
"""Copy the pinned front-end packages (package.json) from node_modules into static/vendor/.

The copies are committed so the quick start needs Python alone. `--check` (run by CI after
`npm ci`) fails when a committed copy differs from the pinned package it claims to come from.
"""

import filecmp
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    "bootstrap/LICENSE": "bootstrap/LICENSE",
    # Chart.js (dashboard charts): the UMD build sets window.Chart; it bundles @kurkle/color, whose
    # licence ships beside it.
    "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
    "chart.js/dist/chart.umd.min.js.map": "chartjs/chart.umd.min.js.map",
    "chart.js/LICENSE.md": "chartjs/LICENSE.md",
    "@kurkle/color/LICENSE.md": "chartjs/kurkle-color-LICENSE.md",
}


def main(check: bool) -> int:
    stale = []
    for src, dst in FILES.items():
        source, target = ROOT / "node_modules" / src, ROOT / "static" / "vendor" / dst
        if check:
            if not target.exists() or not filecmp.cmp(source, target, shallow=False):
                stale.append(dst)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    if stale:
        print("static/vendor berbeda dari paket npm yang dipin:", ", ".join(stale), file=sys.stderr)
        print("Jalankan: npm ci && python scripts/vendor_assets.py", file=sys.stderr)
        return 1
    print("static/vendor cocok dengan package.json." if check else "static/vendor diperbarui.")
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
