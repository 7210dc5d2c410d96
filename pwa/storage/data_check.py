"""`flask check`: is a data folder whole? Problems name a path, never a file's contents.

Every JSON (and JSON lines) file parses; each concern file has its record (id, reference);
each reference names a concern id (a deleted concern's reference stays, naming its id alone;
a crash may leave a reserved number or a claim still to be completed: not problems); each
concern's reference names it; each claim agrees with its reference; files 0600
and folders 0700 (nothing for group or others); the format marker is current.
"""

import json
import os
import stat
from pathlib import Path

from .concern_files import TABLE, is_concern_id
from .data_format import (
    CURRENT_FORMAT,
    EPHEMERAL,
    MARKER,
    TRANSIENT,
    DataFormatError,
    read_format,
)
from .references import REFERENCE_PATTERN

NOT_JSON = ("secret_key",)  # the instance's secret key, when the data folder is the instance


def _walk(data_dir: Path):
    """(relative path, lstat) of everything but locks, temp files and ephemeral folders."""
    for root, folders, files in os.walk(data_dir):
        top = Path(root) == data_dir
        folders[:] = [n for n in folders if not (top and n in EPHEMERAL)]
        for name in [*folders, *files, *([""] if top else [])]:
            path = Path(root) / name if name else Path(root)
            if name.endswith(TRANSIENT):
                continue
            yield path, path.lstat()


def _parse_problem(path: Path) -> str | None:
    name = path.name
    try:
        text = path.read_bytes()
        if name.endswith(".json"):
            json.loads(text)
        elif name.endswith(".jsonl"):
            for line in text.splitlines():
                json.loads(line)
        elif name.startswith(".next-"):
            int(text)
    except (ValueError, UnicodeDecodeError):
        return f"{path}: does not parse"
    return None


def _files_problems(data_dir: Path) -> list[str]:
    problems = []
    for path, info in _walk(data_dir):
        if stat.S_ISLNK(info.st_mode):
            continue
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            problems.append(f"{path}: mode {mode:04o} lets others read it (want owner only)")
        if stat.S_ISREG(info.st_mode) and path.name not in NOT_JSON:
            problems.append(_parse_problem(path))
    return [problem for problem in problems if problem]


def _concern_record(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_bytes())[TABLE]["1"]
    except (ValueError, KeyError, TypeError):
        return None
    return record if isinstance(record, dict) else None


def _links(folder: Path, suffix: str) -> dict[str, str]:
    return {p.name.removesuffix(suffix): os.readlink(p) for p in folder.glob(f"*{suffix}")}


def _concerns_problems(folder: Path) -> tuple[list[str], int]:
    problems, refs, claims = [], _links(folder, ".ref"), _links(folder, ".claim")
    ids = [p.stem for p in folder.glob("*.json") if is_concern_id(p.stem)]
    for concern_id in ids:
        path = folder / f"{concern_id}.json"
        record = _concern_record(path)
        if record is None or record.get("id") != concern_id:
            problems.append(f"{path}: not a concern record with its own id")
            continue
        reference = record.get("reference")
        target = refs.get(reference) if isinstance(reference, str) else None
        if target is None or target.split(" ", 1)[0] != f"{concern_id}.json":
            problems.append(f"{path}: its reference has no .ref naming it")
    for reference, target in refs.items():
        named = target.split(" ", 1)[0].removesuffix(".json")
        if not REFERENCE_PATTERN.fullmatch(reference) or not is_concern_id(named):
            problems.append(f"{folder / reference}.ref: not a reference link")
        elif " " in target and target.split(" ")[1] != reference:
            problems.append(f"{folder / reference}.ref: names another reference")
    for concern_id, target in claims.items():
        parts = target.split(" ")
        if len(parts) < 2 or refs.get(parts[1]) != target:
            problems.append(f"{folder / concern_id}.claim: no .ref agrees with it")
    return problems, len(ids)


def check_data(data_dir) -> tuple[list[str], dict[str, int]]:
    """(problems, counts) of a data folder; no problems means it is whole."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return [f"{data_dir}: no such folder"], {}
    problems = []
    try:
        found = read_format(data_dir)
        if found != CURRENT_FORMAT:
            problems.append(f"{data_dir / MARKER}: format {found}, want {CURRENT_FORMAT}")
    except DataFormatError as error:
        problems.append(str(error))
    problems += _files_problems(data_dir)
    concerns = data_dir / "concerns"
    counted, files = 0, sum(1 for _ in _walk(data_dir))
    if concerns.is_dir():
        found_problems, counted = _concerns_problems(concerns)
        problems += found_problems
    return problems, {"concerns": counted, "entries": files}
