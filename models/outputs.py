"""Where rotaplan may write, and how: the one guard every writer of an output goes through.

An output (a plan folder, a generated scenario folder or workbook, a compare or sweep page) goes only

- to a path that does not exist yet, or an empty folder, or
- over an output rotaplan made before and that nobody changed since: a folder carries a marker file
  `.rotaplan` (JSON: what made it and the sha256 of every file written); a single file carries a mark
  inside it (an HTML `<meta name="generator">` tag, workbook document properties), with the sha256 of
  the rest of its content.

Anything else is refused with an `OutputError` that says what to do; the scenario a plan is made from,
the plan being re-planned and the run history are never replaced, nor a folder holding one of them,
nor the folder the user is working in. The new content is written into a temporary sibling
(`.NAME.tmp-XXXX`, marked as rotaplan's from its first byte) and swapped into place with one rename, so
a kill at any moment leaves either the previous output or the new one, whole. Temporary siblings a kill
left behind are removed by the next write to the same path (only those carrying rotaplan's marker and
whose writing process is gone).
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import Problem, ScenarioError

MARKER = ".rotaplan"
MADE_BY = "rotaplan"
TMP = ".tmp-"
OLD = ".old-"
_CORE_XML = "docProps/core.xml"
_HTML_MARK = re.compile(r'<meta name="generator" content="rotaplan (?P<kind>[\w-]+) sha256=(?P<digest>[0-9a-f]{64})">')

Protected = Iterable[tuple[str, str | Path | None]]  # (what it is, path): e.g. ("scenario", "laiwu.xlsx")


class OutputError(ScenarioError):
    """An output path rotaplan may not or cannot write. The CLI prints the sentence and exits 2."""

    def __init__(self, path: str | Path, message: str):
        self.path = str(path)
        self.message = message
        super().__init__([Problem(str(path), None, None, None, message)])

    def __str__(self) -> str:
        return self.message


# ---- the guard --------------------------------------------------------------------------------
def owned_output_dir(path: str | Path, kind: str, protect: Protected = (), option: str = "--out") -> Path:
    """The absolute path of an output folder rotaplan may (re)write, or OutputError saying why not.

    kind names what goes there ("plan", "scenario"): a folder made for another kind is not replaced.
    protect: paths that must survive (the scenario, an edited plan, the run history).
    option: how the user gave the path, for the suggestion ("--out"; "" for an argument)."""
    return _check(path, kind, True, protect, option)


def owned_output_file(path: str | Path, kind: str, protect: Protected = (), option: str = "") -> Path:
    """As owned_output_dir, for a single file (an .xlsx workbook or an HTML page)."""
    return _check(path, kind, False, protect, option)


def _check(path: str | Path, kind: str, is_dir: bool, protect: Protected, option: str) -> Path:
    given = str(path)
    noun = "folder" if is_dir else "file"
    if not given.strip():
        raise OutputError(given, f"an empty path was given for the {_noun(kind)} {noun}. "
                                 + _hint(given, is_dir, option, kind))
    p = Path(os.path.abspath(Path(given).expanduser()))
    real = p.resolve()

    def refuse(why: str, lead: str = "") -> OutputError:
        hint = _hint(given, is_dir, option, kind)
        if lead:
            hint = lead + hint[0].lower() + hint[1:]
        return OutputError(p, f"rotaplan will not write the {_noun(kind)} to {p}: {why}. {hint}")

    cwd = Path.cwd().resolve()
    if real == cwd or cwd.is_relative_to(real):
        raise refuse("it is the folder you are working in" if real == cwd else
                     "it holds the folder you are working in")
    for what, q in protect:
        if not q:
            continue
        qr = Path(os.path.abspath(Path(str(q)).expanduser())).resolve()
        if real == qr:
            raise refuse(f"it is the {what} itself")
        if qr.is_relative_to(real):
            raise refuse(f"it holds the {what} ({qr})")
        if qr.is_dir() and real.is_relative_to(qr) and real.exists():
            raise refuse(f"it is part of the {what} ({qr})")
    _check_parent(p, kind, is_dir, given, option)
    _clean_stale(p)
    if p.is_symlink():
        raise refuse("it is a link; rotaplan replaces only files and folders it made itself")
    if not p.exists():
        return p
    if is_dir:
        if not p.is_dir():
            raise refuse("it is a file, not a folder")
        _check_own_dir(p, kind, refuse)
    else:
        if p.is_dir():
            raise refuse("it is a folder, not a file")
        mark = file_mark(p)
        if mark is None:
            raise refuse("it is a file rotaplan did not make")
        made, unchanged = mark
        if made != kind:
            raise refuse(f"it holds a rotaplan {made}, not a {kind}")
        if not unchanged:
            raise refuse("it was changed since rotaplan wrote it")
    return p


def _noun(kind: str) -> str:
    return {"compare": "comparison page", "sweep": "sweep report"}.get(kind, kind)


def _hint(given: str, is_dir: bool, option: str, kind: str = "plan") -> str:
    """'Choose a new folder, e.g. --out plan-2': a sibling name that does not exist yet."""
    default = kind if is_dir else f"{kind}.html"
    g = Path(given.strip() or default).expanduser()
    name, base = g.name, g.parent
    if name in ("", ".", ".."):
        name, base = default, Path(".")
    anc = Path(os.path.abspath(base))
    while not anc.exists():
        anc = anc.parent
    if not anc.is_dir():  # FILE/sub: suggest beside the working folder instead
        base = Path(".")
    if is_dir and Path(name).suffix:  # a folder named like a file (plan.xlsx): name it after its content
        name = kind
    stem, suffix = (name, "") if is_dir else (Path(name).stem, Path(name).suffix)
    cand = base / f"{stem}-2{suffix}"
    for n in range(2, 1000):
        cand = base / f"{stem}-{n}{suffix}"
        if not os.path.lexists(cand):
            break
    shown = str(cand) if str(base) != "." else cand.name
    return f"Choose a new {'folder' if is_dir else 'file'}, e.g. {option + ' ' if option else ''}{shown}"


def _check_parent(p: Path, kind: str, is_dir: bool, given: str, option: str) -> None:
    """The nearest existing ancestor must be a folder we can create entries in (probed, not guessed:
    root and read-only file systems answer os.access differently from a real write)."""
    anc = p.parent
    while not anc.exists() and not anc.is_symlink():
        anc = anc.parent
    if not anc.is_dir():
        raise OutputError(p, f"rotaplan cannot write the {_noun(kind)} to {p}: {anc} is a file, not a folder. "
                             + _hint(given, is_dir, option, kind))
    try:
        os.rmdir(_mkdir_unique(anc, f".{p.name}.probe-"))
    except OSError as exc:
        raise OutputError(p, f"rotaplan cannot write the {_noun(kind)} to {p}: it cannot create anything in {anc} "
                             f"({describe_os_error(exc, with_path=False)}). Choose a {'folder' if is_dir else 'file'} "
                             f"in a place you can write to.") from None


def _check_own_dir(p: Path, kind: str, refuse: Callable[..., OutputError]) -> None:
    entries = list(p.iterdir())
    if not entries:
        return  # an empty folder holds nothing to lose
    marker = read_marker(p)
    if marker is None:
        shown = ", ".join(sorted(e.name for e in entries)[:3]) + (", ..." if len(entries) > 3 else "")
        raise refuse(f"it is a folder rotaplan did not make (it holds {shown}); rotaplan never replaces files "
                     "it did not write")
    if marker.get("kind") != kind:
        raise refuse(f"it holds a rotaplan {marker.get('kind', 'output')}, not a {kind}")
    changed, added = compare_manifest(p, marker.get("files", {}))
    if changed or added:
        parts = []
        if changed:
            parts.append(f"{_list(changed)} changed since rotaplan wrote {'it' if len(changed) == 1 else 'them'}")
        if added:
            parts.append(f"{_list(added)} {'was' if len(added) == 1 else 'were'} not written by rotaplan")
        raise refuse("; ".join(parts), "Move your files out of it, or ")


def _list(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


# ---- markers and manifests ------------------------------------------------------------------------
def read_marker(folder: Path) -> dict | None:
    """The marker of a folder rotaplan made, or None."""
    f = Path(folder) / MARKER
    try:
        if f.is_symlink() or not f.is_file():
            return None
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("made_by") == MADE_BY else None


def _write_marker(folder: Path, kind: str, state: str, files: dict | None = None) -> None:
    data = {"made_by": MADE_BY, "kind": kind, "state": state, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "host": socket.gethostname(), "pid": os.getpid(), "files": files or {}}
    tmp = folder / f"{MARKER}.tmp"
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / MARKER)


def fresh_owned_dir(path: str | Path, kind: str, protect: Protected = (), option: str = "--out") -> Path:
    """An empty folder at `path` for rotaplan to fill in place, step by step (a roadmap), marked partial: a new
    folder, or one rotaplan made there before and nobody changed since (the guard is asked again right before),
    whose files are removed first, its marker last so that a kill midway leaves it recognisable."""
    target = owned_output_dir(path, kind, protect, option)
    if target.exists():
        for entry in target.iterdir():
            if entry.name != MARKER:
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        (target / MARKER).unlink(missing_ok=True)
        target.rmdir()
    target.mkdir(parents=True)
    mark_folder(target, kind, complete=False)
    return target


def mark_folder(folder: Path, kind: str, complete: bool) -> None:
    """Mark a folder rotaplan fills in place, step by step (a roadmap): its marker lists every file written so
    far, so a later write may replace it (`owned_output_dir`) while nobody changed it."""
    _write_marker(folder, kind, "complete" if complete else "partial", manifest(folder))


def manifest(folder: Path) -> dict[str, str]:
    """sha256 of every file under folder (relative POSIX paths), the marker itself left out."""
    out: dict[str, str] = {}
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            f = Path(root) / name
            rel = f.relative_to(folder).as_posix()
            if rel in (MARKER, f"{MARKER}.tmp"):
                continue
            out[rel] = "link" if f.is_symlink() else _sha256(f)
    return out


def compare_manifest(folder: Path, files: dict) -> tuple[list[str], list[str]]:
    """(changed, added): files that differ from what rotaplan wrote, and files it did not write. Files the
    user deleted are no loss and are not listed."""
    now = manifest(folder)
    changed = [f for f, h in now.items() if f in files and files[f] != h]
    added = [f for f in now if f not in files]
    return changed, added


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_mark(path: Path) -> tuple[str, bool] | None:
    """(kind, unchanged) of a single file rotaplan made, or None when it carries no rotaplan mark."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            return _xlsx_mark(path)
        data = path.read_bytes()
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    m = _HTML_MARK.search(text[:65536])
    if m is None:
        return None
    rest = text[: m.start()] + text[m.end():]
    return m["kind"], hashlib.sha256(rest.encode("utf-8")).hexdigest() == m["digest"]


def mark_html(text: str, kind: str) -> str:
    """The page with rotaplan's mark (kind and the sha256 of the page) in its head."""
    text = _HTML_MARK.sub("", text, count=1)
    tag = f'<meta name="generator" content="rotaplan {kind} sha256={hashlib.sha256(text.encode("utf-8")).hexdigest()}">'
    m = re.search(r"<head[^>]*>", text[:65536], flags=re.IGNORECASE)
    at = m.end() if m else 0
    return text[:at] + tag + text[at:]


def _xlsx_digest(z: zipfile.ZipFile) -> str:
    h = hashlib.sha256()
    for name in sorted(z.namelist()):
        if name == _CORE_XML:
            continue
        h.update(name.encode("utf-8") + b"\0")
        h.update(z.read(name))
    return h.hexdigest()


def _xlsx_mark(path: Path) -> tuple[str, bool] | None:
    with zipfile.ZipFile(path) as z:
        if _CORE_XML not in z.namelist():
            return None
        core = z.read(_CORE_XML).decode("utf-8")
        m = re.search(r"<cp:keywords>rotaplan ([\w-]+) sha256=([0-9a-f]{64})</cp:keywords>", core)
        if m is None:
            return None
        return m[1], _xlsx_digest(z) == m[2]


def mark_xlsx(path: Path, kind: str) -> None:
    """Set the workbook's document properties to rotaplan's mark: author, keywords with the sha256 of every
    other part. Excel and WPS rewrite the parts when they save, so an edited workbook is recognised."""
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
        digest = _xlsx_digest(z)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{MADE_BY}</dc:creator><cp:lastModifiedBy>{MADE_BY}</cp:lastModifiedBy>"
            f"<cp:keywords>rotaplan {kind} sha256={digest}</cp:keywords>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
    out = path.with_name(path.name + ".marking")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for info, data in items:  # openpyxl always writes core.xml; a workbook without one stays unmarked
            z.writestr(info, core.encode("utf-8") if info.filename == _CORE_XML else data)
    os.replace(out, path)


# ---- atomic writing -------------------------------------------------------------------------------
def atomic_write_dir(path: str | Path, fill: Callable[[Path], object], kind: str = "output",
                     protect: Protected = (), option: str = "--out") -> Path:
    """Fill a temporary sibling folder, then swap it into place; the previous folder survives any failure
    or kill until the swap, and the swap is one rename. Refuses (OutputError) what the guard refuses."""
    target = owned_output_dir(path, kind, protect, option)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _mkdir_unique(target.parent, f".{target.name}{TMP}")
    try:
        _write_marker(tmp, kind, "temporary")
        fill(tmp)
        _write_marker(tmp, kind, "complete", manifest(tmp))
        owned_output_dir(target, kind, protect, option)  # again: the user may have put files there meanwhile
        _swap_in(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    return target


def atomic_write_file(path: str | Path, fill: Callable[[Path], object], kind: str = "output",
                      protect: Protected = (), option: str = "") -> Path:
    """Write a single file through a marked temporary sibling folder and rename it into place, marked as
    rotaplan's (document properties of a workbook, a meta tag of a page)."""
    target = owned_output_file(path, kind, protect, option)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _mkdir_unique(target.parent, f".{target.name}{TMP}")
    try:
        _write_marker(tmp, kind, "temporary")
        f = tmp / target.name
        fill(f)
        if target.suffix.lower() == ".xlsx":
            mark_xlsx(f, kind)
        else:
            f.write_text(mark_html(f.read_text(encoding="utf-8"), kind), encoding="utf-8")
        owned_output_file(target, kind, protect, option)
        os.replace(f, target)
    finally:
        _remove(tmp)
    return target


def write_text_output(path: str | Path, text: str, kind: str, protect: Protected = (), option: str = "") -> Path:
    """An HTML page (compare, sweep) written through the guard."""
    return atomic_write_file(path, lambda p: p.write_text(text, encoding="utf-8"), kind, protect, option)


def _mkdir_unique(parent: Path, prefix: str) -> Path:
    for _ in range(100):
        p = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            p.mkdir()
            return p
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "cannot find a free temporary name", str(parent / prefix))


_AT_FDCWD, _RENAME_NOREPLACE, _RENAME_EXCHANGE = -100, 1, 2
try:
    _libc = ctypes.CDLL(None, use_errno=True)
    _renameat2 = getattr(_libc, "renameat2", None)
except OSError:  # pragma: no cover - no C library to ask
    _renameat2 = None


def _rename2(src: Path, dst: Path, flags: int) -> bool:
    """Linux renameat2: True when done, False when the system or file system does not offer it."""
    if _renameat2 is None:
        return False
    rc = _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(dst))


def _swap_in(tmp: Path, target: Path) -> None:
    if not os.path.lexists(target):
        if not _rename2(tmp, target, _RENAME_NOREPLACE):
            os.rename(tmp, target)
        return
    if _rename2(tmp, target, _RENAME_EXCHANGE):  # one atomic step: the new folder in, the old one at tmp
        _write_marker(tmp, (read_marker(tmp) or {}).get("kind", "output"), "old")
        _remove(tmp)
        return
    # Without renameat2: two renames. A kill between them leaves the old folder at .NAME.old-*, which the
    # next write restores before anything else (see _clean_stale).
    old = _mkdir_unique(target.parent, f".{target.name}{OLD}")
    os.rmdir(old)
    os.rename(target, old)
    os.rename(tmp, target)
    _remove(old)


def _remove(folder: Path) -> None:
    """Remove a temporary folder, its marker last, so that a kill midway leaves it recognisable."""
    if not folder.exists():
        return
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except OSError:
                pass
    try:
        (folder / MARKER).unlink(missing_ok=True)
        folder.rmdir()
    except OSError:
        pass


def _alive(marker: dict) -> bool:
    """Whether the process that wrote a temporary folder may still be writing it."""
    if marker.get("host") != socket.gethostname():
        return True  # another machine's process: leave its folders alone
    pid = marker.get("pid")
    if not isinstance(pid, int):
        return False
    if pid == os.getpid():
        return True  # this very write (a process cleans up its own temporaries as it goes)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(target: Path) -> None:
    """Remove what a killed write to target left: marked temporary siblings whose writer is gone. Without
    renameat2, a kill between the two renames left the previous output at .NAME.old-*: it is put back."""
    parent = target.parent
    if not parent.is_dir():
        return
    try:
        siblings = [e for e in parent.iterdir() if e.name.startswith(f".{target.name}.")]
    except OSError:
        return
    for e in sorted(siblings):
        rest = e.name[len(target.name) + 1:]
        if not (rest.startswith(TMP) or rest.startswith(OLD) or rest.startswith(".probe-")):
            continue
        if not e.is_dir() or e.is_symlink():
            continue
        if rest.startswith(".probe-"):
            try:
                e.rmdir()  # an empty probe of a killed run
            except OSError:
                pass
            continue
        marker = read_marker(e)
        if marker is None:  # killed before its marker was in place: empty, or only the marker being written
            try:
                if {x.name for x in e.iterdir()} <= {f"{MARKER}.tmp"}:
                    (e / f"{MARKER}.tmp").unlink(missing_ok=True)
                    e.rmdir()
            except OSError:
                pass
            continue
        if _alive(marker):  # its writer may still be at work
            continue
        if rest.startswith(OLD) and not os.path.lexists(target) and marker.get("state") == "complete":
            os.rename(e, target)
            continue
        _remove(e)


# ---- messages -------------------------------------------------------------------------------------
_REASONS = {
    errno.EACCES: "permission denied", errno.EPERM: "the operation is not permitted",
    errno.EROFS: "the file system is read-only", errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up", errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder", errno.EISDIR: "it is a folder, not a file",
    errno.EEXIST: "it exists already", errno.ENAMETOOLONG: "the name is too long",
    errno.ENOTEMPTY: "the folder is not empty", errno.EXDEV: "it is on another disk",
    errno.ELOOP: "too many links in the path", errno.EBUSY: "it is in use",
}


def describe_os_error(exc: OSError, with_path: bool = True) -> str:
    """A sentence for a failed file operation: which path, and why in plain words."""
    reason = _REASONS.get(exc.errno or -1, exc.strerror or str(exc))
    if not with_path:
        return reason
    where = exc.filename
    if where is None:
        return f"a file operation failed: {reason}"
    if getattr(exc, "filename2", None):
        return f"cannot move {where} to {exc.filename2}: {reason}"
    return f"cannot use {where}: {reason}"
