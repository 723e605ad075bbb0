"""`flask users …` commands for operators."""

from __future__ import annotations

import click
from flask import Blueprint
from sqlalchemy import select

from api.auth import normalise_email
from api.passwords import hash_password, policy_problems
from models import User, db

bp = Blueprint("users", __name__, cli_group="users")


@bp.cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Display name for a new account.")
@click.option(
    "--password",
    envvar="RESUMESMITH_ADMIN_PASSWORD",
    default=None,
    help="Password for a new account (prompted for when needed and not given).",
)
def create_admin(email: str, name: str, password: str | None) -> None:
    """Create EMAIL as an admin, or promote the existing account to admin."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        problems = policy_problems(password, email=email)
        if problems:
            raise click.ClickException(" ".join(problems))
        user = User(email=email, name=name, password_hash=hash_password(password), role="admin")
        db.session.add(user)
        action = "created"
    else:
        user.role = "admin"
        action = "promoted"
    db.session.commit()
    click.echo(f"{action} admin {email}")
