"""What the dealer saw: per vehicle, from one or more consumer databases
(the instances of one shared subscription each hold a share).

Gaps: a car numbers every message it sends (seq, per car, never reused).
Between the lowest and highest seq seen, every seq should have arrived,
except the one the car reserves at each connection for its last will, which
the broker publishes only if the car vanishes: an "online" status names it
(body.will_seq), and a missing seq so named is explained, not a gap.
"""
import collections
import json

from .store import Store

DAILY_FIGURES = ("date", "distance_km", "charged_kwh", "consumed_kwh", "soc_min", "soc_max",
                 "soh_bms_percent", "samples")


def gaps(seqs, will_seqs):
    """The holes between the seqs seen, as [first, last] runs, less the will
    seqs; and how many will seqs were among the holes. Walks the holes, not
    the whole range: a crafted seq of 10^15 costs nothing."""
    found, explained = [], 0
    wills = sorted(will_seqs)
    ordered = sorted(seqs)
    for low, high in zip(ordered, ordered[1:]):
        start = low + 1
        for will in (w for w in wills if low < w < high):
            explained += 1
            if will > start:
                found.append([start, will - 1])
            start = will + 1
        if start < high:
            found.append([start, high - 1])
    return found, explained


def _body(store, key):
    try:
        return json.loads(store.payload(key)).get("body") or {}
    except (ValueError, AttributeError, TypeError):
        return {}


def _get(doc, *path):
    for p in path:
        doc = doc.get(p) if isinstance(doc, dict) else None
    return doc


def _headline(body):
    return {"period_from": _get(body, "period", "from"), "period_to": _get(body, "period", "to"),
            "soh_percent": _get(body, "battery", "soh", "value"),
            "battery_status": _get(body, "battery", "status"),
            "charging_sessions": _get(body, "charging", "sessions"),
            "distance_km": _get(body, "driving", "distance_km"),
            "usage_profile": _get(body, "usage", "profile")}


def summarize(paths):
    """The per-VIN summary of the databases at `paths` (opened read-only)."""
    stores = [Store(p, readonly=True) for p in paths]
    try:
        return _summarize(stores)
    finally:
        for s in stores:
            s.close()


def _summarize(stores):
    cars = collections.defaultdict(lambda: {
        "kinds": collections.Counter(), "duplicates": 0, "duplicates_retained": 0,
        "duplicates_conflicting": 0, "invalid": 0, "first_error": None, "seqs": {},
        "will_seqs": set(), "last_status": None, "daily": None, "report": None})
    arrivals = []
    for store in stores:
        for vin, retained, same in store.duplicates():
            car = cars[vin]
            car["duplicates"] += 1
            car["duplicates_retained"] += retained
            car["duplicates_conflicting"] += not same
        arrivals += [(row, store) for row in store.rows()]
    arrivals.sort(key=lambda a: a[0][6])  # by received_at; stable within one database
    where = {}  # id -> the store holding it, for ids stored by two instances
    for row, store in arrivals:
        key, topic, vin, kind, seq, ts, received, retained, valid, error = row
        car = cars[vin]
        if key in where:  # the same id in another instance's database
            car["duplicates"] += 1
            continue
        where[key] = store
        car["kinds"][kind or "?"] += 1
        if not valid:
            car["invalid"] += 1
            if car["first_error"] is None:
                car["first_error"] = {"topic": topic, "seq": seq,
                                      "error": error.split("\n")[0]}
        if seq is not None and seq > 0:
            car["seqs"].setdefault(seq, []).append(key)
        if not valid:
            continue
        if kind == "status":
            body = _body(store, key)
            will = body.get("will_seq")
            if body.get("state") == "online" and isinstance(will, int):
                car["will_seqs"].add(will)
            car["last_status"] = {"state": body.get("state"), "reason": body.get("reason"),
                                  "ts": ts, "seq": seq}
        elif kind == "telemetry/daily" and (car["daily"] is None or ts > car["daily"][0]):
            car["daily"] = (ts, key, store)
        elif kind == "health-report" and (car["report"] is None or ts > car["report"][0]):
            car["report"] = (ts, key, store)
    out = {}
    for vin in sorted(cars, key=str):
        c = cars[vin]
        seqs = set(c["seqs"])
        holes, explained = gaps(seqs, c["will_seqs"])
        daily = _body(c["daily"][2], c["daily"][1]) if c["daily"] else None
        report = _body(c["report"][2], c["report"][1]) if c["report"] else None
        out[vin] = {
            "messages": sum(c["kinds"].values()),
            "by_kind": dict(sorted(c["kinds"].items())),
            "duplicates_removed": c["duplicates"],
            "duplicates_retained": c["duplicates_retained"],
            "duplicates_conflicting": c["duplicates_conflicting"],
            "invalid": c["invalid"], "first_error": c["first_error"],
            "seq_first": min(seqs) if seqs else None, "seq_last": max(seqs) if seqs else None,
            "gaps": holes,
            "will_seqs_unused": explained,
            # Two ids under one seq: the car reused a seq (never allowed).
            "seqs_reused": sorted(s for s, keys in c["seqs"].items() if len(keys) > 1),
            "last_status": c["last_status"],
            "latest_daily": {k: daily.get(k) for k in DAILY_FIGURES} if daily else None,
            "latest_report": _headline(report) if report else None,
        }
    return out


def _fmt(value):
    return "-" if value is None else str(value)


def text(summary):
    """The summary for a person, a few lines per car."""
    lines = []
    if not summary:
        lines.append("no messages")
    for vin, c in summary.items():
        kinds = ", ".join(f"{n} {k}" for k, n in c["by_kind"].items())
        lines.append(f"{vin}: {c['messages']} messages ({kinds})")
        gaps = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in c["gaps"]) or "none"
        lines.append(f"  seq {_fmt(c['seq_first'])}..{_fmt(c['seq_last'])}, gaps: {gaps}"
                     f" ({c['will_seqs_unused']} unused last-will seqs explained)"
                     + (f", REUSED: {c['seqs_reused']}" if c["seqs_reused"] else ""))
        lines.append(f"  duplicates removed: {c['duplicates_removed']}"
                     f" ({c['duplicates_retained']} retained re-deliveries,"
                     f" {c['duplicates_conflicting']} with other bytes); invalid: {c['invalid']}")
        if c["first_error"]:
            e = c["first_error"]
            lines.append(f"  first invalid: {e['topic']} seq {_fmt(e['seq'])}: {e['error']}")
        if c["last_status"]:
            s = c["last_status"]
            lines.append(f"  last status: {s['state']} ({s['reason']})")
        if c["latest_daily"]:
            d = c["latest_daily"]
            lines.append(f"  latest day {d['date']}: {_fmt(d['distance_km'])} km,"
                         f" charged {_fmt(d['charged_kwh'])} kWh, used {_fmt(d['consumed_kwh'])}"
                         f" kWh, SOC {_fmt(d['soc_min'])}-{_fmt(d['soc_max'])} %,"
                         f" SOH (BMS) {_fmt(d['soh_bms_percent'])} %")
        if c["latest_report"]:
            r = c["latest_report"]
            lines.append(f"  latest health report: SOH {_fmt(r['soh_percent'])} %"
                         f" ({_fmt(r['battery_status'])}), {_fmt(r['charging_sessions'])}"
                         f" charging sessions, {_fmt(r['distance_km'])} km,"
                         f" usage {_fmt(r['usage_profile'])}")
    return "\n".join(lines)
