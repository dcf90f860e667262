"""The `milestone-billing` command line: its argument parser and `main`.

The commands themselves are in `server.cli_commands`; `python -m server.cli` runs `main` as the
console script does.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from datetime import date
from importlib import metadata

from server.cli_commands import (
    cmd_create_account,
    cmd_distribute,
    cmd_export_schema,
    cmd_migrate,
    cmd_process_due,
    cmd_seed_demo,
    cmd_serve,
    cmd_worker,
)
from server.settings import Settings


class OneLineCommandsFormatter(argparse.HelpFormatter):
    """Each command's description on the command's own line in `--help`.

    Python before 3.13 measures the command names without their indent, so the longest ones
    would push their descriptions onto the next line.
    """

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        for choice in getattr(action, "_choices_actions", ()):
            width = len(self._format_action_invocation(choice)) + self._current_indent + 2
            self._action_max_length = max(self._action_max_length, width)


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="milestone-billing",
        description="GraphQL API server for milestone billing.",
        formatter_class=OneLineCommandsFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {metadata.version('milestone-billing')}"
    )
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    serve = commands.add_parser("serve", help="serve the API, GraphiQL and the balances page")
    serve.add_argument("--host", help="address to bind (default: HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: PORT or 8000)")
    serve.add_argument(
        "--demo-key",
        metavar="KEY",
        help="prefill GraphiQL's headers with this key (on loopback only; or DEMO_API_KEY)",
    )
    serve.add_argument(
        "--no-worker", action="store_true", help="do not deliver webhooks in this process"
    )
    serve.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="worker processes on the one port, each with the same settings (default: 1)",
    )
    serve.set_defaults(run=cmd_serve)
    commands.add_parser(
        "worker", help="deliver webhooks; daily process-due and invoice.overdue"
    ).set_defaults(run=cmd_worker)
    commands.add_parser("migrate", help="apply the database migrations").set_defaults(
        run=cmd_migrate
    )
    distribute = commands.add_parser(
        "distribute", help="on Citus: place every table by its rule (idempotent)"
    )
    distribute.add_argument(
        "--allow-single-node",
        action="store_true",
        help="place the shards on a coordinator without worker nodes (else refused)",
    )
    distribute.set_defaults(run=cmd_distribute)
    account = commands.add_parser("create-account", help="create an account; print its API key")
    account.add_argument("name")
    account.add_argument("--role", choices=["read", "write"], default="write")
    account.set_defaults(run=cmd_create_account)
    commands.add_parser("seed-demo", help="load the demo data; print a demo API key").set_defaults(
        run=cmd_seed_demo
    )
    due = commands.add_parser(
        "process-due", help="run every schedule item that is due (issue its invoice)"
    )
    due.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
    )
    due.set_defaults(run=cmd_process_due)
    export = commands.add_parser("export-schema", help="print the GraphQL SDL (or write a file)")
    export.add_argument("--output", help="write the SDL to this file instead")
    export.set_defaults(run=cmd_export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    args = build_parser().parse_args(argv)
    if args.run is not cmd_serve:  # serve's app turns it on once start-up is frozen
        gc.enable()
    settings = Settings.from_env()
    try:
        return int(args.run(args, settings))
    except (ArgumentError, NoSuchModuleError, DBAPIError, OSError, ImportError) as error:
        # A wrong DATABASE_URL or a database that does not answer: one line, not a traceback.
        try:
            where = make_url(settings.database_url).render_as_string(hide_password=True)
        except ArgumentError:
            where = "DATABASE_URL (not a database URL)"
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"error: cannot use the database at {where}: {reason}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
