"""The Windows installer's script (Inno Setup cannot run here): its settings, and that every
path and name in it is the one the bundle, the app and platformdirs really use."""

from __future__ import annotations

import re
from pathlib import PureWindowsPath

import pytest

from app.version import APP_AUTHOR, APP_NAME
from tests.packaging.conftest import ROOT, layout

ISS = ROOT / "packaging" / "windows" / "member-counter.iss"


def sections() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    name = ""
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            name = m[1]
            continue
        found.setdefault(name, []).append(line)
    return found


def setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in sections()["Setup"] if "=" in line)


def defines() -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "(.*)"$', ISS.read_text(encoding="utf-8"), re.M))


def test_per_user_without_admin_rights_on_windows_10_1809_or_later() -> None:
    s = setup()
    assert s["PrivilegesRequired"] == "lowest"
    assert s["DefaultDirName"].startswith("{userpf}\\")  # %LOCALAPPDATA%\Programs
    assert s["MinVersion"] == "10.0.17763"
    assert s["ArchitecturesAllowed"] == "x64compatible"
    assert s["CloseApplications"] == "yes"
    assert s["AppVersion"] == "{#AppVersion}"


def test_it_packs_the_bundle_the_spec_makes() -> None:
    d = defines()
    bundle = (ISS.parent / PureWindowsPath(d["BundleDir"]).as_posix()).resolve()
    assert bundle == (ROOT / "dist" / layout.BUNDLE).resolve()
    assert d["ProgramExe"] == f"{layout.PROGRAM}.exe"
    assert d["CliExe"] == f"{layout.CLI_PROGRAM}.exe"
    icon = PureWindowsPath(setup()["SetupIconFile"]).as_posix()
    assert (ISS.parent / icon).resolve() == ROOT / "resources" / "icons" / "member-counter.ico"
    assert (ISS.parent / icon).is_file()
    files = sections()["Files"]
    assert any('Source: "{#BundleDir}\\*"' in f and "recursesubdirs" in f for f in files)


def test_the_data_folder_is_where_the_app_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The uninstaller offers to delete exactly the folder platformdirs gives the app."""
    import platformdirs.windows as windows

    local = r"C:\Users\cashier\AppData\Local"
    monkeypatch.setattr(
        windows, "get_win_folder", lambda name: {"CSIDL_LOCAL_APPDATA": local}[name]
    )
    app_dir = windows.Windows(APP_NAME, APP_AUTHOR).user_data_dir.replace("/", "\\")
    iss_dir = defines()["DataDir"].replace("{localappdata}", local)
    assert iss_dir == app_dir
    # never inside the program's folder
    assert not iss_dir.startswith(
        setup()["DefaultDirName"].replace("{userpf}", local + r"\Programs")
    )


def test_chinese_and_english_text_and_data_kept_unless_ticked() -> None:
    langs = [line.split(";")[0] for line in sections()["Languages"]]
    assert langs == ['Name: "chinesesimplified"', 'Name: "english"']
    messages = sections()["CustomMessages"]
    names = {m.split("=")[0].split(".", 1)[1] for m in messages}
    for name in names:
        assert any(m.startswith(f"chinesesimplified.{name}=") for m in messages), name
        assert any(m.startswith(f"english.{name}=") for m in messages), name
    code = "\n".join(sections()["Code"])
    assert "Box.Checked := False" in code
    assert "DelTree(DataFolder()" in code and "DeleteData :=" in code
    assert "KeepButton.Default := True" in code


def test_the_build_command_and_signing_are_written_down() -> None:
    text = ISS.read_text(encoding="utf-8")
    assert 'ISCC.exe" /DAppVersion=' in text
    readme = (ISS.parent / "README.md").read_text(encoding="utf-8")
    assert "signtool sign /fd SHA256 /tr" in readme and "MEMBER_COUNTER_SIGN" in readme
    assert "Windows 10 1809" in (ROOT / "README.md").read_text(encoding="utf-8")
