"""Where the database file lives: whether it sits on a network share, where SQLite's file
locking cannot be trusted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PureWindowsPath

from app.i18n import N_, _

# Filesystem types (as /proc/mounts and mount(8) name them) that are network shares.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smbfs",
        "smb2",
        "smb3",
        "afp",
        "afpfs",
        "webdav",
        "davfs",
        "fuse.sshfs",
        "sshfs",
        "9p",
        "ncpfs",
        "coda",
        "afs",
        "glusterfs",
        "fuse.glusterfs",
        "ceph",
        "fuse.rclone",
    }
)

# Translated where it is shown: network_warning().
NETWORK_WARNING = N_(
    "The database {path} is on a network share ({where}). SQLite keeps the data safe "
    "by locking the file while it writes, and on network shares that locking is not "
    "reliable: two workstations writing at once can damage the database beyond repair. "
    "Keep the database on this computer's own disk (the default), or, where several "
    "workstations must share one set of data, use the site's PostgreSQL server instead."
)


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes spaces, tabs and newlines in paths as octal escapes.
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def mount_of(path: Path, mounts_text: str) -> tuple[str, str] | None:
    """The (mount point, filesystem type) holding `path`, from /proc/mounts-style text."""
    best: tuple[str, str] | None = None
    target = str(path)
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape_mount(parts[1]), parts[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and (best is None or len(point) > len(best[0])):
            best = (point, fstype)
    return best


def _darwin_mounts() -> str:
    """mount(8)'s lines ("//user@server/share on /Volumes/share (smbfs, ...)") as
    /proc/mounts-style lines."""
    try:
        out = subprocess.run(
            ["/sbin/mount"], capture_output=True, text=True, timeout=3, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = []
    for line in out.splitlines():
        source, sep, rest = line.partition(" on ")
        if not sep or " (" not in rest:
            continue
        point, _, options = rest.rpartition(" (")
        fstype = options.split(",")[0].strip(" )")
        escaped = point.replace(" ", "\\040")
        lines.append(f"{source} {escaped} {fstype}")
    return "\n".join(lines)


def _windows_remote_drive(path: Path) -> bool:
    import ctypes

    drive = PureWindowsPath(path).drive
    if not drive:
        return False
    drive_remote = 4
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return bool(kernel32.GetDriveTypeW(drive + "\\") == drive_remote)


def network_location(
    path: Path, mounts_text: str | None = None, platform: str | None = None
) -> str | None:
    """How `path` is reached over the network ("\\\\server\\share", "nfs at /mnt/data"),
    or None for a local disk (or when it cannot be told)."""
    platform = platform or sys.platform
    raw = str(path)
    if raw.startswith(("\\\\", "//")):
        parts = [p for p in raw.replace("/", "\\").split("\\") if p]
        return "\\\\" + "\\".join(parts[:2]) if len(parts) >= 2 else raw
    try:
        resolved = Path(os.path.abspath(path))
        if resolved.exists():
            resolved = resolved.resolve()
    except OSError:
        return None
    if platform == "win32":
        try:
            return (
                _("network drive {drive}").format(drive=PureWindowsPath(resolved).drive)
                if _windows_remote_drive(resolved)
                else None
            )
        except (OSError, AttributeError):
            return None
    if mounts_text is None:
        if platform.startswith("linux"):
            try:
                mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
        elif platform == "darwin":
            mounts_text = _darwin_mounts()
        else:
            return None
    found = mount_of(resolved, mounts_text)
    if found is None:
        return None
    point, fstype = found
    if fstype.lower() in NETWORK_FILESYSTEMS or fstype.lower().startswith(("nfs", "cifs", "smb")):
        # TRANSLATORS: where a network share is mounted: "nfs at /mnt/data".
        return _("{filesystem} at {folder}").format(filesystem=fstype, folder=point)
    return None


def network_warning(
    path: Path, mounts_text: str | None = None, platform: str | None = None
) -> str | None:
    """The warning to show when the database is on a network share, else None."""
    where = network_location(path, mounts_text, platform)
    return _(NETWORK_WARNING).format(path=path, where=where) if where else None
