"""The CRM's side of the MQTT contract: which topics carry which kind, and
the JSON Schemas (docs/mqtt/schemas, draft 2020-12) every message and
command is checked against.

A message is never refused here: check_message() always returns a Checked,
valid or not, so that the caller keeps and flags what it could not accept.
"""
import hashlib
import json
import pathlib
import re
from dataclasses import dataclass
from typing import Optional

from jsonschema import Draft202012Validator, FormatChecker

# The kinds a car sends, as `crm-agent contract` prints them: topic suffix
# under {prefix}/{vin}/ and the envelope's "schema". The schema file is the
# one in the schema folder whose "schema" constant is that name. Stable:
# the topics and names are the wire contract.
KINDS = {
    "status": "crm.v1.status",
    "telemetry/daily": "crm.v1.telemetry.daily",
    "telemetry/charge-session": "crm.v1.telemetry.charge-session",
    "health-report": "crm.v1.health-report",
    "prompts": "crm.v1.prompts",
    "service-request": "crm.v1.service-request",
    "faults": "crm.v1.faults",
    "cmd-result": "crm.v1.cmd-result",
}
DEFAULT_PREFIX = "crm/v1/vehicles"
VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")  # 17 characters, no I, O or Q
MAX_ERRORS = 5  # kept per message: the first ones say what is wrong
MAX_ERROR_CHARS = 300  # jsonschema quotes the instance; a large body would flood the db


class SchemaError(Exception):
    """The schema folder is missing or holds a schema that does not load."""


@dataclass
class Checked:
    """One message as received, judged: what the store keeps."""
    key: str  # the envelope id; "sha256:<hex>" of topic and payload when it has none
    topic: str
    vin: Optional[str]  # from the topic: the broker's ACL ties a car to its topics
    kind: Optional[str]  # the topic suffix, e.g. telemetry/daily
    seq: Optional[int]
    ts: Optional[int]
    payload: str
    errors: list  # empty: valid

    @property
    def valid(self):
        return not self.errors


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _integer(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _where(error, base=""):
    return base + "/" + "/".join(str(p) for p in error.absolute_path)


class Contract:
    """Validators built once from a schema folder."""

    def __init__(self, folder):
        folder = pathlib.Path(folder)
        if not folder.is_dir():
            raise SchemaError(f"{folder}: no such schema folder (--schemas DIR)")
        schemas = {}
        for path in sorted(folder.glob("*.json")):
            try:
                schemas[path.name] = json.loads(path.read_text(encoding="utf-8"))
                Draft202012Validator.check_schema(schemas[path.name])
            except (ValueError, OSError) as e:
                raise SchemaError(f"{path}: {e}") from e
            except Exception as e:  # jsonschema's SchemaError: say which file
                raise SchemaError(f"{path}: not a valid JSON Schema: {e}") from e
        if "envelope.json" not in schemas or "command-envelope.json" not in schemas:
            raise SchemaError(f"{folder}: envelope.json or command-envelope.json missing")
        self._make = self._validator_factory(schemas)
        self.envelope = self._make(schemas["envelope.json"])
        self.command_envelope = self._make(schemas["command-envelope.json"])
        by_name = {s.get("properties", {}).get("schema", {}).get("const"): s
                   for s in schemas.values()}
        # A kind without a schema file (a kind the contract reserves, not yet
        # sent) is still subscribed to; its messages are flagged.
        self.kinds = {topic: self._make(by_name[name]) if name in by_name else None
                      for topic, name in KINDS.items()}
        self.commands = {name[len("cmd-"):-len(".json")]: self._make(s)
                         for name, s in schemas.items()
                         if name.startswith("cmd-") and name != "cmd-result.json"}
        self.folder = folder

    @staticmethod
    def _validator_factory(schemas):
        # Each schema is reachable by its file name ($ref: envelope.json) and its $id.
        by_uri = {uri: s for name, s in schemas.items() for uri in (name, s.get("$id", name))}
        try:
            from referencing import Registry, Resource
            registry = Registry().with_resources(
                (uri, Resource.from_contents(s)) for uri, s in by_uri.items())
            return lambda schema: Draft202012Validator(schema, registry=registry,
                                                       format_checker=FormatChecker())
        except ImportError:  # jsonschema < 4.18 (Debian bookworm's 4.10)
            from jsonschema import RefResolver
            return lambda schema: Draft202012Validator(
                schema, resolver=RefResolver.from_schema(schema, store=by_uri),
                format_checker=FormatChecker())

    @staticmethod
    def errors_of(validator, instance, base=""):
        """Every schema error as 'path: message' (path under `base`), in a stable order."""
        found = sorted(validator.iter_errors(instance), key=lambda e: (_where(e), e.message))
        return [f"{_where(e, base).rstrip('/') or '/'}: {e.message}"[:MAX_ERROR_CHARS]
                for e in found]

    def check_message(self, topic, payload_bytes, prefix=DEFAULT_PREFIX):
        """Judges one message from a car. Never raises on what the message holds."""
        try:
            return self._check(topic, payload_bytes, prefix)
        except Exception as e:  # a fault of the checker must not lose the message: keep it, flagged
            digest = hashlib.sha256(topic.encode("utf-8", "replace") + b"\0" + payload_bytes)
            return Checked("sha256:" + digest.hexdigest(), topic, None, None, None, None,
                           payload_bytes.decode("utf-8", "replace"),
                           [f"consumer: could not check it: {type(e).__name__}: {e}"[:MAX_ERROR_CHARS]])

    def _check(self, topic, payload_bytes, prefix):
        errors = []
        vin = kind = None
        if topic.startswith(prefix + "/") and topic.count("/") >= prefix.count("/") + 2:
            vin, kind = topic[len(prefix) + 1:].split("/", 1)
        else:
            errors.append(f"topic: not {prefix}/<vin>/<kind>")
        if kind is not None and kind not in self.kinds:
            errors.append(f"topic: unknown kind '{kind}'")
        doc = None
        try:
            payload = payload_bytes.decode("utf-8")
        except UnicodeDecodeError as e:
            payload = payload_bytes.decode("utf-8", errors="replace")
            errors.append(f"payload: not UTF-8 (byte {e.start})")
        else:
            try:
                doc = json.loads(payload, parse_constant=_reject_constant)
            except (ValueError, RecursionError) as e:
                errors.append(f"payload: not JSON ({e})"[:MAX_ERROR_CHARS])
            else:
                if not isinstance(doc, dict):
                    errors.append("payload: not a JSON object")
                    doc = None
        key = None
        seq = ts = None
        if doc is not None:
            seq, ts = _integer(doc.get("seq")), _integer(doc.get("ts"))
            if isinstance(doc.get("id"), str) and 0 < len(doc["id"]) <= 64:
                key = doc["id"]
            found = self.errors_of(self.envelope, doc)
            validator = self.kinds.get(kind)
            if validator is not None:
                found += [e for e in self.errors_of(validator, doc) if e not in found]
            elif kind in self.kinds:
                errors.append(f"schema: no schema for {KINDS[kind]} in {self.folder}")
            errors += found
            if vin is not None and doc.get("vin") != vin:
                errors.append(f"/vin: {json.dumps(doc.get('vin'))[:40]} is not the topic's VIN")
        if key is None:
            digest = hashlib.sha256(topic.encode("utf-8", "replace") + b"\0" + payload_bytes)
            key = "sha256:" + digest.hexdigest()
        return Checked(key, topic, vin, kind, seq, ts, payload, errors[:MAX_ERRORS] + (
            [f"(and {len(errors) - MAX_ERRORS} more)"] if len(errors) > MAX_ERRORS else []))

    def check_command(self, name, command):
        """The errors of a command envelope and its body, empty when it may be sent."""
        if name not in self.commands:
            return [f"command: unknown command '{name}' (known: {', '.join(sorted(self.commands))})"]
        errors = self.errors_of(self.command_envelope, command)
        errors += self.errors_of(self.commands[name], command.get("body"), base="/body")
        return errors
