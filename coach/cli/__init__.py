"""The `coach` command: the TUI with no arguments, and subcommands for people who live in the shell."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from pydantic import ValidationError

# typer carries its own click (typer._click): its usage errors are these classes, not the click package's
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from coach import __version__
from coach.cli import (
    calendar_cmd,
    commitment,
    config_cmd,
    crypto_cmd,
    doctor,
    flows_cmd,
    goal,
    insights_cmd,
    profile,
    remind_cmd,
    search_cmd,
    today_cmd,
    transfer_cmd,
    voice_cmd,
    weekly_cmd,
)
from coach.cli.state import CliState
from coach.entry import refuse_undecodable
from coach.errors import CoachError

app = typer.Typer(
    name="coach",
    help="A local-first reflection and goal-coaching assistant. Run with no command to open the app.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(profile.app, name="profile")
app.add_typer(goal.app, name="goal")
app.add_typer(commitment.app, name="commitment")
app.add_typer(config_cmd.app, name="config")
app.command("doctor")(doctor.doctor)
app.command("search")(search_cmd.search)
app.add_typer(search_cmd.index_app, name="index")
app.add_typer(flows_cmd.flows_app, name="flows")
app.command("reflect")(flows_cmd.reflect)
app.command("prep")(flows_cmd.prep)
app.command("feedback")(flows_cmd.feedback)
app.command("insights")(insights_cmd.insights)
app.command("ask")(voice_cmd.ask)
app.add_typer(transfer_cmd.import_app, name="import")
app.command("export")(transfer_cmd.export)
app.command("backup")(transfer_cmd.backup)
app.command("restore")(transfer_cmd.restore)
goal.app.command("new")(flows_cmd.goal_new)
crypto_cmd.register(app)
app.command("today")(today_cmd.today)
app.command("weekly")(weekly_cmd.weekly)
app.command("weeks")(weekly_cmd.weeks)
app.add_typer(calendar_cmd.app, name="calendar")
app.command("remind")(remind_cmd.remind_cmd)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coach {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    profile_name: Annotated[
        str | None, typer.Option("--profile", "-p", help="Use this profile instead of the active one.")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = CliState(profile=profile_name)
    if ctx.invoked_subcommand is None:
        launch_tui(profile_name)


def launch_tui(profile_name: str | None) -> None:
    from coach.launch import launch_tui as launch

    raise typer.Exit(launch(profile_name))


def _one_line(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "input"
    msg = str(err.get("ctx", {}).get("error") or err["msg"])
    return msg if msg.split(":")[0] in where or ":" in msg else f"{where}: {msg}"


def _usage_line(exc: UsageError) -> str:
    """A usage error in one line, like every other refusal, with where to find the command's help."""
    message = " ".join(exc.format_message().split())
    if exc.ctx is None:
        return message
    return f"{message} (see: {exc.ctx.command_path} --help)"


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and exit code 2, never a traceback."""
    args = sys.argv[1:] if argv is None else list(argv)
    refuse_undecodable(args)
    try:
        # not standalone: click's usage errors come here to be told in one line, not usage + hint + error
        code = app(args=args, prog_name="coach", standalone_mode=False)
    except NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UsageError as exc:
        print(f"coach: {_usage_line(exc)}", file=sys.stderr)
        sys.exit(2)
    except typer.TyperException as exc:  # click's other errors (a file that cannot be opened...)
        print(f"coach: {' '.join(exc.format_message().split())}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        sys.exit(2)
    except ValidationError as exc:
        print(f"coach: {_one_line(exc)}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    # a command that ends with typer.Exit(n) returns n here; one that returns normally, None
    sys.exit(code if isinstance(code, int) else 0)
