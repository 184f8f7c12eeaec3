"""The tools netui is measured against, each in its own virtual environment under bench/.venvs.

Pinned versions, installed once with pip from PyPI; nothing touches the user's own installs
or configs (each tool is pointed at the corpus's own config file).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

VENVS = Path(__file__).resolve().parent / ".venvs"


@dataclass(frozen=True)
class Peer:
    name: str
    requirement: str
    executable: str

    @property
    def env_dir(self) -> Path:
        return VENVS / self.name

    @property
    def path(self) -> Path:
        return self.env_dir / "bin" / self.executable

    def ensure(self) -> Path:
        """Create the environment and install the pinned version if it is not there yet."""
        if not self.path.exists():
            print(f"installing {self.requirement} into {self.env_dir} ...", file=sys.stderr)
            shutil.rmtree(self.env_dir, ignore_errors=True)
            venv.EnvBuilder(with_pip=True).create(self.env_dir)
            pip = self.env_dir / "bin" / "pip"
            subprocess.run([str(pip), "install", "-q", self.requirement], check=True)
        return self.path


JRNL = Peer("jrnl", "jrnl==4.6", "jrnl")
KHARD = Peer("khard", "khard==0.22.0", "khard")


def ripgrep() -> str | None:
    """rg, the floor for a text search, if installed (apt-get install ripgrep)."""
    return shutil.which("rg")
