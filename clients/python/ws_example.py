#!/usr/bin/python3
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

"""Send a CSP packet as a mission over the N-Server's WebSocket and print what arrives.

    SATNET_API_KEY=snk_... /usr/bin/python3 ws_example.py --url http://127.0.0.1:8080 \\
        XATCOBEO 1:20 10:11 0102030405060708

The shapes of the messages are those of the Open Cosmos customer gateway (CSP Realtime
Interface): {"type": "message", "direction": "uplink", "packet": "<base64>"} out; downlinks
(with slotId, groundStation, dopplerShiftHz, gsTimestamp, serverTime), events, acks and errors
in. The only module it needs beside the standard library is `websockets` (Debian:
python3-websockets), through its asyncio API, which every version has (Debian bookworm's 10.4
has no `websockets.sync`).

It runs until the slot ends (the server sends SLOT_END and closes the session), --linger
seconds pass, or Ctrl-C. Exit status: 0 done; 1 the server refused the connection or the
packet; 3 no connection.
"""

import argparse
import asyncio
import json
import os
import ssl
import struct
import sys
from base64 import b64decode, b64encode
from urllib.parse import quote, urlencode

import websockets
from websockets.exceptions import ConnectionClosedError, InvalidHandshake

SUBPROTOCOL = "satnet.v1"


def create_csp_packet(source, src_port, destination, dst_port, data):
    """A CSP v1 packet: the 4-byte header (priority 0, no flags), then the payload."""
    csp_header = (source << 25) | (destination << 20) | (dst_port << 14) | (src_port << 8)
    return struct.pack("!I", csp_header) + data


def format_csp_message(packet, message_id=None):
    """The uplink message; with an id, the server answers with an "ack" carrying it."""
    message = {"type": "message", "direction": "uplink",
               "packet": b64encode(packet).decode("ascii")}
    if message_id is not None:
        message["id"] = message_id
    return json.dumps(message)


def parse_csp_address(address):
    """'address:port', e.g. '10:11'."""
    addr, _, port = address.partition(":")
    addr, port = int(addr), int(port)
    if not 0 <= addr <= 31:
        raise ValueError("a CSP address is from 0 to 31")
    if not 0 <= port <= 63:
        raise ValueError("a CSP port is from 0 to 63")
    return addr, port


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080",
                        help="the server's HTTP address (https:// for wss)")
    parser.add_argument("--api-key", default=os.environ.get("SATNET_API_KEY"),
                        help="API key or login token (default: $SATNET_API_KEY)")
    parser.add_argument("--auth", choices=["header", "subprotocol", "query"], default="header",
                        help="where the key travels: the Authorization header (default), a "
                             "Sec-WebSocket-Protocol value, or ?token= (what browsers can do)")
    parser.add_argument("--ca", help="PEM certificate to trust, for https")
    parser.add_argument("--insecure", action="store_true", help="accept any certificate")
    parser.add_argument("--linger", type=float, help="exit after this many seconds")
    parser.add_argument("spacecraft", help="the spacecraft's identifier")
    parser.add_argument("ground_address", type=parse_csp_address,
                        help="CSP source address:port on the ground (e.g. 1:20)")
    parser.add_argument("payload_address", type=parse_csp_address,
                        help="CSP destination address:port on board (e.g. 10:11)")
    parser.add_argument("data", type=bytes.fromhex, help="the payload, in hex")
    args = parser.parse_args()
    if not args.api_key:
        parser.error("--api-key or SATNET_API_KEY is required")
    return args


def connect(args):
    """Opens the session with the key where --auth says (websockets 10 to 14+)."""
    base = args.url.rstrip("/").replace("http", "ws", 1)
    url = f"{base}/ws/mission/{quote(args.spacecraft, safe='')}/protocol/csp"
    headers, subprotocols = {}, [SUBPROTOCOL]
    if args.auth == "header":
        headers["Authorization"] = f"Bearer {args.api_key}"
    elif args.auth == "subprotocol":
        subprotocols.append(f"bearer.{args.api_key}")
    else:
        url += "?" + urlencode({"token": args.api_key})
    options = {"subprotocols": subprotocols}
    if url.startswith("wss:"):
        context = ssl.create_default_context(cafile=args.ca)
        if args.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        options["ssl"] = context
    # The argument was renamed when websockets 14 made its new asyncio client the default.
    major = int(websockets.__version__.split(".")[0])
    options["additional_headers" if major >= 14 else "extra_headers"] = headers
    print(f"Connecting to {url.split('?')[0]}...", flush=True)
    return websockets.connect(url, **options)


def describe(message):
    """One readable line for a message from the server."""
    kind = message.get("type")
    if kind == "message":
        data = b64decode(message["packet"])
        return (f"downlink {len(data)} bytes doppler={message['dopplerShiftHz']} Hz "
                f"gs={message['gsTimestamp']} slot={message['slotId']} "
                f"station={message['groundStation']} data={data.hex()}")
    if kind == "event":
        reason = f" ({message['reason']})" if message.get("reason") else ""
        return f"event {message['event']} slot={message['slotId']}{reason}"
    if kind == "ack":
        return f"ack {message['id']} slot={message['slotId']} doppler={message['dopplerShiftHz']} Hz"
    if kind == "error":
        return f"error {message['code']}: {message['message']}"
    return json.dumps(message)


async def session(args):
    """Returns the exit status."""
    refused = False
    async with connect(args) as ws:
        async def receive():
            nonlocal refused
            try:
                async for text in ws:  # ends when the server closes the session normally
                    print(f"Received: {text}", flush=True)
                    message = json.loads(text)
                    print(f"  {describe(message)}", flush=True)
                    refused = refused or message.get("type") == "error"
            except ConnectionClosedError:
                refused = True  # 1008 too many invalid messages, 1013 not reading, 1006 cut

        receiving = asyncio.ensure_future(receive())
        (ground, ground_port), (payload, payload_port) = args.ground_address, args.payload_address
        print(f"Sending CSP packet from {ground}:{ground_port} to {payload}:{payload_port}...",
              flush=True)
        packet = create_csp_packet(ground, ground_port, payload, payload_port, args.data)
        message = format_csp_message(packet, message_id=1)
        print(f"Sending: {message}", flush=True)
        await ws.send(message)
        try:
            await asyncio.wait_for(receiving, args.linger)
        except asyncio.TimeoutError:
            pass
    print(f"Closed: {ws.close_code} {ws.close_reason}".rstrip(), flush=True)
    return 1 if refused else 0


def main():
    args = parse_args()
    try:
        return asyncio.run(session(args))
    except InvalidHandshake as error:
        # 401/403/404/429: the server says why in a JSON body (websockets 14+ exposes it).
        response = getattr(error, "response", None)
        body = getattr(response, "body", b"") or b""
        print(f"refused: {error} {body.decode('utf-8', 'replace')}".rstrip(), file=sys.stderr)
        return 1
    except OSError as error:  # refused connections, TLS errors
        print(f"cannot connect to {args.url}: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
