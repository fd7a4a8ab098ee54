"""`flask` commands: prepare, create-admin, repair, audit-stock, expire-orders, deliver-emails.

Run them with `flask --app shop.app <command>` against a real MongoDB (`MONGO_URI`);
the embedded store lives inside the server process, whose worker runs the jobs.
"""
import json

import click
from flask import current_app

from . import bootstrap, jobs
from .auth import services as auth_services
from .auth.repository import UserRepository
from .clock import utcnow
from .db import get_db
from .orders.links import OrderLinks


def register(app):
    @app.cli.command("prepare")
    def prepare():
        """Migrate v1 products, fold search fields, create the admin from the environment and
        seed the demo catalogue where wanted: what `python wsgi.py` does before it serves."""
        bootstrap.prepare(current_app)
        click.echo("The store is prepared.")

    @app.cli.command("create-admin")
    @click.option("--email", envvar="SHOP_ADMIN_EMAIL", required=True)
    @click.option("--password", envvar="SHOP_ADMIN_PASSWORD", prompt=True, hide_input=True,
                  confirmation_prompt=True)
    def create_admin(email, password):
        """Create an admin account (unless that email is taken)."""
        for name, messages in auth_services.admin_credentials_problems(email, password).items():
            raise click.BadParameter(" ".join(messages), param_hint=f"--{name}")
        created = auth_services.ensure_admin(UserRepository(get_db()), email, password, utcnow())
        click.echo(f"Admin {email} created." if created else f"A user {email} exists already; nothing changed.")

    @app.cli.command("repair")
    @click.option("--stale-after", type=int, default=None, help="Seconds after which work counts as abandoned.")
    def repair(stale_after):
        """Finish or undo what crashed requests left behind."""
        seconds = current_app.config["REPAIR_AFTER_SECONDS"] if stale_after is None else stale_after
        click.echo(json.dumps(jobs.repair(get_db(), seconds, OrderLinks.of(current_app.config))))

    @app.cli.command("audit-stock")
    def audit_stock():
        """Report variants whose stock differs from their ledger, and units still held by
        rejected or cancelled orders; exit 1 if there is either."""
        differ, held = jobs.audit_stock(get_db())
        for problem in differ + held:
            click.echo(json.dumps(problem))
        click.echo(f"{len(differ)} variant(s) differ from their ledger.")
        click.echo(f"{len(held)} line(s) of rejected or cancelled orders still hold units.")
        if differ or held:
            raise SystemExit(1)

    @app.cli.command("expire-orders")
    def expire_orders():
        """Cancel unpaid orders whose payment window has passed."""
        click.echo(f"{jobs.expire_orders(get_db(), OrderLinks.of(current_app.config))} order(s) expired.")

    @app.cli.command("deliver-emails")
    def deliver_emails():
        """Send the e-mails that are due from the outbox."""
        click.echo(f"{jobs.deliver_emails(get_db(), current_app.extensions['mail_backend'])} e-mail(s) sent.")
