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

"""Upload frames your station heard outside any slot, print what became of each.

    /usr/bin/python3 non_scheduled_example.py --host 127.0.0.1 --ca data/tls/gateway-dev-cert.pem \\
        --api-key snk_... --station VigoGS --frame 2030-01-01T10:00:00Z 94150a0062656163 ...

Exit status: 0 uploaded; 1 the server refused the upload (nothing stored); 3 no connection.
"""

import argparse
import os
import sys

from satnet_client import DEFAULT_PORT, ConnectionClosed, GatewayError, SatnetClient


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--api-key", default=os.environ.get("SATNET_API_KEY"),
                        help="API key (default: $SATNET_API_KEY)")
    parser.add_argument("--station", required=True, help="your ground station's identifier")
    parser.add_argument("--ca", help="PEM certificate to trust (the development certificate)")
    parser.add_argument("--insecure", action="store_true", help="accept any certificate")
    parser.add_argument("--frame", nargs=2, action="append", required=True,
                        metavar=("GS_TIMESTAMP", "HEX"), help="when it was heard, and the frame")
    args = parser.parse_args()
    if not args.api_key:
        parser.error("--api-key or SATNET_API_KEY is required")
    return args


def main():
    args = parse_args()
    try:
        client = SatnetClient(args.host, args.port, cafile=args.ca, insecure=args.insecure)
    except OSError as error:
        print(f"cannot connect: {error}", file=sys.stderr)
        return 3
    try:
        client.login(args.api_key)
        frames = [{"data": bytes.fromhex(data), "gsTimestamp": stamp} for stamp, data in args.frame]
        result = client.send_non_scheduled(args.station, frames)
    except GatewayError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    except ConnectionClosed as error:
        print(f"connection closed: {error}", file=sys.stderr)
        return 3
    finally:
        client.close()
    print(f"stored {result['stored']} duplicates {result['duplicates']} "
          f"attributed {result['attributed']}")
    for frame in result["frames"]:
        print(f"frame {frame['index']}: {frame['status']} id={frame['id']} "
              f"spacecraft={frame['spacecraft']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
