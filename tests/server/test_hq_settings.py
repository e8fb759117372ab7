"""member-hq's settings: command line over environment over config file over defaults, for
every option of serve (so options serve gains are settings too), and a typo refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from server import settings
from server.cli import build_parser, main


def parse(argv: list[str], env: dict[str, str]) -> object:
    parser = build_parser()
    settings.apply(parser, argv, env)
    return parser.parse_args(argv)


def test_file_then_environment_then_command_line(tmp_path: Path) -> None:
    config = tmp_path / "hq.toml"
    config.write_text(
        'db = "sqlite:///from-file.sqlite3"\n[serve]\nport = 9001\nworkers = 3\n'
        'log_level = "warning"\nhost = "0.0.0.0"\n',
        encoding="utf-8",
    )
    args = parse(["--config", str(config), "serve"], {})
    assert (args.db, args.port, args.workers, args.log_level, args.host) == (
        "sqlite:///from-file.sqlite3", 9001, 3, "warning", "0.0.0.0",
    )  # fmt: skip
    env = {"MEMBER_HQ_PORT": "9002", "MEMBER_HQ_DB": "sqlite:///from-env.sqlite3"}
    args = parse(["--config", str(config), "serve"], env)
    assert (args.db, args.port, args.workers) == ("sqlite:///from-env.sqlite3", 9002, 3)
    args = parse(["--config", str(config), "serve", "--port", "9003"], env)
    assert args.port == 9003
    args = parse(["serve"], {"MEMBER_HQ_CONFIG": str(config)})
    assert args.port == 9001
    args = parse(["serve"], {})
    assert (args.port, args.workers, args.log_level) == (8700, 1, "info")


def test_every_serve_option_is_a_setting() -> None:
    """An option serve gains (request limits, key files...) needs no change here."""
    parser = build_parser()
    serve = settings._subparser(parser, "serve")
    serve.add_argument("--key-file-of-tomorrow", default="none")
    env = {
        "MEMBER_HQ_MAX_BODY_BYTES": "2048",
        "MEMBER_HQ_PUSH_RATE": "2.5",
        "MEMBER_HQ_KEY_FILE_OF_TOMORROW": "k.pem",
    }
    settings.apply(parser, ["serve"], env)
    args = parser.parse_args(["serve"])
    assert (args.max_body_bytes, args.push_rate, args.key_file_of_tomorrow) == (
        2048,
        2.5,
        "k.pem",
    )
    assert build_parser().parse_args(["serve"]).max_body_bytes == 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("text", "env", "says"),
    [
        ("[serve]\nprot = 8700\n", {}, "unknown setting 'prot'"),
        ('[serve]\nport = "eighty"\n', {}, "port"),
        ('[serve]\nlog_level = "loud"\n', {}, "not one of"),
        ("[srve]\nport = 1\n", {}, "unknown table [srve]"),
        ("port = 8700\n", {}, "unknown setting 'port'"),
        ("[serve\n", {}, "config file"),
        ("", {"MEMBER_HQ_WORKERS": "many"}, "MEMBER_HQ_WORKERS"),
    ],
)
def test_a_bad_setting_stops_hq_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    text: str, env: dict[str, str], says: str,
) -> None:  # fmt: skip
    config = tmp_path / "hq.toml"
    config.write_text(text, encoding="utf-8")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MEMBER_HQ_DATA_DIR", str(tmp_path / "data"))
    assert main(["--config", str(config), "store", "list"]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "data").exists(), "nothing was opened"


def test_a_missing_config_file_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "store", "list"]) == 2
    assert "nope.toml" in capsys.readouterr().err
