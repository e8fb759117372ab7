"""The frozen bundle itself: built from this checkout by packaging/build.py, checked by it,
and holding every module of ours however lazily the app imports it."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

from tests.packaging.conftest import BUILD_TIMEOUT, ROOT, layout

build = importlib.import_module("build")  # packaging/build.py (the conftest put it on the path)

# The first test of the session waits for the bundle or the wheel to be built (minutes on a
# busy machine): the whole of it counts against pytest-timeout's limit.
pytestmark = pytest.mark.timeout(BUILD_TIMEOUT)


def test_the_build_passes_its_own_checks(build_report: dict) -> None:
    assert build_report["problems"] == []
    assert build_report["bytes"] > 50 * 2**20  # Qt and Python are in it
    assert build_report["build_seconds"] > 0


def _our_modules() -> set[str]:
    found = set()
    for package in layout.OUR_PACKAGES:
        module = __import__(package)
        found.add(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=package + "."):
            found.add(info.name)
    return found


def test_every_module_of_ours_is_in_the_bundle(build_report: dict) -> None:
    """The app imports the window, devices and sync lazily: the spec names them all."""
    missing = _our_modules() - set(build_report["our_modules"])
    assert not missing, f"not in the bundle: {sorted(missing)}"
    assert not any(m.split(".")[0] in {"tests", "server"} for m in build_report["our_modules"])


def test_the_checks_find_a_broken_bundle(tmp_path: Path, bundle_dist: Path) -> None:
    """build.check is not a rubber stamp: a bundle without its translations or with test
    code in it is refused."""
    import shutil

    copy = tmp_path / layout.BUNDLE
    shutil.copytree(bundle_dist / layout.BUNDLE, copy, symlinks=True)
    assert build.check(copy) == []
    (copy / "_internal" / "resources" / "translations" / "member_counter_en.qm").unlink()
    (copy / "_internal" / "tests").mkdir()
    problems = build.check(copy)
    assert any("member_counter_en.qm" in p for p in problems)
    assert any("test or server code" in p for p in problems)


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", True),
        ("libQt6Quick.so.6", True),
        ("PySide6\\Qt6Qml.dll", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
        ("libQt6Widgets.so.6", False),
        ("libQt6Charts.so.6", False),
    ],
)
def test_left_out_qt_parts(dest: str, dropped: bool) -> None:
    assert layout.dropped(dest) is dropped


def test_windows_version_resource_names_this_release() -> None:
    """PyInstaller evaluates the text with its VSVersionInfo classes (Windows only, they need
    pefile): here its shape and values are read with ast."""
    import ast

    from app.version import __version__

    tree = ast.parse(layout.version_info_text(__version__), mode="eval")
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert {"VSVersionInfo", "FixedFileInfo", "StringTable", "StringStruct", "VarStruct"} <= calls
    strings = {
        n.args[0].value: n.args[1].value
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and n.func.id == "StringStruct"
    }
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["OriginalFilename"] == f"{layout.PROGRAM}.exe"
    fixed = next(
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.func.id == "FixedFileInfo"
    )
    filevers = next(k.value for k in fixed.keywords if k.arg == "filevers")
    assert ast.literal_eval(filevers) == layout.version_tuple(__version__)
    assert layout.version_tuple(__version__)[:3] == tuple(int(x) for x in __version__.split("."))


def test_the_linux_archive_unpacks_and_runs_as_the_readme_says(
    build_report: dict, tmp_path: Path
) -> None:
    """README, "Installing at a store", Linux: tar -xzf ... then member-counter --version."""
    import re
    import subprocess

    from app.version import __version__

    archive = Path(build_report["archive"])
    assert archive.name == f"member-counter-{__version__}-linux-x86_64.tar.gz"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    steps = re.search(r"\*\*Linux\*\*.*?```sh\n(.*?)```", readme, re.S)
    assert steps is not None
    lines = [line.split("#")[0].strip() for line in steps[1].splitlines()]
    untar, version = lines[0], lines[1]
    assert untar == f"tar -xzf {archive.name} -C ~/.local/opt"
    opt = tmp_path / "opt"
    opt.mkdir()
    subprocess.run(["tar", "-xzf", str(archive), "-C", str(opt)], check=True)
    program = version.split()[0].replace("~/.local/opt", str(opt))
    done = subprocess.run([program, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"member-counter {__version__}"
