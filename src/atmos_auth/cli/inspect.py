"""`atmos auth validate` and `atmos auth list`: read-only views of the configuration."""

from __future__ import annotations

import click

from atmos_auth.cli import output
from atmos_auth.cli.app import App, pass_app


@click.command("validate")
@click.option("-v", "--verbose", is_flag=True, help="Also print a summary of what was checked.")
@click.option("--strict", is_flag=True, help="Count warnings as errors (exit 1 on any).")
@pass_app
def validate_command(app: App, verbose: bool, strict: bool) -> None:
    """Check the `auth:` section of atmos.yaml; print every problem with file:line.

    Errors are what Atmos also refuses or what cannot work when used (a `via` to nothing, a cycle, a
    missing required field); warnings are what Atmos accepts (unknown fields, which are ignored; kinds
    this tool does not implement). Exits 1 on errors (with --strict: on warnings too), else 0.

    \b
    Examples:
      atmos auth validate
      atmos auth validate --strict
    """
    from atmos_auth.config.problems import check

    app.runtime = False
    config = app.config
    warnings = check(config, strict=strict)
    shown = f", with {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    from atmos_auth.config.located import display_name, files_line

    files = [display_name(f) for f in config.files or (config.source,)]
    output.ok(f"Authentication configuration is valid: {files_line(display_name(config.source), files)}{shown}")
    for line in warnings:
        output.status(f"  warning: {line}")
    if verbose:
        output.status(f"  {len(config.providers)} providers, {len(config.identities)} identities, "
                      f"{len(config.integrations)} integrations")


@click.command("list")
@click.option("-f", "--format", "fmt", default="tree", show_default=True,
              type=click.Choice(["tree", "table", "json", "yaml", "graphviz", "dot", "mermaid", "markdown", "md"]),
              help="Output format; graphviz/dot, mermaid and markdown draw the chains. None shows a secret.")
@click.option("--providers", metavar="[A,B]", is_flag=False, flag_value="",
              help="Show only providers (those named, else all).")
@click.option("--identities", metavar="[A,B]", is_flag=False, flag_value="",
              help="Show only identities (those named, else all).")
@click.option("--tags", metavar="A,B", help="Keep the providers and identities with any of these tags.")
@pass_app
def list_command(app: App, fmt: str, providers: str | None, identities: str | None, tags: str | None) -> None:
    """List providers, identities (with their chains) and integrations.

    \b
    Examples:
      atmos auth list
      atmos auth list --format json | jq '.identities | keys'
      atmos auth list --identities --tags prod
      atmos auth list -f mermaid > auth.mmd
    """
    from atmos_auth import listing_views
    from atmos_auth.listing import describe, render_table, render_tree

    app.runtime = False
    summary = listing_views.filtered(describe(app.config), providers, identities, tags)
    if fmt == "json":
        output.as_json(summary)
    elif fmt == "yaml":
        import yaml

        output.data(yaml.safe_dump(summary, sort_keys=False).rstrip())
    elif fmt in ("graphviz", "dot"):
        output.data(listing_views.graphviz(summary))
    elif fmt == "mermaid":
        output.data(listing_views.mermaid(summary))
    elif fmt in ("markdown", "md"):
        output.data(listing_views.markdown(summary))
    else:
        output.data(render_tree(summary) if fmt == "tree" else render_table(summary))
