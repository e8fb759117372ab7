"""Build the counter's one-folder bundle and check it: ``dist/member-counter/``.

    .venv/bin/pip install -e '.[bundle]'      # PyInstaller, pinned
    .venv/bin/python packaging/build.py [--dist DIR] [--work DIR] [--archive]

Runs PyInstaller on ``packaging/member-counter.spec`` (clean, no questions), then checks what
a store PC needs is inside and what it must not get is not: the program, our translations
and Qt's own (``qtbase_zh_CN``, ``qtbase_en``), the migrations, the icon, the Qt platform,
image-format and input-method plugins, the escpos printer capabilities; no test code; on
Linux, no shared library that cannot be found. It writes ``build-report.json`` beside the
bundle (seconds, size, files, the newest glibc the bundle needs) and prints it.

``--archive`` also packs the bundle: ``member-counter-VERSION-linux-x86_64.tar.gz`` on Linux
(on Windows the installer is made by Inno Setup: ``packaging/windows/member-counter.iss``).
On Windows, with ``MEMBER_COUNTER_SIGN`` set to a signtool command (see
``packaging/windows/README.md``), the programs are signed before they are checked.

Exit code 0 when the bundle is built and passes its checks, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "member-counter.spec"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from app.version import __version__  # noqa: E402

import bundle_layout as layout  # noqa: E402

WINDOWS = sys.platform == "win32"
SIGN_ENV = "MEMBER_COUNTER_SIGN"


def run_pyinstaller(dist: Path, work: Path) -> float:
    start = time.monotonic()
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN",
            "--distpath", str(dist), "--workpath", str(work), str(SPEC),
        ],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    return time.monotonic() - start


def internal(bundle: Path) -> Path:
    return bundle / "_internal"


def required_files(bundle: Path) -> list[str]:
    """Paths (globs) inside the bundle that must exist."""
    qt = "_internal/PySide6/" + ("" if WINDOWS else "Qt/")
    plugins = qt + "plugins/"
    needed = [
        "_internal/resources/translations/member_counter_en.qm",
        "_internal/resources/icons/member-counter.png",
        "_internal/app/persistence/migrations/env.py",
        "_internal/app/persistence/migrations/versions/0001_*.py",
        "_internal/escpos/capabilities.json",
        "_internal/opencc/config/s2tw.json",
        "_internal/opencc/dictionary/STCharacters.txt",
        qt + "translations/qtbase_zh_CN.qm",
        qt + "translations/qtbase_en.qm",
        plugins + "platforms/*offscreen*",
        plugins + "imageformats/*qjpeg*",
        plugins + "imageformats/*qico*",
    ]
    if WINDOWS:
        needed += [plugins + "platforms/qwindows.dll", f"{layout.CLI_PROGRAM}.exe"]
    else:
        needed += [
            plugins + "platforms/libqxcb.so",
            plugins + "platforminputcontexts/libibusplatforminputcontextplugin.so",
            plugins + "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        ]
    return needed


FORBIDDEN = re.compile(
    r"(^|/)(tests|pytest|_pytest|hypothesis|schemathesis|server|fastapi|uvicorn)(/|$)"
)


def check(bundle: Path) -> list[str]:
    """What is wrong with the bundle (an empty list: nothing)."""
    problems = []
    program = layout.program_path(bundle.parent, windows=WINDOWS)
    if not program.is_file():
        problems.append(f"missing program {program}")
    for pattern in required_files(bundle):
        if not list(bundle.glob(pattern)):
            problems.append(f"missing {pattern}")
    for path in internal(bundle).rglob("*"):
        rel = path.relative_to(internal(bundle)).as_posix()
        if FORBIDDEN.search(rel):
            problems.append(f"test or server code in the bundle: {rel}")
            break
        if layout.dropped(rel):
            problems.append(f"left-out Qt part still in the bundle: {rel}")
            break
    if not WINDOWS:
        problems += missing_libraries(bundle)
    return problems


def _elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in internal(bundle).rglob("*"):
        if path.is_file() and not path.is_symlink() and (".so" in path.name):
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def missing_libraries(bundle: Path) -> list[str]:
    """Shared libraries some file of the bundle needs that neither the bundle nor the system
    has (``ldd``, with the bundle's own folder searched first as the program does)."""
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal(bundle))}
    problems = []
    for path in _elf_files(bundle):
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            if "not found" in line:
                problems.append(f"{path.relative_to(bundle)} needs {line.split()[0]}: not found")
    return problems


def newest_glibc(bundle: Path) -> str | None:
    """The newest GLIBC_x.y symbol version any file of the bundle asks for: the oldest
    Linux the bundle runs on has at least this glibc."""
    newest: tuple[int, ...] = ()
    for path in [*_elf_files(bundle), layout.program_path(bundle.parent)]:
        data = path.read_bytes()
        for m in re.finditer(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?", data):
            v = tuple(int(x) for x in m.groups() if x is not None)
            newest = max(newest, v)
    return ".".join(map(str, newest)) if newest else None


def our_modules(work: Path) -> list[str]:
    """Our modules in the bundle's archive (PyInstaller's table of contents of the PYZ)."""
    import ast

    toc = ast.literal_eval((work / layout.BUNDLE / "PYZ-00.toc").read_text(encoding="utf-8"))
    names = [entry[0] for entry in toc[1]]
    return sorted(n for n in names if n.split(".")[0] in layout.OUR_PACKAGES)


def size_of(bundle: Path) -> tuple[int, int]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def sign(bundle: Path) -> None:
    """Sign the programs with the command in MEMBER_COUNTER_SIGN (Windows), e.g.
    ``signtool sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /f store.pfx``."""
    command = os.environ.get(SIGN_ENV)
    if not command:
        return
    for name in (layout.PROGRAM, layout.CLI_PROGRAM):
        exe = bundle / f"{name}.exe"
        subprocess.run([*shlex.split(command, posix=False), str(exe)], check=True)


def archive(bundle: Path) -> Path:
    machine = platform.machine().lower().replace("amd64", "x86_64")
    target = bundle.parent / f"{layout.BUNDLE}-{__version__}-linux-{machine}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=f"{layout.BUNDLE}-{__version__}")
    return target


def build(dist: Path, work: Path, *, make_archive: bool = False) -> dict:
    seconds = run_pyinstaller(dist, work)
    bundle = dist / layout.BUNDLE
    if WINDOWS:
        sign(bundle)
    problems = check(bundle)
    size, files = size_of(bundle)
    report = {
        "version": __version__,
        "bundle": str(bundle),
        "program": str(layout.program_path(dist, windows=WINDOWS)),
        "build_seconds": round(seconds, 1),
        "bytes": size,
        "files": files,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "glibc_needed": None if WINDOWS else newest_glibc(bundle),
        "problems": problems,
        "our_modules": our_modules(work),
    }
    if make_archive and not WINDOWS and not problems:
        report["archive"] = str(archive(bundle))
    (dist / "build-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="default dist/")
    p.add_argument("--work", type=Path, default=ROOT / "build", help="default build/")
    p.add_argument("--archive", action="store_true", help="also pack a .tar.gz (Linux)")
    args = p.parse_args(argv)
    report = build(args.dist.resolve(), args.work.resolve(), make_archive=args.archive)
    shown = {k: v for k, v in report.items() if k != "our_modules"}
    print(json.dumps({**shown, "our_modules": len(report["our_modules"])}, indent=2))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
