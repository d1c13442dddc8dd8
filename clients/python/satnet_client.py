# SPDX-License-Identifier: Apache-2.0
# Copyright SATNet contributors
#
# Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
# except in compliance with the License. You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software distributed under the
# License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND,
# either express or implied. See the License for the specific language governing permissions
# and limitations under the License.

"""Client of the SATNet N-Server TLS gateway (docs/protocol.md).

Standard library plus msgpack (Debian: python3-msgpack). Synchronous and single-threaded:
each call sends a request and reads until its answer arrives; notifications read meanwhile
(frames, events, heartbeats) go to the callbacks. Call poll() to wait for notifications.

    client = SatnetClient("gateway.example", cafile="gateway-dev-cert.pem")
    client.login(api_key)
    client.start_remote(slot_id)
    client.on_msg = lambda data, doppler_hz, gs_timestamp: ...
    client.send_msg(frame)
    while client.poll(1.0):
        ...
"""

import hashlib
import socket
import ssl
import struct
import time

import msgpack

DEFAULT_PORT = 25345

# startRemote results
REMOTE_READY = 0
CLIENTS_COINCIDE = -1
REMOTE_NOT_CONNECTED = -2
START_REMOTE_NAMES = {0: "REMOTE_READY", -1: "CLIENTS_COINCIDE", -2: "REMOTE_NOT_CONNECTED"}

# notifyEvent ids
REMOTE_DISCONNECTED = -1
SLOT_END = -2
END_REMOTE = -3
REMOTE_CONNECTED = -4
EVENT_NAMES = {-1: "REMOTE_DISCONNECTED", -2: "SLOT_END", -3: "END_REMOTE", -4: "REMOTE_CONNECTED"}

REQUEST, RESPONSE, NOTIFICATION = 0, 1, 2
MAX_MSGID = 0xFFFFFFFF
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
HEADER = struct.Struct(">I")  # 4-byte big-endian body length


class GatewayError(Exception):
    """An error response from the server: `code` is stable, `message` is for people."""

    def __init__(self, code, message, data=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.data = data or {}


class ConnectionClosed(Exception):
    """The server closed the connection (the reason names its `error` notification, if any)."""


def _refuse_ext(code, data):
    raise ValueError(f"the gateway never sends msgpack ext types (got type {code})")


class SatnetClient:
    """One TLS connection to the gateway.

    Certificate checking: `cafile` trusts that certificate (the server's development certificate
    or your CA); `fingerprint` (SHA-256, hex, colons allowed) accepts exactly one certificate;
    `insecure=True` accepts any (development only). With none of them the system CAs are used.
    """

    def __init__(self, host, port=DEFAULT_PORT, *, cafile=None, fingerprint=None,
                 insecure=False, timeout=30.0, keepalive=20.0):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if insecure or (fingerprint and not cafile):
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        elif cafile:
            context.load_verify_locations(cafile)
        else:
            context.load_default_certs()
        raw = socket.create_connection((host, port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = context.wrap_socket(raw, server_hostname=host)
        if fingerprint:
            self._check_fingerprint(fingerprint)
        self.timeout = timeout
        self.keepalive = keepalive  # seconds without sending before a ping (0: never)
        self.on_msg = None  # on_msg(data: bytes, doppler_hz: float, gs_timestamp: str)
        self.last_seq = None  # the sequence number of the last notifyMsg: start_remote(..., last_seq=)
        self.on_event = None  # on_event(event_id: int, name: str)
        self.on_error = None  # on_error(error: dict) -- the server is about to close
        self.server_error = None
        self.closed = False
        self._buffer = bytearray()
        self._next_msgid = 1
        self._unanswered_pings = set()
        self._last_sent = time.monotonic()

    def _check_fingerprint(self, expected):
        actual = hashlib.sha256(self._sock.getpeercert(binary_form=True)).hexdigest()
        if actual != expected.replace(":", "").strip().lower():
            self._sock.close()
            raise ssl.SSLError(
                f"server certificate SHA-256 is {actual}, not the pinned {expected}")

    # ---- methods ----------------------------------------------------------------------------

    def login(self, api_key):
        """Must come first; returns the username."""
        return self.call("login", [api_key])["username"]

    def start_remote(self, slot_id, side=None, last_seq=None):
        """Returns REMOTE_READY, REMOTE_NOT_CONNECTED or CLIENTS_COINCIDE.

        last_seq: when reconnecting within the slot, the sequence number of the last frame
        received (self.last_seq); the missed frames reach on_msg first (docs/protocol.md §14).
        """
        if last_seq is not None:
            return self.call("startRemote", [slot_id, side, last_seq])
        return self.call("startRemote", [slot_id] if side is None else [slot_id, side])

    def send_msg(self, data, timestamp=None):
        """Sends one CSP frame (bytes).

        `timestamp`: ISO 8601 str or int milliseconds since the epoch (default: now).

        Returns {"delivered": bool, "dopplerShift": Hz, "gsTimestamp": str}.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("data must be bytes (it travels as msgpack bin)")
        if timestamp is None:
            timestamp = int(time.time() * 1000)  # an int: the server refuses float timestamps
        return self.call("sendMsg", [bytes(data), timestamp])

    def end_remote(self):
        self.call("endRemote", [])

    def send_non_scheduled(self, ground_station, frames):
        """Uploads frames the station heard outside any slot (docs/protocol.md section 14).

        `frames`: a list of dicts {"data": bytes, "gsTimestamp": ISO 8601 str or int ms,
        "frequencyHz": number (optional)}. No session needed, only login. Returns
        {"groundStation", "stored", "duplicates", "attributed", "frames": [{"index", "status",
        "id", "spacecraft"}]}; raises GatewayError (FRAMES_REFUSED, ...) with nothing stored.
        """
        wire = []
        for frame in frames:
            if not isinstance(frame.get("data"), (bytes, bytearray, memoryview)):
                raise TypeError("each frame's data must be bytes (it travels as msgpack bin)")
            wire.append({**frame, "data": bytes(frame["data"])})
        return self.call("sendNonScheduled", [ground_station, wire])

    def ping(self):
        return self.call("ping", [])

    def call(self, method, params):
        """Sends a request and returns its result; raises GatewayError or ConnectionClosed."""
        msgid = self._request(method, params)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._next_message(deadline)
            if message is None:
                raise TimeoutError(f"no answer to {method} within {self.timeout} s")
            if message[0] == RESPONSE and message[1] == msgid:
                _, _, error, result = message
                if error is not None:
                    raise GatewayError(error["code"], error["message"], error.get("data"))
                return result
            self._handle(message)

    def poll(self, timeout):
        """Handles what arrives for up to `timeout` seconds; False once the connection closed."""
        deadline = time.monotonic() + timeout
        if self.closed:
            return False
        try:
            while True:
                self._keep_alive()
                message = self._next_message(min(deadline, time.monotonic() + 1.0))
                if message is not None:
                    self._handle(message)
                elif time.monotonic() >= deadline:
                    return True
        except ConnectionClosed:
            return False

    def close(self):
        if not self.closed:
            self.closed = True
            self._sock.close()

    # ---- framing ----------------------------------------------------------------------------

    def _request(self, method, params):
        msgid = self._next_msgid
        self._next_msgid = 0 if msgid >= MAX_MSGID else msgid + 1
        self._send([REQUEST, msgid, method, params])
        return msgid

    def _send(self, message):
        if self.closed:
            raise ConnectionClosed(self._closed_reason())
        body = msgpack.packb(message, use_bin_type=True)  # bytes -> bin, str -> str
        self._sock.sendall(HEADER.pack(len(body)) + body)
        self._last_sent = time.monotonic()

    def _keep_alive(self):
        if self.keepalive and time.monotonic() - self._last_sent >= self.keepalive:
            self._unanswered_pings.add(self._request("ping", []))

    def _next_message(self, deadline):
        """The next whole message, or None when `deadline` (time.monotonic()) passes first."""
        while True:
            if len(self._buffer) >= HEADER.size:
                (length,) = HEADER.unpack_from(self._buffer)
                if length > MAX_MESSAGE_BYTES:
                    self.close()
                    raise ConnectionClosed(f"the server announced a {length}-byte message")
                if len(self._buffer) >= HEADER.size + length:
                    body = bytes(self._buffer[HEADER.size:HEADER.size + length])
                    del self._buffer[:HEADER.size + length]
                    return msgpack.unpackb(body, raw=False, ext_hook=_refuse_ext)
            if not self._receive(deadline):
                return None

    def _receive(self, deadline):
        if self.closed:
            raise ConnectionClosed(self._closed_reason())
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self._sock.settimeout(remaining)
        try:
            chunk = self._sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return False
        finally:
            self._sock.settimeout(self.timeout)
        if not chunk:
            self.close()
            raise ConnectionClosed(self._closed_reason())
        self._buffer += chunk
        return True

    def _closed_reason(self):
        if self.server_error:
            return f"{self.server_error['code']}: {self.server_error['message']}"
        return "the server closed the connection"

    def _handle(self, message):
        kind = message[0]
        if kind == RESPONSE:
            self._unanswered_pings.discard(message[1])  # a keep-alive ping's answer
        elif kind == NOTIFICATION:
            _, method, params = message
            if method == "notifyMsg":
                # The 4th param, the frame's sequence number, is kept for a resume (§14).
                if len(params) > 3:
                    self.last_seq = params[3]
                if self.on_msg:
                    self.on_msg(params[0], params[1], params[2])
            elif method == "notifyEvent" and self.on_event:
                self.on_event(params[0], EVENT_NAMES.get(params[0], str(params[0])))
            elif method == "error":
                self.server_error = params[0]
                if self.on_error:
                    self.on_error(params[0])
            # "heartbeat" and notifications added later need nothing
