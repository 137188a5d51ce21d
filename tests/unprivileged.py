"""Running a piece of the program where permission bits bind.

The suite runs as root in CI, and root reads and writes whatever the bits say: a read-only
folder is not read-only to it. So the cases about read-only folders run a child Python
process without the capabilities that let root ignore them (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH, CAP_FOWNER, dropped from the bounding set by setpriv): the child is
still uid 0, so it reaches the interpreter under /root, but a folder's mode binds it as it
binds any user. Run by anyone else, the child runs as they do. These cases never skip on
POSIX: a missing setpriv fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What root may do regardless of permission bits.
_OVERRIDES = "-dac_override,-dac_read_search,-fowner"


def as_root() -> bool:
    return os.name != "nt" and os.geteuid() == 0


def run(
    args: list[str], home: Path, timeout: float = 120, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python ARGS` from the repository where permission bits bind (see above), with
    output captured as text."""
    command = [sys.executable, *args]
    if as_root():
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            raise AssertionError("running as root, and setpriv is not there to drop root's rights")
        command = [setpriv, f"--bounding-set={_OVERRIDES}", *command]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(home),
        "LANG": "C.UTF-8",
        **(extra_env or {}),
    }
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def read_only(folder: Path) -> None:
    """The folder and every folder in it read-only (files keep their modes)."""
    for current, _dirs, _files in os.walk(folder, topdown=False):
        os.chmod(current, 0o555)


def writable(folder: Path) -> None:
    for current, _dirs, _files in os.walk(folder):
        os.chmod(current, 0o700)
