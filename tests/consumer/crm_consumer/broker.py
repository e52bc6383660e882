"""The MQTT side (paho-mqtt 1.6): connecting with retries, receiving into a
Store, sending one command.

Everything runs on the caller's thread: the program drives paho's loop()
itself, so the SQLite connection, the callbacks and the retries share one
thread and nothing needs a lock. paho acknowledges a QoS 1 message (PUBACK)
when on_message returns; a StoreError raised there leaves it unacknowledged
and ends the loop, and the broker delivers it again to the persistent
session.
"""
import json
import signal
import ssl
import sys
import time
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from .contract import KINDS

KEEPALIVE_S = 30
# MQTT 5: how long the broker keeps the consumer's session (and queues its
# messages) while it is away. A week covers a weekend's outage of the CRM.
SESSION_EXPIRY_S = 7 * 86400
CONNECT_ATTEMPTS = 10  # before the first connection: then the broker is deemed unreachable
RETRY_MIN_S, RETRY_MAX_S = 0.2, 5.0


class Unreachable(Exception):
    """No connection to the broker after the retries."""


def log(text):
    print(f"crm-consumer: {text}", file=sys.stderr, flush=True)


def parse_broker(text):
    """'host:port' or a URI (tcp://, mqtt://, ssl://, mqtts://) -> (host, port, tls)."""
    scheme, _, rest = text.rpartition("://")
    if scheme not in ("", "tcp", "mqtt", "ssl", "mqtts"):
        raise ValueError(f"--broker {text}: unknown scheme '{scheme}' (tcp, mqtt, ssl, mqtts)")
    tls = scheme in ("ssl", "mqtts")
    host, colon, port = rest.rpartition(":")
    if not colon:
        host, port = rest, "8883" if tls else "1883"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--broker {text}: expected HOST:PORT")
    return host.strip("[]"), int(port), tls


def filters(prefix, group):
    """One filter per kind a car sends: all cars, never their cmd/ topics."""
    share = f"$share/{group}/" if group else ""
    return [f"{share}{prefix}/+/{kind}" for kind in KINDS]


class Link:
    """One paho client with its connection options."""

    def __init__(self, args, client_id, persistent):
        self.host, self.port, tls = parse_broker(args.broker)
        self.v5 = args.protocol == "5"
        self.persistent = persistent
        if self.v5:
            self.client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5)
        else:
            self.client = mqtt.Client(client_id=client_id, clean_session=not persistent,
                                      protocol=mqtt.MQTTv311)
        if tls or args.tls_ca:
            self.client.tls_set(ca_certs=args.tls_ca, certfile=args.tls_cert,
                                keyfile=args.tls_key, cert_reqs=ssl.CERT_REQUIRED)
        self.connected = False
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.on_connected = lambda session_present: None

    def _on_connect(self, client, userdata, flags, rc, properties=None):
        if rc != 0:
            log(f"broker refused the connection: {rc if self.v5 else mqtt.connack_string(rc)}")
            return
        self.connected = True
        self.on_connected(bool(flags.get("session present")))

    def _on_disconnect(self, client, userdata, rc, properties=None):
        if self.connected and rc != 0:
            log(f"connection lost ({rc if self.v5 else mqtt.error_string(rc)}); reconnecting")
        self.connected = False

    def _attempt(self):
        if self.v5:
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = SESSION_EXPIRY_S if self.persistent else 0
            self.client.connect(self.host, self.port, KEEPALIVE_S,
                                clean_start=not self.persistent, properties=props)
        else:
            self.client.connect(self.host, self.port, KEEPALIVE_S)

    def connect(self, attempts=CONNECT_ATTEMPTS, stop=lambda: False):
        """Connects and waits for CONNACK; None attempts: until stop() says so."""
        delay, tried = RETRY_MIN_S, 0
        while not stop():
            tried += 1
            try:
                self._attempt()
                deadline = time.monotonic() + 10
                while not self.connected and time.monotonic() < deadline:
                    if self.client.loop(0.1) != mqtt.MQTT_ERR_SUCCESS:
                        break
                if self.connected:
                    return
            except (OSError, ssl.SSLError) as e:
                if attempts is None or tried == 1:
                    log(f"cannot reach {self.host}:{self.port}: {e}")
            if attempts is not None and tried >= attempts:
                raise Unreachable(f"broker {self.host}:{self.port} unreachable after "
                                  f"{tried} attempts")
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)

    def disconnect(self):
        if self.connected:
            self.client.disconnect()
            for _ in range(20):
                if self.client.loop(0.05) != mqtt.MQTT_ERR_SUCCESS:
                    break


def run(args, contract, store, client_id):
    """Receives into `store` until --until-idle passes or SIGTERM/SIGINT."""
    link = Link(args, client_id, persistent=True)
    state = {"stop": False, "subscribed": False, "last": time.monotonic(),
             "stored": 0, "duplicates": 0, "invalid": 0}

    def on_connected(session_present):
        log(f"connected to {link.host}:{link.port}"
            f" (MQTT {'5' if link.v5 else '3.1.1'}, session present: {session_present})")
        # Subscribed again at every connect: the filters may have changed since
        # the session was made. A new subscription brings the retained status
        # again (a duplicate the store counts apart); MQTT 5 can say not to
        # when the session already had it.
        if link.v5:
            options = SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_SEND_IF_NEW_SUB)
            link.client.subscribe([(f, options) for f in filters(args.prefix, args.group)])
        else:
            link.client.subscribe([(f, 1) for f in filters(args.prefix, args.group)])

    def on_subscribe(client, userdata, mid, granted, properties=None):
        # Tests and scripts wait for this line before the cars start.
        log(f"subscribed to {len(granted)} topic filters"
            + (f" in shared group {args.group}" if args.group else ""))
        state["subscribed"] = True
        state["last"] = time.monotonic()

    def on_message(client, userdata, message):
        state["last"] = time.monotonic()
        try:
            topic = message.topic
        except UnicodeDecodeError:
            topic = message._topic.decode("utf-8", "replace")  # paho keeps the raw bytes
        checked = contract.check_message(topic, message.payload, args.prefix)
        # Raises StoreError: not acknowledged, the loop ends (exit 1).
        if store.add(checked, int(time.time() * 1000), message.retain):
            state["stored"] += 1
            if not checked.valid:
                state["invalid"] += 1
                log(f"invalid message on {checked.kind} seq {checked.seq}: {checked.errors[0]}")
        else:
            state["duplicates"] += 1

    def stop(signum, frame):
        state["stop"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    link.on_connected = on_connected
    link.client.on_subscribe = on_subscribe
    link.client.on_message = on_message
    link.connect(attempts=args.connect_attempts, stop=lambda: state["stop"])
    while not state["stop"]:
        if link.connected:
            link.client.loop(0.2)
        else:  # it was connected: a service waits for its broker to come back
            state["subscribed"] = False
            link.connect(attempts=None, stop=lambda: state["stop"])
        idle = time.monotonic() - state["last"]
        if args.until_idle is not None and state["subscribed"] and idle >= args.until_idle:
            break
    link.disconnect()
    log(f"stored {state['stored']} messages ({state['invalid']} invalid),"
        f" {state['duplicates']} duplicates removed")


def send(args, command, topic):
    """Publishes `command` at QoS 1; with --wait, returns its cmd-result or None."""
    link = Link(args, f"crm-consumer-send-{uuid.uuid4().hex[:12]}", persistent=False)
    answer = {}
    result_topic = f"{args.prefix}/{args.vin}/cmd-result"

    def on_message(client, userdata, message):
        try:
            doc = json.loads(message.payload)
            if doc["body"]["command_id"] == command["id"]:
                answer["result"] = doc
        except (ValueError, KeyError, TypeError):
            pass  # another car's or a malformed result: not ours

    link.client.on_message = on_message
    link.connect(attempts=args.connect_attempts)
    if args.wait is not None:  # subscribed before sending: the answer cannot slip past
        subscribed = {}
        link.client.on_subscribe = lambda *a, **k: subscribed.setdefault("ok", True)
        link.client.subscribe(result_topic, 1)
        if not _pump(link, lambda: subscribed, 10):
            raise Unreachable(f"no SUBACK for {result_topic} within 10 s")
    props = None
    if link.v5 and command.get("expires_at"):
        props = Properties(PacketTypes.PUBLISH)
        props.MessageExpiryInterval = max(1, (command["expires_at"] - command["issued_at"]) // 1000)
    info = link.client.publish(topic, json.dumps(command), qos=1, properties=props)
    if not _pump(link, info.is_published, 10):
        raise Unreachable(f"no PUBACK for the command within 10 s from {link.host}:{link.port}")
    if args.wait is not None:
        _pump(link, lambda: answer, args.wait)
    link.disconnect()
    return answer.get("result")


def _pump(link, done, seconds):
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        if link.client.loop(0.1) != mqtt.MQTT_ERR_SUCCESS:
            raise Unreachable(f"connection to {link.host}:{link.port} lost")
    return bool(done())
