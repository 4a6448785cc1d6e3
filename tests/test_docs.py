"""Project documents stay true: the README names every setting (each environment variable read
by `settings.py` or a management command, in backticks), and the sections of docs/PRODUCT.md
cited in code exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
# `env.flag("DEBUG", ...)`, `os.environ.get("X")`, `os.environ["X"]`, `os.getenv("X")`.
READS = re.compile(
    r"""(?:\benv\.\w+|os\.environ\.get|os\.getenv|os\.environ\.setdefault)\(\s*["']([A-Z0-9_]+)["']"""
    r"""|os\.environ\[\s*["']([A-Z0-9_]+)["']\s*\]"""
)


def variables_read(path: Path) -> set[str]:
    return {a or b for a, b in READS.findall(path.read_text(encoding="utf-8"))}


def sources() -> list[Path]:
    commands = sorted((REPO_ROOT / "waypost").glob("*/management/commands/*.py"))
    return [REPO_ROOT / "waypost" / "settings.py", *commands]


def test_the_scan_finds_the_settings() -> None:
    found = variables_read(REPO_ROOT / "waypost" / "settings.py")
    assert {"DATABASE_URL", "DEBUG", "SECRET_KEY", "WAYPOST_HSDS_REFERENCE_DIR"} <= found


def test_every_variable_read_is_in_the_readme() -> None:
    missing = {
        f"{name} ({path.relative_to(REPO_ROOT)})"
        for path in sources()
        for name in variables_read(path)
        if name != "DJANGO_SETTINGS_MODULE" and f"`{name}`" not in README
    }
    assert not missing, f"not documented in README.md: {sorted(missing)}"


def test_sections_of_the_product_document_cited_in_code_exist() -> None:
    headings = set(re.findall(r"^## (.+)$", (REPO_ROOT / "docs" / "PRODUCT.md").read_text(), re.M))
    cited = set()
    for path in [*REPO_ROOT.glob("waypost/**/*.py"), *REPO_ROOT.glob("tests/**/*.py")]:
        for names in re.findall(r"PRODUCT\.md,? \(?((?:\"[^\"]+\",? ?)+)", path.read_text()):
            # A citation wrapped over two lines of a docstring is still one heading.
            cited |= {" ".join(n.split()) for n in re.findall(r'"([^"]+)"', names)}
    assert {"Guide topics", "Privacy and safety rules", "Quality bars"} <= cited
    assert cited <= headings, sorted(cited - headings)
