"""Developer entry point: keep .venv in step with pyproject.toml, then run the app, tests or checks."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

USAGE = """\
usage: python3 scripts/dev.py COMMAND [ARGS...]

Each command first creates .venv beside pyproject.toml if it is missing and installs the
project's dependencies into it (again only after pyproject.toml changes).

commands:
  run [ARGS...]    start Showroom (main.py) with ARGS, e.g. --demo
  test [ARGS...]   run the tests (the catalogues compiled first): python -m pytest
                   ARGS, with QT_QPA_PLATFORM=offscreen; the services' and stress tests
                   run on SQLite and on a PostgreSQL server they start (the end of the
                   run says loudly when that half was skipped;
                   SHOWROOM_TEST_POSTGRES=off skips it on purpose); in one process a
                   core, up to four, unless ARGS choose with -n (-n 0: one process)
  check            ruff check, ruff format --check, mypy, lint-imports, the texts'
                   template up to date, every shipped language's catalogue complete
                   (no missing or fuzzy translation, placeholders as the original's,
                   up to date with the template), no untranslated text in the code
  texts COMMAND    the translation catalogues (scripts/texts.py): extract (the template
                   resources/translations/showroom.pot), update (merge it into each
                   language), compile (.po -> .mo), add LANG (start a language), check
  build [ARGS...]  build the installer (the catalogues compiled first):
                   pyinstaller --noconfirm installer.spec ARGS
  setup            only create or update .venv (and compile the catalogues)
"""

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
# Holds the hash of the pyproject.toml the venv was last installed from.
STAMP = VENV / "showroom-installed.txt"
WINDOWS = os.name == "nt"
BIN = VENV / ("Scripts" if WINDOWS else "bin")
VENV_PYTHON = BIN / ("python.exe" if WINDOWS else "python")
# Bump to force a reinstall when the install step itself changes.
INSTALL_STEP = "pip install -e .[dev] v1"


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def fail(message: str) -> int:
    print(f"dev.py: error: {message}", file=sys.stderr, flush=True)
    return 1


def call(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> int:
    """Run a command to completion and return its exit code (128 + N for a signal N)."""
    process = subprocess.Popen(command, cwd=cwd, env=env)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        # The child got the same Ctrl-C; give it a moment to finish on its own.
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait()
        return 130
    return 128 - code if code < 0 else code


class SetupError(Exception):
    """Setting up .venv failed; the message says what to do."""


def requires_python() -> str:
    import tomllib

    with PYPROJECT.open("rb") as file:
        return str(tomllib.load(file)["project"].get("requires-python", ""))


def fits(version: tuple[int, int], specifier: str) -> bool:
    """Whether a Python major.minor satisfies a requires-python such as '>=3.11,<3.14'."""
    for clause in filter(None, (part.strip() for part in specifier.split(","))):
        operator = next(
            op for op in (">=", "<=", "==", "!=", "~=", "<", ">", "") if clause.startswith(op)
        )
        text = clause[len(operator) :].strip().removesuffix(".*")
        try:
            bound = tuple(int(number) for number in text.split(".")[:2])
        except ValueError:
            continue  # a form this check does not know: leave it to pip
        checks = {
            ">=": version >= bound,
            "~=": version >= bound,
            "<=": version <= bound,
            "<": version < bound,
            ">": version > bound,
            "==": version[: len(bound)] == bound,
            "!=": version[: len(bound)] != bound,
        }
        if not checks.get(operator, True):
            return False
    return True


def python_version(command: list[str]) -> tuple[int, int] | None:
    """The major.minor of the Python that `command` starts, or None if it does not start."""
    try:
        result = subprocess.run(
            [*command, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    major, minor = result.stdout.split()
    return int(major), int(minor)


def find_base_python(specifier: str) -> list[str]:
    """This interpreter if pyproject.toml accepts it, else the newest accepted one on PATH."""
    if fits(sys.version_info[:2], specifier):
        return [sys.executable]
    launcher = shutil.which("py") if WINDOWS else None
    for minor in range(20, 10, -1):
        if not fits((3, minor), specifier):
            continue
        if launcher:
            candidate = [launcher, f"-3.{minor}"]
        else:
            found = shutil.which(f"python3.{minor}")
            if not found:
                continue
            candidate = [found]
        if python_version(candidate) == (3, minor):
            return candidate
    raise SetupError(
        f"this is Python {sys.version_info[0]}.{sys.version_info[1]}, but Showroom needs Python "
        f"{specifier} and none was found on PATH; install one and run dev.py with it"
    )


def create_venv(specifier: str) -> None:
    base = find_base_python(specifier)
    say(f"creating {VENV.name} with {' '.join(base)}")
    if call([*base, "-m", "venv", str(VENV)]) != 0 or not VENV_PYTHON.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        raise SetupError(
            "could not create .venv (on Debian or Ubuntu: apt install python3-venv, then retry)"
        )
    if call([str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"]) != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        raise SetupError("could not upgrade pip inside the new .venv (see pip's message above)")


def setup() -> None:
    """Make .venv exist, run a Python that pyproject.toml accepts, and hold its dependencies."""
    specifier = requires_python()
    version = python_version([str(VENV_PYTHON)]) if VENV_PYTHON.exists() else None
    if version is None or not fits(version, specifier):
        if VENV.exists():
            say(f"{VENV.name} is broken or its Python does not fit {specifier}: recreating it")
            shutil.rmtree(VENV)
        create_venv(specifier)

    wanted = f"{INSTALL_STEP}\n{hashlib.sha256(PYPROJECT.read_bytes()).hexdigest()}\n"
    if STAMP.exists() and STAMP.read_text(encoding="utf-8") == wanted:
        return
    say("installing the dependencies from pyproject.toml into .venv")
    command = [str(VENV_PYTHON), "-m", "pip", "install", "-e", ".[dev]"]
    if not sys.stdout.isatty():
        command += ["--progress-bar", "off"]
    STAMP.unlink(missing_ok=True)
    if call(command, cwd=ROOT) != 0:
        raise SetupError("installing the dependencies failed (see pip's message above)")
    STAMP.write_text(wanted, encoding="utf-8")


def venv_script(name: str) -> str:
    return str(BIN / (f"{name}.exe" if WINDOWS else name))


def texts(args: list[str]) -> int:
    return call([str(VENV_PYTHON), str(ROOT / "scripts" / "texts.py"), *args], cwd=ROOT)


def compile_catalogues() -> int:
    """The program reads compiled catalogues (.mo, not committed); the .po files are what is
    committed. Built before the program runs, the tests run, or the installer is built."""
    if texts(["compile"]) != 0:
        return fail("compiling the translation catalogues failed")
    return 0


def run_app(args: list[str]) -> int:
    if compile_catalogues() != 0:
        return 1
    # The caller's working directory is kept, so a relative --data-dir means what it says.
    return call([str(VENV_PYTHON), str(ROOT / "main.py"), *args])


def run_tests(args: list[str]) -> int:
    # The tests read the shipped catalogues (a German screen, Qt's buttons, --help).
    if compile_catalogues() != 0:
        return 1
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return call([str(VENV_PYTHON), "-m", "pytest", *_workers(args), *args], cwd=ROOT, env=env)


def _workers(args: list[str]) -> list[str]:
    """The tests run in as many processes as the computer has cores, up to four (each with
    a PostgreSQL server of its own), unless the arguments choose (`-n 0`: one process)."""
    if any(a == "--numprocesses" or a.startswith(("-n", "--numprocesses=")) for a in args):
        return []
    return ["-n", str(max(1, min(os.cpu_count() or 1, 4)))]


def run_checks(args: list[str]) -> int:
    if args:
        return fail(f"check takes no arguments (got {' '.join(args)})")
    python = str(VENV_PYTHON)
    steps = [
        ("ruff check", [python, "-m", "ruff", "check", "."]),
        ("ruff format --check", [python, "-m", "ruff", "format", "--check", "."]),
        ("mypy", [python, "-m", "mypy"]),
        ("lint-imports", [venv_script("lint-imports")]),
        ("texts template", [python, str(ROOT / "scripts" / "texts.py"), "check-template"]),
        # Every shipped language complete, placeholders as the original's, up to date.
        ("translations", [python, str(ROOT / "scripts" / "texts.py"), "check-catalogues"]),
        ("untranslated texts", [python, str(ROOT / "scripts" / "check_texts.py")]),
    ]
    failed = []
    for name, command in steps:
        say(f"--- {name}")
        if call(command, cwd=ROOT) != 0:
            failed.append(name)
    if failed:
        return fail(f"failed: {', '.join(failed)}")
    say("all checks passed")
    return 0


def build(args: list[str]) -> int:
    # installer.spec copies resources/ whole, the compiled catalogues with it.
    if compile_catalogues() != 0:
        return 1
    command = [str(VENV_PYTHON), "-m", "PyInstaller", "--noconfirm", "installer.spec", *args]
    return call(command, cwd=ROOT)


def setup_only(args: list[str]) -> int:
    if args:
        return fail(f"setup takes no arguments (got {' '.join(args)})")
    return compile_catalogues()


COMMANDS = {
    "run": run_app,
    "test": run_tests,
    "check": run_checks,
    "texts": texts,
    "build": build,
    "setup": setup_only,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command, args = argv[0], argv[1:]
    if command not in COMMANDS:
        print(USAGE, end="", file=sys.stderr)
        return fail(f"unknown command {command!r}")
    try:
        setup()
    except SetupError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    return COMMANDS[command](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
