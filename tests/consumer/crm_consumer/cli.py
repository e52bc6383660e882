"""crm-consumer's command line: run, send, summary, gaps (docs/crm-consumer.md).

Exit codes: 0 ok; 1 a runtime failure (broker unreachable after retries, a
database error, a command answered other than ok); 2 bad usage or input,
with a message naming what was wrong.
"""
import argparse
import hashlib
import json
import os
import pathlib
import sys
import time
import uuid

from . import broker, report
from .contract import DEFAULT_PREFIX, VIN_PATTERN, Contract, SchemaError
from .store import Store, StoreError

SCHEMAS = pathlib.Path(__file__).resolve().parents[3] / "docs" / "mqtt" / "schemas"


class Usage(Exception):
    """Bad usage or input: exit code 2."""


def _connection_options(p):
    p.add_argument("--broker", required=True, help="HOST:PORT, or tcp:// or ssl:// URI")
    p.add_argument("--prefix", default=DEFAULT_PREFIX, help="topic root (default %(default)s)")
    p.add_argument("--protocol", choices=("3.1.1", "5"), default="3.1.1")
    p.add_argument("--tls-ca", help="CA file: TLS with server verification")
    p.add_argument("--tls-cert", help="client certificate (PEM)")
    p.add_argument("--tls-key", help="client key (PEM)")
    p.add_argument("--schemas", default=str(SCHEMAS), help="schema folder (default: the repo's)")
    p.add_argument("--connect-attempts", type=int, default=broker.CONNECT_ATTEMPTS,
                   help="first connection: attempts before giving up (exit 1)")


def parser():
    top = argparse.ArgumentParser(prog="crm-consumer",
                                  description="The reference CRM consumer of crm-agent's MQTT.")
    sub = top.add_subparsers(dest="command_name", required=True)
    run = sub.add_parser("run", help="receive every car's messages into a database")
    _connection_options(run)
    run.add_argument("--db", required=True, help="SQLite file (created)")
    run.add_argument("--group", help="shared subscription group: instances split the load")
    run.add_argument("--client-id", help="stable id of the persistent session"
                     " (default: derived from the database's path)")
    run.add_argument("--until-idle", type=float, metavar="SECONDS",
                     help="stop after this long without a message")
    send = sub.add_parser("send", help="send one command to a car")
    _connection_options(send)
    send.add_argument("--vin", required=True)
    send.add_argument("--command", required=True, help="e.g. campaign, service-record")
    send.add_argument("--body", required=True, help="the body as JSON, or @FILE")
    send.add_argument("--expires-in", type=float, metavar="SECONDS")
    send.add_argument("--wait", type=float, metavar="SECONDS",
                      help="wait this long for the cmd-result and print it")
    for name, what in (("summary", "what the dealer saw, per car"),
                       ("gaps", "holes in each car's seq")):
        p = sub.add_parser(name, help=what)
        p.add_argument("--db", required=True, action="append",
                       help="a consumer database; repeat for each instance of a group")
        p.add_argument("--json", action="store_true")
    return top


def _contract(args):
    try:
        return Contract(args.schemas)
    except SchemaError as e:
        raise Usage(str(e)) from e


def _check_broker(args):
    try:
        broker.parse_broker(args.broker)
    except ValueError as e:
        raise Usage(str(e)) from e


def _body(text):
    if text.startswith("@"):
        try:
            text = pathlib.Path(text[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise Usage(f"--body {text}: {e}") from e
    try:
        body = json.loads(text)
    except ValueError as e:
        raise Usage(f"--body: not JSON: {e}") from e
    if not isinstance(body, dict):
        raise Usage("--body: must be a JSON object")
    return body


def cmd_run(args):
    contract = _contract(args)
    if args.until_idle is not None and args.until_idle <= 0:
        raise Usage("--until-idle: must be more than 0 seconds")
    _check_broker(args)  # a bad address is usage, found before any file is made
    client_id = args.client_id or "crm-consumer-" + hashlib.sha256(
        os.path.realpath(args.db).encode()).hexdigest()[:10]
    store = Store(args.db)
    try:
        broker.run(args, contract, store, client_id)
    finally:
        store.close()
    return 0


def cmd_send(args):
    contract = _contract(args)
    if not VIN_PATTERN.match(args.vin):
        raise Usage(f"--vin {args.vin}: expected 17 characters A-Z and 0-9 without I, O, Q")
    if args.expires_in is not None and args.expires_in <= 0:
        raise Usage("--expires-in: must be more than 0 seconds")
    _check_broker(args)
    now = int(time.time() * 1000)
    command = {"id": str(uuid.uuid4()), "issued_at": now, "vin": args.vin,
               "body": _body(args.body)}
    if args.expires_in is not None:
        command["expires_at"] = now + int(args.expires_in * 1000)
    errors = contract.check_command(args.command, command)
    if errors:
        raise Usage(f"{args.command}: not sent: " + "; ".join(errors))
    topic = f"{args.prefix}/{args.vin}/cmd/{args.command}"
    result = broker.send(args, command, topic)
    if args.wait is None:
        print(json.dumps(command, ensure_ascii=False))
        return 0
    if result is None:
        broker.log(f"no cmd-result for command {command['id']} within {args.wait:g} s")
        return 1
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result.get("body", {}).get("status") == "ok" else 1


def _summary(args):
    for path in args.db:
        if not os.path.isfile(path):
            raise Usage(f"--db {path}: no such file")
    return report.summarize(args.db)


def cmd_summary(args):
    summary = _summary(args)
    print(json.dumps(summary, indent=2, ensure_ascii=False) if args.json else report.text(summary))
    return 0


def cmd_gaps(args):
    gaps = {vin: {"gaps": c["gaps"], "will_seqs_unused": c["will_seqs_unused"],
                  "seqs_reused": c["seqs_reused"]}
            for vin, c in _summary(args).items()}
    if args.json:
        print(json.dumps(gaps, indent=2))
    for vin, g in ({} if args.json else gaps).items():
        holes = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in g["gaps"]) or "none"
        print(f"{vin}: gaps {holes}; {g['will_seqs_unused']} unused last-will seqs")
    return 0


def main(argv=None):
    args = parser().parse_args(argv)  # exits 2 on bad usage
    commands = {"run": cmd_run, "send": cmd_send, "summary": cmd_summary, "gaps": cmd_gaps}
    try:
        return commands[args.command_name](args)
    except Usage as e:
        print(f"crm-consumer: {e}", file=sys.stderr)
        return 2
    except (StoreError, broker.Unreachable) as e:
        print(f"crm-consumer: {e}", file=sys.stderr)
        return 1
