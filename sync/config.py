"""The counter's enrollment with HQ, kept in ``sync.json`` in the data directory (owner-only).

It holds the device id and the secret HQ gave it at enrollment, HQ's URL and
how to check HQ's TLS certificate (on by default; a private CA may be named).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

CONFIG_FILENAME = "sync.json"


@dataclass(frozen=True)
class SyncConfig:
    server_url: str
    device_id: str
    secret: str
    store_code: str
    ca_bundle: str | None = None  # PEM file of a private CA; None uses the system's CAs
    verify_tls: bool = True

    @property
    def verify(self) -> bool | str:
        if not self.verify_tls:
            return False
        return self.ca_bundle or True


def config_path(data_dir: Path) -> Path:
    return data_dir / CONFIG_FILENAME


def load_config(data_dir: Path) -> SyncConfig | None:
    path = config_path(data_dir)
    if not path.exists():
        return None
    return SyncConfig(**json.loads(path.read_text(encoding="utf-8")))


def save_config(data_dir: Path, config: SyncConfig) -> None:
    path = config_path(data_dir)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(config), f, indent=2)
        f.flush()
        os.fsync(f.fileno())
    partial.replace(path)


def remove_config(data_dir: Path) -> None:
    config_path(data_dir).unlink(missing_ok=True)
