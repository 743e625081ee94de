"""Read every file of a configuration and merge them in Atmos's order (cloudposse/atmos pkg/config).

For each atmos.yaml: the git root's `atmos.d/` and `.atmos.d/`, its own `atmos.d/` then `.atmos.d/`
(every *.yaml/*.yml inside, shallower first, then by path), its `import:`s (each followed by its own
imports), and the file itself last. Then the profiles (--profile, $ATMOS_PROFILE, `profiles.default`).
Problems of an import (missing, remote, unreadable) are located at its `import:` line and never stop
the files that could be read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from atmos_auth.config.discover import Found, exists, git_root, key, nothing_found
from atmos_auth.config.merge import merge_into
from atmos_auth.config.observe import is_dir, is_file, resolved, walk
from atmos_auth.config.yaml_source import Context, YamlSource, display_name, read_yaml
from atmos_auth.errors import ConfigError, UsageError

#: Atmos's limit (MaximumImportLvL); deeper imports are dropped.
MAX_IMPORT_DEPTH = 10
#: How many files are read in all (folders and globs have their bounds in observe.walk).
MAX_FILES = 1_000
_REMOTE = re.compile(r"^(https?://|git::|git@|s3::|s3://|gcs::|gcs://|oci://|file://|hg::|scp://|sftp://|"
                     r"github\.com/|bitbucket\.org/)")
_GLOB = re.compile(r"[*?\[{]")


class Request:
    """What the command line and environment ask for, and the files imported so far (MAX_FILES in all)."""

    def __init__(self, environ: Mapping[str, str], profiles: Sequence[str] = (), base_path: str | None = None,
                 cwd: Path | None = None) -> None:
        self.environ, self.profiles, self.base_path = environ, profiles, base_path
        self.cwd = cwd or Path.cwd()
        self.read = 0

    @property
    def runtime_base(self) -> str | None:
        return self.base_path or self.environ.get("ATMOS_BASE_PATH") or None


def assemble(found: list[Found], request: Request) -> YamlSource:
    if not found:  # no atmos.yaml anywhere: the git root's atmos.d/ alone, as Atmos reads it
        root = git_root(request.cwd)
        parts = _folder_files(root, request) if root is not None else []
        if not parts:
            raise nothing_found(request.environ)
        merged = _empty(parts[-1].path)
        for part in parts:
            merge_into(merged, part)
        return _with_provisioned(merged, request)
    merged = _empty(found[-1].path)
    for item in found:
        merge_into(merged, read_full(item.path, request) if item.full else
                   read_yaml(item.path, _context(item.path, request)))
    for part in _profiles(merged, [f.path.parent for f in found], request):
        merge_into(merged, part)
    return _with_provisioned(merged, request)


def _with_provisioned(merged: YamlSource, request: Request) -> YamlSource:
    """The identities `auto_provision_identities` wrote for the providers configured, below everything
    else: an identity atmos.yaml also defines is atmos.yaml's (Atmos documents this; see provisioning)."""
    from atmos_auth.provisioning import provisioned_identities

    auth = merged.data.get("auth") if isinstance(merged.data, dict) else None
    providers = auth.get("providers") if isinstance(auth, dict) else None
    parts = []
    for name, entry in providers.items() if isinstance(providers, dict) else ():
        found = provisioned_identities(str(name), entry)
        if found is None:
            continue
        path, identities = found
        try:
            part = read_yaml(path, _context(path, request))
        except ConfigError:
            continue  # Atmos skips a provisioned file it cannot read, too
        part.data = {"auth": {"identities": identities}}
        parts.append(part)
    if not parts:
        return merged
    result = _empty(merged.path)
    for part in [*parts, merged]:
        merge_into(result, part)
    return result


def read_full(path: Path, request: Request) -> YamlSource:
    """`path` with its atmos.d/, .atmos.d/ and imports, merged in Atmos's order (the file wins). The git
    root's atmos.d/ is that of the repository Atmos runs in (the current folder's)."""
    folder = path.parent
    parts: list[YamlSource] = []
    root = git_root(request.cwd)
    if root is not None and key(root) != key(folder):
        parts += _folder_files(root, request)
    parts += _folder_files(folder, request)
    main = read_yaml(path, _context(path, request))
    parts += _imports(main, _base_path(main, folder, root, request), request, 1, {key(path)})
    merged = _empty(path)
    for part in [*parts, main]:
        merge_into(merged, part)
    return merged


def _folder_files(folder: Path, request: Request) -> list[YamlSource]:
    files = []
    for name in ("atmos.d", ".atmos.d"):
        if exists(folder / name / "."):
            files += [read_yaml(p, _context(p, request, include_dir=folder)) for p in _listed(folder / name)]
    return files


def _listed(folder: Path) -> list[Path]:
    """The YAML files of an atmos.d/ or profile folder; too many is an error that names the folder."""
    try:
        return _yaml_files(folder)
    except OSError as exc:
        raise ConfigError(f"{display_name(folder)}: {exc.strerror or exc}") from None


def _imports(source: YamlSource, base: Path, request: Request, depth: int, chain: set[Path]) -> list[YamlSource]:
    entries = source.data.get("import") if isinstance(source.data, dict) else None
    if entries is None:
        return []
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list):
        source.problem(("import",), "must be a list of files, folders or globs")
        return []
    found: list[YamlSource] = []
    for index, entry in enumerate(entries):
        at = ("import", str(index))
        if not isinstance(entry, str) or not entry.strip():
            source.problem(at, "must be a file, folder or glob")
            continue
        if _REMOTE.match(entry):
            source.problem(at, f'remote import "{entry}" is not fetched by this tool; what it defines is missing '
                               "(copy the file beside atmos.yaml and import that)")
            continue
        try:
            paths = _resolve(base, entry)
        except OSError as exc:
            source.problem(at, f'import "{entry[:100]}": {exc.strerror}')
            continue
        if not paths:
            source.problem(at, f'import "{entry}": no file matches in {base}', warning=True)
        if depth > MAX_IMPORT_DEPTH and paths:
            source.problem(at, f"imports nested more than {MAX_IMPORT_DEPTH} deep; not read", warning=True)
            continue
        for path in paths:
            request.read += 1
            if request.read > MAX_FILES:
                source.problem(at, f'import "{entry}": more than {MAX_FILES} files imported in all; the rest is '
                                   "not read")
                return found
            if key(path) in chain:
                source.problem(at, f'import "{entry}": {path} is already being imported (a cycle); not read again',
                               warning=True)
                continue
            try:
                child = read_yaml(path, _context(path, request))
            except ConfigError as exc:
                source.problem(at, f'import "{entry}": {exc.message}')
                continue
            found.append(child)
            nested = _declared_base(child, path.parent) or base
            found += _imports(child, nested, request, depth + 1, chain | {key(path)})
    return found


def _resolve(base: Path, entry: str) -> list[Path]:
    target = Path(entry).expanduser()
    target = target if target.is_absolute() else base / target
    if _GLOB.search(entry):
        parts = target.parts
        fixed = next(i for i, part in enumerate(parts) if _GLOB.search(part))
        pattern = _pattern(parts[fixed:])
        deepest = None if "**" in parts[fixed:] else len(parts) - fixed - 1
        return _sorted([p for p in walk(Path(*parts[:fixed]), deepest)
                        if p.suffix in (".yaml", ".yml") and pattern.fullmatch(p.relative_to(*parts[:fixed]).as_posix())])
    if is_dir(target):
        return _yaml_files(target)
    if is_file(target):
        return [target]
    return next(([p] for p in (target.with_name(target.name + e) for e in (".yaml", ".yml")) if is_file(p)), [])


def _yaml_files(folder: Path) -> list[Path]:
    """Every *.yaml and *.yml under `folder` (x.yaml hides x.yml), shallower first, then by path."""
    found = [p for p in walk(folder) if p.suffix in (".yaml", ".yml")]
    names = {p.with_suffix("") for p in found if p.suffix == ".yaml"}
    return _sorted([p for p in found if p.suffix == ".yaml" or p.with_suffix("") not in names])


def _pattern(parts: tuple[str, ...]) -> re.Pattern[str]:
    """A glob's parts as a regular expression over paths: `*` and `?` stay within a folder, `**` spans
    any number of folders."""
    out = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out += ".*" if last else "(?:[^/]+/)*"
            continue
        out += "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in part)
        out += "" if last else "/"
    return re.compile(out)


def _sorted(paths: list[Path]) -> list[Path]:
    """Shallower first, then by path; a file reached twice (through a symlinked folder) once."""
    unique: dict[Path, Path] = {}
    for path in sorted(paths, key=lambda p: (len(p.parts), str(p))):
        unique.setdefault(key(path), path)
    return list(unique.values())


def _base_path(source: YamlSource, folder: Path, root: Path | None, request: Request) -> Path:
    """Where `import:` paths start (Atmos resolves them against base_path, not the file's folder)."""
    if (runtime := request.runtime_base) is not None:
        return resolved(request.cwd / runtime)
    return _declared_base(source, folder) or root or folder


def _declared_base(source: YamlSource, folder: Path) -> Path | None:
    value = source.data.get("base_path") if isinstance(source.data, dict) else None
    if not isinstance(value, str) or not value:
        return None
    path = Path(value).expanduser()
    if path.is_absolute() or value.startswith("."):
        return resolved(folder / path)
    root = git_root(folder)
    return next((c for c in ((root / path) if root else None, folder / path) if c and exists(c)), folder / path)


def _profiles(merged: YamlSource, folders: list[Path], request: Request) -> list[YamlSource]:
    names = [n.strip() for item in request.profiles for n in item.split(",") if n.strip()]
    if not names and request.environ.get("ATMOS_PROFILE"):
        names = [n.strip() for n in request.environ["ATMOS_PROFILE"].split(",") if n.strip()]
    settings = merged.data.get("profiles") if isinstance(merged.data, dict) else None
    settings = settings if isinstance(settings, dict) else {}
    if not names and isinstance(settings.get("default"), str) and settings["default"]:
        names = [settings["default"]]
    if not names:
        return []
    places = _profile_places(settings, folders, request)
    parts: list[YamlSource] = []
    for name in names:
        folder = next((p / name for p in places if exists(p / name / ".")), None)
        if folder is None:
            available = sorted({d.name for p in places if exists(p / ".") for d in p.iterdir() if d.is_dir()})
            raise UsageError(f'profile "{name}" not found in ' + ", ".join(map(str, places)),
                             remedy=f"available profiles: {', '.join(available)}" if available else
                             "create profiles/<name>/ beside atmos.yaml")
        for path in _listed(folder):
            profile_file = read_yaml(path, _context(path, request))
            parts += _imports(profile_file, _declared_base(profile_file, path.parent) or path.parent, request, 1,
                              {key(path)})
            parts.append(profile_file)
    return parts


def _profile_places(settings: dict[str, Any], folders: list[Path], request: Request) -> list[Path]:
    places: list[Path] = []
    declared = settings.get("base_path")
    for folder in reversed(folders):
        if isinstance(declared, str) and declared:
            places.append(folder / Path(declared).expanduser())
        places.append(folder / ".atmos" / "profiles")
    xdg = request.environ.get("ATMOS_XDG_CONFIG_HOME") or request.environ.get("XDG_CONFIG_HOME")
    home = Path(request.environ.get("HOME") or Path.home())
    places.append(Path(xdg) / "atmos" / "profiles" if xdg else home / ".config" / "atmos" / "profiles")
    places += [folder / "profiles" for folder in reversed(folders)]
    return list(dict.fromkeys(places))


def _context(path: Path, request: Request, include_dir: Path | None = None) -> Context:
    return Context(environ=request.environ, cwd=request.cwd, include_dir=include_dir or path.parent)


def _empty(path: Path) -> YamlSource:
    """The start of a merge named after `path`, holding no file yet."""
    source = YamlSource(path=path, data=None)
    source.files = []
    return source

