"""Atomic site builds: build into a fresh folder next to the target, swap it in only when every step succeeded."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rulebook.core.process import die_with_parent, pid_alive
from rulebook.core.settings import Settings

_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class BuildFailed(Exception):
    """A build step failed; the message says which. The target folder was not touched."""


class Interrupted(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so the same clean-up runs (see on_sigterm).

    `swapped` is True for a signal that arrived during the swap: the new site is already in place."""

    def __init__(self, message: str, swapped: bool = False) -> None:
        super().__init__(message)
        self.swapped = swapped


def on_sigterm(signum: int, frame: object) -> None:
    """A signal handler for SIGTERM: raise Interrupted (install it with signal.signal in a script's main)."""
    raise Interrupted(f"signal {signum}")


def temp_dir(target: Path) -> Path:
    """Where this process builds the new site: next to the target, so the final rename stays on one file system."""
    return target.with_name(f"{target.name}.tmp-{os.getpid()}")


def clean_stale(target: Path) -> list[Path]:
    """Remove `<target>.tmp-<pid>` and `<target>.old-<pid>` folders left by builds that died (SIGKILL, power loss).

    A folder is stale when its pid is this process (nothing is ours yet) or no live process. Returns what it removed."""
    removed = []
    for kind in ("tmp", "old"):
        for path in sorted(target.parent.glob(f"{target.name}.{kind}-*")):
            pid = path.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or (int(pid) != os.getpid() and pid_alive(int(pid))):
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@contextmanager
def _signals_blocked() -> Iterator[None]:
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2 RENAME_EXCHANGE); False where it is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # glibc < 2.28, or another libc
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system or kernel cannot; use two renames
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def swap(new: Path, target: Path) -> Path | None:
    """Put the folder `new` at `target`; return the path now holding the site it replaced (None: there was none).

    The target path never goes missing where Linux can exchange two names in one system call
    (renameat2 RENAME_EXCHANGE: a reader sees the whole old site or the whole new one). Elsewhere it is
    two renames (target -> `<target>.old-<pid>`, new -> target), so the target is missing only between
    those two system calls. Call it with SIGINT/SIGTERM blocked (atomic_build does) so that no signal
    lands between them."""
    if not target.exists():
        os.rename(new, target)
        return None
    if _exchange(new, target):
        return new  # the exchanged name now holds the old site
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    return old


def atomic_build(target: Path, steps: Callable[[Path], None]) -> None:
    """Run `steps(tmp)` on a fresh temporary folder next to `target` and swap it in only if they all return.

    On any exception, KeyboardInterrupt or Interrupted before the swap the temporary folder is removed
    and `target` is left byte-identical. Stale temporary folders of dead builds are removed first."""
    target = Path(os.path.abspath(target))
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise BuildFailed(f"{target} is not a folder; give -d the folder the site should be in")
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    tmp = temp_dir(target)
    old: Path | None = None
    swapped = False
    try:
        tmp.mkdir()
        steps(tmp)
        with _signals_blocked():
            old = swap(tmp, target)
            swapped = True
    except BaseException as e:
        if not swapped:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if isinstance(e, (KeyboardInterrupt, Interrupted)):  # delivered as the signals were unblocked
            raise Interrupted("after the new site was in place", swapped=True) from e
        raise
    finally:
        if swapped and old is not None:
            remove_later(old, target)


# The old site's removal, in its own process: it renames the folder to <target>.old-<its pid> (so a build
# starting meanwhile leaves it to this process, clean_stale) and deletes it.
_REMOVER = (
    "import os, shutil, sys\n"
    "path, target = sys.argv[1:3]\n"
    "mine = f'{target}.old-{os.getpid()}'\n"
    "try:\n"
    "    os.rename(path, mine)\n"
    "except OSError:\n"
    "    mine = path\n"
    "shutil.rmtree(mine, ignore_errors=True)\n"
)


def remove_later(old: Path, target: Path) -> None:
    """Delete the replaced site `old` without making the build wait for it: the new site is already in
    place (at 3,000 cities deleting the old one's ~50,000 files took longer than a one-city rebuild's
    pages). A detached process does it; if it cannot be started, it is deleted here. A folder left by a
    remover that died is stale and the next build removes it (clean_stale)."""
    try:
        subprocess.Popen(
            [sys.executable, "-c", _REMOVER, str(old), str(target)],
            start_new_session=True,  # not killed with the build's terminal or process group
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


def wait_removed(target: Path, timeout: float = 60.0) -> None:
    """Wait until no `<target>.old-*` / `.tmp-*` folder of a finished build is left (tests, scripts that
    measure disk use): the remover started by remove_later may still be deleting one."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [p for kind in ("tmp", "old") for p in target.parent.glob(f"{target.name}.{kind}-*")]
        if not [p for p in left if p.exists()]:
            return
        time.sleep(0.05)


def run_step(cmd: list[str], cwd: Path, what: str, env: dict[str, str] | None = None) -> None:
    """Run one build step as a child process (its own process group, output passed through).

    Raises BuildFailed if it exits non-zero. If this process is interrupted, the step's whole process
    group (e.g. Chromium under the PDF step) is killed before the exception goes on."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, start_new_session=True, preexec_fn=die_with_parent)
    try:
        rc = proc.wait()
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        raise
    if rc < 0:
        raise BuildFailed(f"{what} was killed by {signal.Signals(-rc).name}")
    if rc != 0:
        raise BuildFailed(f"{what} failed (exit {rc})")


def build_site(
    target: Path, config: Path, pdf: bool = False, quiet: bool = False, incremental: bool = True, debug: bool = False
) -> None:
    """Build the site of `config` (mkdocs --strict) and, with pdf, its PDFs (scripts/pdf.py), atomically into `target`.

    The project is the folder of `config`; its own scripts/pdf.py prints the PDFs. With `incremental`
    and a previous site at `target`, city pages whose inputs did not change are not rendered again:
    their files are hard-linked from the previous site (rulebook/build/incremental.py); the result is the
    same as a full build's. Without it every page is rendered (as `mkdocs build` always does)."""
    config = Path(os.path.abspath(config))
    target = Path(os.path.abspath(target))
    project = config.parent
    if not config.is_file():
        raise BuildFailed(f"{config}: no such MkDocs config")

    def steps(tmp: Path) -> None:
        cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(tmp)]
        # With --pdf the pages link the PDFs the next step prints (Settings.pdf); without, they do not.
        # The target names the site the pages' fingerprints are recorded for (in .cache/), in every build.
        env = Settings.from_env().with_values(pdf=pdf, previous_site=target).environ()
        if incremental and target.is_dir():
            cmd.append("--dirty")  # MkDocs skips the pages our hook marks unmodified (mkdocs_hooks._plan_pages)
        if debug:
            cmd.append("--verbose")  # MkDocs' debug log: the hooks log an OSError's traceback there
        run_step([*cmd, "-q"] if quiet else cmd, project, "mkdocs build", env)
        if pdf:
            run_step([sys.executable, str(project / "scripts/pdf.py"), "--site", str(tmp)], project, "PDF step")

    atomic_build(target, steps)


# The local variables that name the file an output call was writing (MkDocs' write_file: output_path;
# shutil: dst; ours: path), searched innermost first when the error itself names none (a failed write()).
_PATH_LOCALS = ("output_path", "abs_dest_path", "dest_path", "dst", "dest", "path", "tmp", "filename")
_HINTS = {
    errno.ENOSPC: "free disk space and build again",
    errno.EDQUOT: "free space within the disk quota and build again",
    errno.EROFS: "the file system is read-only: build into a writable folder (-d)",
    errno.EACCES: "check the folder's permissions or build into another folder (-d)",
    errno.EPERM: "check the folder's permissions or build into another folder (-d)",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n) and build again",
}


def os_error_line(error: OSError) -> str:
    """One line for a build stopped by the operating system (disk full, no permission, read-only): the
    file, the cause and the way out; no traceback."""
    path = error.filename
    if path is None:
        tb = error.__traceback__
        frames = []
        while tb is not None:
            frames.append(tb.tb_frame)
            tb = tb.tb_next
        for frame in reversed(frames):
            names = (frame.f_locals.get(n) for n in _PATH_LOCALS)
            found = next((v for v in names if isinstance(v, str | Path)), None)
            if found is not None:
                path = found
                break
    cause = error.strerror or str(error) or type(error).__name__
    code = errno.errorcode.get(error.errno or 0)
    hint = _HINTS.get(error.errno or 0, "fix the cause and build again")
    where = f"{path}: " if path is not None else ""
    return f"build stopped: {where}{cause}{f' ({code})' if code else ''}; {hint}"
