"""Copy front-end files installed by npm into the static folder Django serves.

Run after `npm ci` (or `npm run build`). The target folder is git-ignored: third-party
code stays in node_modules and package-lock.json pins exactly what is copied.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "src" / "rapport" / "core" / "static" / "vendor"
FILES = {
    ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js": VENDOR_DIR / "htmx.min.js",
}


def main() -> int:
    missing = [str(src) for src in FILES if not src.exists()]
    if missing:
        sys.stderr.write("Run `npm ci` first; missing: " + ", ".join(missing) + "\n")
        return 1
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    for src, dest in FILES.items():
        shutil.copyfile(src, dest)
        sys.stdout.write(f"copied {src.relative_to(ROOT)} -> {dest.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
