"""Codebase checks: ruff is clean and the dependency rule (import-linter contracts) holds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
LINT_IMPORTS_FALLBACK = (
    "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
)


def _tool(name: str, fallback: list[str]) -> list[str]:
    """The command for a tool installed next to this interpreter (the venv's bin/ or Scripts/)."""
    found = shutil.which(name, path=str(BIN_DIR))
    return [found] if found else [sys.executable, *fallback]


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
        check=False,
    )


def _report(proc: subprocess.CompletedProcess[str]) -> str:
    return (
        f"$ {' '.join(proc.args)}\nexit code {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


def test_ruff_is_clean() -> None:
    proc = _run([*_tool("ruff", ["-m", "ruff"]), "check", "--no-cache", "."])
    if proc.returncode != 0:
        pytest.fail(_report(proc), pytrace=False)


def test_import_contracts_hold() -> None:
    proc = _run([*_tool("lint-imports", ["-c", LINT_IMPORTS_FALLBACK]), "--no-logo", "--no-cache"])
    if proc.returncode != 0:
        pytest.fail(_report(proc), pytrace=False)


def test_domain_imports_stdlib_only() -> None:
    """Catches any third-party import in app.domain, not just the ones the contract names."""
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph("app", include_external_packages=True, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    domain = {m for m in graph.modules if m == "app.domain" or m.startswith("app.domain.")}
    offenders = sorted(
        f"{importer} -> {imported}"
        for importer in domain
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[0] not in {"app", *sys.stdlib_module_names}
    )
    assert not offenders, "app.domain imports non-stdlib modules:\n" + "\n".join(offenders)


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run must run exactly the test command that README.md gives."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [
        line
        for line in readme.splitlines()
        if line.startswith("python3 -m venv") and "pytest" in line
    ]
    assert len(commands) == 1, f"expected one test command in README.md, found {commands}"
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(commands[0] + " ||") for line in ci_lines), (
        f".ci/run does not run the README's test command: {commands[0]}"
    )
