"""A secret-free description of the configuration, for `atmos auth list` (text, JSON, YAML)."""

from __future__ import annotations

from typing import Any

from atmos_auth.config.located import files_line, hidden
from atmos_auth.config.model import AuthConfig
from atmos_auth.config.usable import blocking, involved
from atmos_auth.text import table

HIDDEN = "<hidden>"


def describe(config: AuthConfig) -> dict[str, Any]:
    """Every entry as plain data; secrets and values that came from `!env` are replaced by <hidden>."""
    from atmos_auth.config.located import display_name

    result: dict[str, Any] = {"source": display_name(config.source),
                              "files": [display_name(f) for f in config.files or (config.source,)]}
    for section in ("providers", "identities", "integrations"):
        entries = getattr(config, section)
        result[section] = {
            name: _hide(_plain(entry.model_dump(mode="json", exclude_none=True)), ("auth", section, name), config)
            for name, entry in entries.items()
        }
    for (section, name), kind in config.kinds.items():
        if name not in result[section]:  # defined, but of a kind not available here, or with errors
            problems = blocking(config, (section, name))
            shown_kind = HIDDEN if hidden(config.from_env, ("auth", section, name, "kind")) else kind
            result[section][name] = {"kind": shown_kind, "available": False,
                                     "problems": [p.text for p in problems if p.owner == (section, name) and p.error]}
    for name, entry in result["identities"].items():
        entry["chain"] = [n for _, n in reversed(involved(config, ("identities", name)))]
    from atmos_auth.integrations import ecr, ecr_public, eks
    from atmos_auth.integrations.ecr_hosts import PUBLIC_HOST, registry_host

    for name, integration in config.integrations.items():
        if isinstance(integration, ecr.Config):
            registry = integration.spec.registry
            result["integrations"][name]["registry_host"] = registry_host(registry.account_id, registry.region)
        elif isinstance(integration, ecr_public.Config):
            result["integrations"][name]["registry_host"] = PUBLIC_HOST
        elif isinstance(integration, eks.Config):
            cluster = integration.spec.cluster
            result["integrations"][name]["cluster"] = f"{cluster.name} ({cluster.region}) → {integration.kubeconfig_path}"
    return result


def _plain(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as written: `env` as a mapping, empty `spec` and `env` left out."""
    if "env" in entry:
        entry["env"] = {key: value for key, value in entry["env"]} or None
    return {k: v for k, v in entry.items() if v not in (None, {}) or k in ("default",)}


def _hide(value: Any, path: tuple[str, ...], config: AuthConfig) -> Any:
    if value is not None and (hidden(config.from_env, path) or (path[-1:] == ("env",) and any(
            p[:len(path)] == path for p in config.from_env))):  # env's values are dumped as a mapping
        return HIDDEN if not isinstance(value, dict) else {k: HIDDEN for k in value}
    if isinstance(value, dict):
        return {k: _hide(v, (*path, k), config) for k, v in value.items()}
    if isinstance(value, list):
        return [_hide(v, (*path, str(i)), config) for i, v in enumerate(value)]
    if value == "**********":  # pydantic's rendering of a SecretStr
        return HIDDEN
    return value


def render_tree(summary: dict[str, Any]) -> str:
    lines = [f"Configuration: {files_line(summary['source'], summary['files'])}", "", "Providers"]
    for name, p in summary["providers"].items():
        detail = " ".join(x for x in (p.get("region") or "", p.get("start_url") or "") if x)
        lines.append(f"  {name}  [{p['kind']}]  {detail}".rstrip() + _unavailable(p))
    lines += ["", "Identities"]
    for name, i in summary["identities"].items():
        default = "  (default)" if i.get("default") else ""
        lines.append(f"  {name}  [{i['kind']}]{default}{_unavailable(i)}")
        lines.append(f"    chain: {' → '.join(i['chain'])}")
    lines += ["", "Integrations"]
    for name, g in summary["integrations"].items():
        if g.get("available") is False:
            lines.append(f"  {name}  [{g['kind']}]{_unavailable(g)}")
            continue
        auto = "auto" if (g.get("spec") or {}).get("auto_provision", True) else "on demand"
        lines.append(f"  {name}  [{g['kind']}]  via {g['via']['identity']}  {g.get('registry_host', g.get('cluster', ''))}  ({auto})")
    return "\n".join(lines)


def _unavailable(entry: dict[str, Any]) -> str:
    if entry.get("available") is not False:
        return ""
    return "  (invalid: see `atmos auth validate`)" if entry.get("problems") else "  (not available in this tool)"


def render_table(summary: dict[str, Any]) -> str:
    rows = [("TYPE", "NAME", "KIND", "DETAIL")]
    for name, p in summary["providers"].items():
        rows.append(("provider", name, p["kind"], p.get("region") or ""))
    for name, i in summary["identities"].items():
        rows.append(("identity", name + (" *" if i.get("default") else ""), i["kind"],
                     " → ".join(i["chain"]) + _unavailable(i)))
    for name, g in summary["integrations"].items():
        rows.append(("integration", name, g["kind"], g.get("registry_host", g.get("cluster", "")) + _unavailable(g).strip()))
    return table(rows, indent="")
