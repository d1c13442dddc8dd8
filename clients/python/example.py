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

"""Log in, start a session on a slot, send one frame, print what arrives until the slot ends.

    /usr/bin/python3 example.py --host 127.0.0.1 --ca data/tls/gateway-dev-cert.pem \\
        --api-key snk_... --slot <slotId> --frame 8a0b2c01cafe

Exit status: 0 the slot ended (or Ctrl-C); 1 the server refused something; 3 no connection.
"""

import argparse
import os
import sys
from datetime import datetime, timezone

from satnet_client import (CLIENTS_COINCIDE, DEFAULT_PORT, SLOT_END, START_REMOTE_NAMES,
                           ConnectionClosed, GatewayError, SatnetClient)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--api-key", default=os.environ.get("SATNET_API_KEY"),
                        help="API key (default: $SATNET_API_KEY)")
    parser.add_argument("--slot", required=True, help="the reserved slot's id")
    parser.add_argument("--side", choices=["station", "mission"],
                        help="only when you own both the station and the spacecraft")
    parser.add_argument("--ca", help="PEM certificate to trust (the development certificate)")
    parser.add_argument("--fingerprint", help="SHA-256 fingerprint of the server certificate")
    parser.add_argument("--insecure", action="store_true", help="accept any certificate")
    parser.add_argument("--frame", required=True, help="the CSP frame to send, in hex")
    parser.add_argument("--last-seq", type=int,
                        help="resume: the seq of the last frame received in this slot before a drop")
    args = parser.parse_args()
    if not args.api_key:
        parser.error("--api-key or SATNET_API_KEY is required")
    return args


def print_frame(data, doppler_hz, gs_timestamp, seq):
    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    print(f"recv {len(data)} bytes doppler={doppler_hz} Hz gs={gs_timestamp} local={now} "
          f"data={data.hex()} seq={seq}", flush=True)


def main():
    args = parse_args()
    try:
        client = SatnetClient(args.host, args.port, cafile=args.ca, fingerprint=args.fingerprint,
                              insecure=args.insecure)
    except OSError as error:  # includes ssl.SSLError and refused connections
        print(f"cannot connect to {args.host}:{args.port}: {error}", file=sys.stderr)
        return 3
    slot_ended = []
    client.on_msg = lambda data, doppler_hz, gs_timestamp: print_frame(
        data, doppler_hz, gs_timestamp, client.last_seq)
    client.on_event = lambda event_id, name: (
        print(f"event {name} ({event_id})", flush=True),
        event_id == SLOT_END and slot_ended.append(True))
    client.on_error = lambda error: print(f"server error {error['code']}: {error['message']}",
                                          file=sys.stderr)
    try:
        print(f"logged in as {client.login(args.api_key)}")
        code = client.start_remote(args.slot, args.side, args.last_seq)
        print(f"startRemote {args.slot}: {START_REMOTE_NAMES.get(code, code)} ({code})")
        if code == CLIENTS_COINCIDE:
            return 1
        result = client.send_msg(bytes.fromhex(args.frame))
        delivered = "delivered" if result["delivered"] else "not delivered"
        print(f"sent {len(bytes.fromhex(args.frame))} bytes: {delivered} "
              f"doppler={result['dopplerShift']} Hz gs={result['gsTimestamp']}", flush=True)
        while not slot_ended and client.poll(1.0):
            pass
        client.poll(0.5)  # the server closes the connection right after SLOT_END
        return 0 if slot_ended else 1
    except GatewayError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    except ConnectionClosed as error:
        print(f"connection closed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        client.end_remote()
        return 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
