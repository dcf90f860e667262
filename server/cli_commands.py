"""What each `milestone-billing` command does: one `cmd_*` function a command.

`server.cli` parses the arguments and calls one of these with them and the settings; each returns
the process's exit status. What only one command needs is imported inside it, so that starting a
command does not pay for the others' imports (serve's app, the migrations, the schema).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from db.engine import create_engine, write_session
from db.revision import DatabaseNotMigrated, ensure_migrated
from domain.accounts.service import create_account, create_api_key
from domain.clock import SystemClock
from domain.context import Role
from domain.errors import DomainError
from server.settings import Settings


def _in_background(work: Callable[[], None]) -> Future[None]:
    """Return the future outcome of `work`, run in a daemon thread (an exit does not wait)."""
    outcome: Future[None] = Future()

    def run() -> None:
        try:
            work()
        except BaseException as error:
            outcome.set_exception(error)
        else:
            outcome.set_result(None)

    threading.Thread(target=run, name="migrations-check", daemon=True).start()
    return outcome


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    # The migrations check mostly waits for the database: it runs in a thread while this one
    # imports the app. The engine is made here, so the driver is imported by one thread only
    # (connecting and checking import nothing more).
    engine = create_engine(settings.database_url)

    async def check() -> None:
        try:
            await ensure_migrated(engine)
        finally:
            await engine.dispose()

    checked = _in_background(lambda: asyncio.run(check()))

    import uvicorn

    from server.app import MIGRATIONS_CHECKED_VARIABLE
    from server.connections import uvicorn_options
    from server.graphiql import DEMO_KEY_VARIABLE
    from server.graphiql_fetch import prepare_assets
    from server.logs import configure_logging, log_config

    try:
        logging_config = log_config(settings.log_level, settings.log_format)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        checked.result()
    except DatabaseNotMigrated as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    # Checked just now: the app's start-up (in this process or a worker) need not ask again.
    os.environ[MIGRATIONS_CHECKED_VARIABLE] = settings.database_url
    configure_logging(settings.log_level, settings.log_format)
    prepare_assets()  # GraphiQL's files into their cache once, before any worker starts
    host, port = args.host or settings.host, args.port or settings.port
    # The app is built by uvicorn, in each worker, from the environment: tell it where it
    # listens, and the key.
    os.environ.update(HOST=host, PORT=str(port))
    if args.demo_key:
        os.environ[DEMO_KEY_VARIABLE] = args.demo_key
    if args.no_worker:
        os.environ["RUN_WORKER"] = "0"
    print(f"GraphiQL: http://{host}:{port}/graphql", flush=True)
    print(f"Balances page: http://{host}:{port}/examples/balances", flush=True)
    if args.workers > 1:  # the app starts in worker processes; this one only supervises them
        gc.enable()
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        # A worker is killed when it does not answer the parent in time; a new one imports the
        # whole app first, which takes longer than uvicorn's 5 s on a busy machine.
        timeout_worker_healthcheck=30,
        log_config=logging_config,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
        access_log=False,  # the app logs one JSON line per request itself
        **uvicorn_options(),  # slow clients: a deadline per request, a connection cap
    )
    return 0


def cmd_worker(_args: argparse.Namespace, settings: Settings) -> int:
    from server.logs import configure_logging
    from server.worker import run_worker

    configure_logging(settings.log_level)
    engine = create_engine(settings.database_url)
    print("worker: delivering webhooks", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_worker(engine, SystemClock()))
    return 0


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)
    print("database is at the newest migration")
    return 0


def cmd_distribute(args: argparse.Namespace, settings: Settings) -> int:
    from db.distribute import CannotDistribute, distribute

    async def run() -> list[str]:
        engine = create_engine(settings.database_url)
        try:
            placements = await distribute(engine, allow_single_node=args.allow_single_node)
        finally:
            await engine.dispose()
        return [f"{p.table}: {p.rule.value}{'' if p.created else ' (already)'}" for p in placements]

    try:
        lines = asyncio.run(run())
    except CannotDistribute as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def cmd_create_account(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> tuple[str, str]:
        engine = create_engine(settings.database_url)
        clock = SystemClock()
        try:
            async with write_session(engine) as session:
                account = await create_account(session=session, name=args.name, clock=clock)
                key = await create_api_key(
                    session=session, account_id=account.id, role=Role(args.role), clock=clock
                )
            return account.id, key
        finally:
            await engine.dispose()

    try:
        account_id, key = asyncio.run(run())
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    print(f"account {account_id} ({args.role} key):")
    print(key)
    return 0


def cmd_seed_demo(_args: argparse.Namespace, settings: Settings) -> int:
    from server.demo import seed_demo

    async def run() -> tuple[str, str, bool]:
        engine = create_engine(settings.database_url)
        try:
            return await seed_demo(engine=engine, clock=SystemClock())
        finally:
            await engine.dispose()

    account_id, key, created = asyncio.run(run())
    print(("seeded demo account " if created else "demo account already there: ") + account_id)
    print(f"demo API key (write):\n{key}")
    return 0


def cmd_process_due(args: argparse.Namespace, settings: Settings) -> int:
    from domain.schedules.process_all import AccountRun, process_due_for_all_accounts

    async def run() -> list[AccountRun]:
        engine = create_engine(settings.database_url)
        try:
            return await process_due_for_all_accounts(
                engine=engine, clock=SystemClock(), as_of=args.as_of
            )
        finally:
            await engine.dispose()

    results = asyncio.run(run())
    issued = skipped = 0
    for account_id, numbers, reasons in results:
        if numbers:
            print(f"{account_id}: issued {', '.join(numbers)}")
        for reason in reasons:
            print(f"{account_id}: not run: {reason}")
        issued += len(numbers)
        skipped += len(reasons)
    print(f"{issued} invoice(s) issued" + (f", {skipped} due item(s) not run" if skipped else ""))
    return 0


def cmd_export_schema(args: argparse.Namespace, _settings: Settings) -> int:
    from schema import build_schema

    sdl = build_schema().as_str() + "\n"
    if args.output:
        Path(args.output).write_text(sdl)
    else:
        sys.stdout.write(sdl)
    return 0
