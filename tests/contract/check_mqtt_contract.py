#!/usr/bin/env python3
"""Holds crm-agent to its MQTT contract: every JSON Schema in docs/mqtt/schemas.

Reads the message kinds from the agent's own table (`crm-agent contract`):
every kind this version sends must have a schema whose name is the table's.
Replays the given recordings and two written here (with commands, good and
bad; the erase in the second) through `crm-agent replay`, then validates every line of outbox.jsonl:
its topic is a kind of the table, its retain flag the table's, its payload
valid against envelope.json and against that kind's schema, and report.json
against the health report's body. The command bodies written here are checked against the
command schemas too, so that those and the agent's validation agree.

Usage: check_mqtt_contract.py AGENT SCHEMA_DIR WORK_DIR RECORDING...
Needs python3-jsonschema (Debian; 4.10 has RefResolver, 4.18+ has referencing).
"""
import json
import pathlib
import shutil
import subprocess
import sys

from jsonschema import Draft202012Validator, FormatChecker

VIN = "LRW3E7EK5NC000001"
DAY = 86_400_000
T0 = 1767225600000  # 2026-01-01T00:00Z
# Kinds the replays below must produce, so that a quiet agent cannot pass.
# (status is published by the daemon at connect, never by a replay.)
# (faults: the DTCs of gaps_and_glitches, which appear and clear.)
MUST_SEE = {"telemetry/daily", "telemetry/charge-session", "health-report", "cmd-result",
            "prompts", "faults"}

GOOD_SERVICE = {"visit_date": "2026-01-01", "odometer_km": 120, "items": ["tire_rotation"],
                "dealer_id": "D1"}
BAD_SERVICE = {"visit_date": "2026-01-01", "odometer_km": 120, "items": ["wipers"],
               "dealer_id": "D1"}
CAMPAIGN = {"campaign_id": "R-2026-01", "kind": "recall", "severity": "warning",
            "title": {"en": "Safety recall: seat belt", "zh-CN": "安全召回：安全带"},
            "message": {"en": "A free seat belt check is due. Book a visit.",
                        "zh-CN": "需免费检查安全带。请预约到店。"},
            "valid_until": T0 + 60 * DAY}
APPOINTMENT = {"appointment_id": "A-1", "at": T0 + 5 * DAY, "dealer_name": "Sunrise Motors",
               "items": ["tire_rotation"]}
PROFILE = {"tier": "middle", "language": "zh-CN", "dealer_id": "D1"}
# (command, body, expected cmd-result status, body schema or None)
COMMANDS = [("service-record", GOOD_SERVICE, "ok", "cmd-service-record.json"),
            ("report-request", {"period_days": 7}, "ok", "cmd-report-request.json"),
            ("service-record", BAD_SERVICE, "rejected", "cmd-service-record.json"),
            ("reboot", {}, "rejected", None),
            ("campaign", CAMPAIGN, "ok", "cmd-campaign.json"),
            ("campaign", dict(CAMPAIGN, severity="critical"), "rejected", "cmd-campaign.json"),
            ("appointment", APPOINTMENT, "ok", "cmd-appointment.json"),
            ("customer-profile", PROFILE, "ok", "cmd-customer-profile.json"),
            ("customer-profile", dict(PROFILE, tier="gold"), "rejected",
             "cmd-customer-profile.json"),
            ("config", {"max_prompts_per_day": 2, "quiet_hours": {"start": "21:00", "end": "07:00"}},
             "ok", "cmd-config.json"),
            ("config", {"time_zone": "Europe/Berlin"}, "rejected", "cmd-config.json")]
# In a recording of their own: an erase takes back the prompts messages still
# queued, which the commands' replay must keep for MUST_SEE.
ERASE_COMMANDS = [("customer-profile", PROFILE, "ok", "cmd-customer-profile.json"),
                  ("erase", {"scope": "personal"}, "ok", "cmd-erase.json"),
                  ("erase", {"scope": "everything"}, "rejected", "cmd-erase.json"),
                  ("erase", {}, "rejected", "cmd-erase.json")]


def load_schemas(folder):
    schemas = {p.name: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
    # Each schema is reachable by its file name ($ref: envelope.json) and its $id.
    by_uri = {uri: s for name, s in schemas.items() for uri in (name, s["$id"])}
    try:
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (uri, Resource.from_contents(s)) for uri, s in by_uri.items())

        def validator(schema):
            return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    except ImportError:  # jsonschema < 4.18 (Debian bookworm)
        from jsonschema import RefResolver

        def validator(schema):
            resolver = RefResolver.from_schema(schema, store=by_uri)
            return Draft202012Validator(schema, resolver=resolver, format_checker=FormatChecker())
    for s in schemas.values():
        Draft202012Validator.check_schema(s)  # a broken schema fails loudly, not vacuously
    return schemas, validator


def command_recording(path, commands):
    lines = []
    # A parked car for two days, every 30 min, silent for 5 h of the first
    # day and 20 points fuller after it: an inferred charging session.
    for i in (i for i in range(2 * 48) if not 10 < i < 20):
        ts = T0 + i * 1_800_000
        lines.append({"ts": ts, "path": "Vehicle.TraveledDistance", "value": 100_000})
        lines.append({"ts": ts, "path": "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current",
                      "value": round(60 - i * 0.1 + (20 if i >= 20 else 0), 1)})
    for n, (command, body, _, _) in enumerate(commands):  # on the second day, in order
        lines.append({"ts": T0 + DAY + 3_600_000 + n, "command": command, "body": body})
    lines.sort(key=lambda line: line["ts"])  # stable: samples of one ts keep their order
    vehicle = {"vehicle": {"vin": VIN, "model": "sim-ev-75", "nominal_capacity_kwh": 75.0,
                           "chemistry": "NMC", "delivered": "2025-06-01", "tyre_placard_kpa": 290}}
    path.write_text("".join(json.dumps(line) + "\n" for line in [vehicle] + lines))


def errors_of(validator, instance):
    return ["/" + "/".join(map(str, e.absolute_path)) + ": " + e.message
            for e in sorted(validator.iter_errors(instance), key=str)]


def main(agent, schema_dir, work_dir, recordings):
    schemas, validator = load_schemas(pathlib.Path(schema_dir))
    envelope = validator(schemas["envelope.json"])
    by_kind = {s["properties"]["schema"]["const"]: validator(s) for s in schemas.values()
               if {"$ref": "envelope.json"} in s.get("allOf", [])}
    report_body = validator({"$ref": "health-report.json#/$defs/body"})
    failures, seen, results = [], set(), {}

    table = json.loads(subprocess.run([agent, "contract"], capture_output=True, text=True,
                                      check=True).stdout)["kinds"]
    kinds = {k["topic"]: k for k in table}
    for k in table:
        if k["sent"] and k["schema"] not in by_kind:
            failures.append(f"kind {k['topic']}: no schema {k['schema']} in {schema_dir}")
    for name in by_kind:
        if name not in {k["schema"] for k in table}:
            failures.append(f"{schema_dir}: schema {name} is not a kind of the agent's table")

    work = pathlib.Path(work_dir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    commands = work / "commands.jsonl"
    command_recording(commands, COMMANDS)
    erase = work / "erase.jsonl"
    command_recording(erase, ERASE_COMMANDS)
    scripted = {"commands": COMMANDS, "erase": ERASE_COMMANDS}
    for command, body, expected, schema in COMMANDS + ERASE_COMMANDS:
        if schema and bool(errors_of(validator(schemas[schema]), body)) != (expected != "ok"):
            failures.append(f"{schema}: the test's {command} body {body} should "
                            f"{'fail' if expected != 'ok' else 'pass'} it")

    # The driver consents to sharing prompt history for the commands' replay,
    # so that the prompts messages (the campaign's) are checked too.
    consent = work / "consent.json"
    consent.write_text(json.dumps({"privacy": {"share_prompt_history": True}}))
    for recording in [str(commands), str(erase)] + recordings:
        out = work / pathlib.Path(recording).name.split(".")[0]
        extra = ["--config", str(consent)] if recording in (str(commands), str(erase)) else []
        run = subprocess.run([agent, "replay", recording, "--out", str(out)] + extra,
                             capture_output=True, text=True)
        if run.returncode != 0:
            failures.append(f"{recording}: replay exited {run.returncode}: {run.stderr[-2000:]}")
            continue
        outbox = out / "outbox.jsonl"
        last_report = None
        for n, text in enumerate(outbox.read_text().splitlines(), 1):
            where = f"{outbox}:{n}"
            line = json.loads(text)
            topic, payload = line["topic"], line["payload"]
            root = f"crm/v1/vehicles/{payload.get('vin')}/"
            kind = topic[len(root):] if topic.startswith(root) else topic
            seen.add(kind)
            errors = errors_of(envelope, payload)
            spec = kinds.get(kind)
            if spec is None:
                errors.append(f"'{kind}' is not a kind of the agent's table")
            else:
                if line["retain"] != spec["retained"]:
                    errors.append(f"retain {line['retain']}, the table says {spec['retained']}")
                if not spec["sent"]:
                    errors.append(f"kind '{kind}' is marked as not sent by this version")
                if spec["schema"] in by_kind:
                    errors += errors_of(by_kind[spec["schema"]], payload)
            failures += [f"{where}: {topic}: {e}" for e in errors]
            if kind == "health-report":
                last_report = payload["body"]
            if kind == "cmd-result" and out.name in scripted:
                results.setdefault(out.name, []).append(
                    (payload["body"]["command"], payload["body"]["status"]))
        report = json.loads((out / "report.json").read_text())
        failures += [f"{out / 'report.json'}: {e}" for e in errors_of(report_body, report)]
        if report != last_report:
            failures.append(f"{out / 'report.json'}: not the body of the last health-report in {outbox}")

    for name, script in scripted.items():
        expected = [(c, status) for c, _, status, _ in script]
        if results.get(name) != expected:
            failures.append(f"{work / name}.jsonl: cmd-results {results.get(name)}, "
                            f"expected {expected}")
    if MUST_SEE - seen:
        failures.append(f"no message of kind {sorted(MUST_SEE - seen)} in any replay")
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    print(f"{len(failures)} failures; kinds checked: {sorted(seen)}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
