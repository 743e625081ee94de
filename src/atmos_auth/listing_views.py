"""`atmos auth list` filters (--providers, --identities, --tags) and its graph formats (Graphviz, Mermaid,
Markdown): the chain graph providers → identities → integrations, drawn from the secret-free summary."""

from __future__ import annotations

from typing import Any

from atmos_auth.errors import UsageError


def filtered(summary: dict[str, Any], providers: str | None, identities: str | None, tags: str | None
             ) -> dict[str, Any]:
    """`--providers[=a,b]` shows providers only, `--identities[=a,b]` identities only (those named, else all);
    `--tags a,b` keeps the entries with any of these tags, and the integrations of kept identities."""
    if providers is not None and identities is not None:
        raise UsageError("mutually exclusive flags provided: --providers and --identities")
    result = dict(summary)
    for section, names in (("providers", providers), ("identities", identities)):
        if names is None:
            continue
        wanted = [n.strip() for n in names.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in summary[section]]
        if unknown:
            raise UsageError(f"{section[:-1] if section == 'providers' else 'identity'} not found: "
                             f"{', '.join(unknown)}", remedy=f"defined: {', '.join(summary[section]) or 'none'}")
        other = "identities" if section == "providers" else "providers"
        result[section] = {n: e for n, e in summary[section].items() if not wanted or n in wanted}
        result[other], result["integrations"] = {}, {}
    if tags:
        wanted_tags = {t.strip() for t in tags.split(",") if t.strip()}
        for section in ("providers", "identities"):
            result[section] = {n: e for n, e in result[section].items() if set(e.get("tags") or ()) & wanted_tags}
        result["integrations"] = {n: g for n, g in result["integrations"].items()
                                  if (g.get("via") or {}).get("identity") in result["identities"]}
    return result


def _edges(summary: dict[str, Any]) -> list[tuple[str, str]]:
    edges = []
    for name, identity in summary["identities"].items():
        chain = identity.get("chain") or []
        if len(chain) > 1:
            edges.append((chain[-2], name))
    for name, integration in summary["integrations"].items():
        via = (integration.get("via") or {}).get("identity")
        if via:
            edges.append((via, name))
    return edges


def graphviz(summary: dict[str, Any]) -> str:
    lines = ["digraph auth {", "  rankdir=LR;"]
    for section, shape in (("providers", "box"), ("identities", "ellipse"), ("integrations", "component")):
        for name, entry in summary[section].items():
            label = f'"{_dot(name)}\\n{_dot(entry.get("kind", ""))}"'  # \n: a line break in a DOT label
            lines.append(f"  {_quoted(name)} [shape={shape}, label={label}];")
    lines += [f"  {_quoted(a)} -> {_quoted(b)};" for a, b in _edges(summary)]
    return "\n".join([*lines, "}"])


def _dot(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _quoted(text: str) -> str:
    return f'"{_dot(text)}"'


def mermaid(summary: dict[str, Any]) -> str:
    ids = {name: f"n{i}" for i, name in enumerate(
        [*summary["providers"], *summary["identities"], *summary["integrations"]])}
    lines = ["graph LR"]
    for section, (left, right) in (("providers", ("[", "]")), ("identities", ("(", ")")),
                                   ("integrations", ("[[", "]]"))):
        for name, entry in summary[section].items():
            text = f"{name}<br/>{entry.get('kind', '')}".replace('"', "#quot;")
            lines.append(f'  {ids[name]}{left}"{text}"{right}')
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in _edges(summary) if a in ids and b in ids]
    return "\n".join(lines)


def markdown(summary: dict[str, Any]) -> str:
    def cell(text: Any) -> str:
        return str(text or "").replace("|", "\\|").replace("\n", " ")

    lines = []
    for section, columns in (("providers", ("Name", "Kind", "Region")), ("identities", ("Name", "Kind", "Chain")),
                             ("integrations", ("Name", "Kind", "Via"))):
        if not summary[section]:
            continue
        lines += [f"## {section.capitalize()}", "", "| " + " | ".join(columns) + " |",
                  "|" + "---|" * len(columns)]
        for name, entry in summary[section].items():
            third = {"providers": entry.get("region"), "identities": " → ".join(entry.get("chain") or []),
                     "integrations": (entry.get("via") or {}).get("identity")}[section]
            lines.append(f"| {cell(name)} | {cell(entry.get('kind'))} | {cell(third)} |")
        lines.append("")
    return "\n".join(lines).rstrip()
