"""``kotopaikka platform``: registrations by hand, and invitations to register dynamically."""

from __future__ import annotations

import click
from flask.cli import AppGroup


@click.group("platform", cls=AppGroup)
def platform_group() -> None:
    """Register learning platforms (issuers, client ids, deployments)."""


@platform_group.command("add")
@click.option("--issuer", required=True, help="Platform ID; for Moodle the site URL.")
@click.option("--client-id", required=True)
@click.option("--deployment-id", required=True)
@click.option("--auth-url", required=True, help="Moodle: <site>/mod/lti/auth.php")
@click.option("--token-url", required=True, help="Moodle: <site>/mod/lti/token.php")
@click.option("--jwks-url", required=True, help="Moodle: <site>/mod/lti/certs.php")
@click.option("--name", default=None)
def platform_add(**options: str) -> None:
    """Add a platform registration (or another client id or deployment to one)."""
    from lti_tool.registry.services import PlatformSpec, add_platform

    spec = PlatformSpec(
        issuer=options["issuer"],
        client_id=options["client_id"],
        deployment_id=options["deployment_id"],
        auth_login_url=options["auth_url"],
        auth_token_url=options["token_url"],
        key_set_url=options["jwks_url"],
        name=options["name"],
    )
    try:
        _, created = add_platform(spec)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    verb = "Registered" if created else "Updated"
    click.echo(f"{verb} {spec.issuer} client {spec.client_id} deployment {spec.deployment_id}.")


@platform_group.command("list")
def platform_list() -> None:
    """List platforms with their client ids and deployments."""
    from lti_tool.registry.services import list_platforms

    platforms = list_platforms()
    if not platforms:
        click.echo("No platforms registered.")
    for platform in platforms:
        click.echo(f"{platform.issuer}  ({platform.name})")
        click.echo(f"  auth: {platform.auth_login_url}")
        click.echo(f"  token: {platform.auth_token_url}")
        click.echo(f"  jwks: {platform.key_set_url}")
        for client in platform.clients:
            deployments = ", ".join(d.deployment_id for d in client.deployments) or "-"
            click.echo(f"  client {client.client_id}: deployments {deployments}")


@platform_group.command("remove")
@click.option("--issuer", required=True)
@click.option("--client-id", default=None, help="Remove only this client id.")
@click.option("--deployment-id", default=None, help="Remove only this deployment.")
def platform_remove(issuer: str, client_id: str | None, deployment_id: str | None) -> None:
    """Remove a platform, one of its client ids, or one deployment."""
    from lti_tool.registry.services import remove_registration

    if deployment_id and not client_id:
        raise click.UsageError("--deployment-id needs --client-id.")
    try:
        removed = remove_registration(issuer, client_id, deployment_id)
    except LookupError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    click.echo(f"Removed {removed}.")


@platform_group.command("invite")
@click.option("--name", required=True, help="Who the link is for, e.g. the organisation's name.")
@click.option("--expires-in", default="7d", show_default=True, help="30m, 12h, 7d or 2w.")
@click.option(
    "--tool-url",
    envvar="KOTOPAIKKA_PUBLIC_URL",
    required=True,
    help="The tool's public address, e.g. https://kotopaikka.example (or KOTOPAIKKA_PUBLIC_URL).",
)
def platform_invite(name: str, expires_in: str, tool_url: str) -> None:
    """Create a one-time registration link for a platform's administrator (Moodle:
    paste it into "Tool URL" and press "Add LTI Advantage")."""
    from lti_tool.registration.invitations import create_invitation, parse_lifetime

    try:
        invitation, secret = create_invitation(name, parse_lifetime(expires_in))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Invitation {invitation.id} for {invitation.name}, valid until "
               f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC, usable once:")
    click.echo(f"{tool_url.rstrip('/')}/lti/register/{secret}")
    click.echo("The link is shown only now: Kotopaikka keeps only a hash of it.")


@platform_group.command("invitations")
def platform_invitations() -> None:
    """List registration invitations: open, used, expired or revoked."""
    from lti_tool.registration.invitations import list_invitations

    invitations = list_invitations()
    if not invitations:
        click.echo("No invitations.")
    for inv in invitations:
        line = f"{inv.id:>4}  {inv.status:<8} expires {inv.expires_at:%Y-%m-%d %H:%M} UTC  {inv.name}"
        if inv.used_at is not None:
            line += f"  -> {inv.issuer} client {inv.client_id} ({inv.used_at:%Y-%m-%d %H:%M})"
        click.echo(line)


@platform_group.command("revoke-invitation")
@click.argument("invitation_id", type=int)
def platform_revoke_invitation(invitation_id: int) -> None:
    """Withdraw an unused invitation: its link no longer registers anything."""
    from lti_tool.registration.invitations import revoke_invitation

    try:
        revoke_invitation(invitation_id)
    except (LookupError, ValueError) as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    click.echo(f"Revoked invitation {invitation_id}.")
