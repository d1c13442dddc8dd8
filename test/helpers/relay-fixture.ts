// SPDX-License-Identifier: Apache-2.0
import { GatewayClient } from '../../src/client/gateway-client';
import { makeCspHeader } from '../../src/csp/csp-header';
import { buildCspFrame } from '../../src/csp/csp-frame';
import { spacecraftConfig, stationConfig } from './fixtures';
import type { TestApp } from './test-app';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

export interface ReservedSlot {
  slotId: string;
  start: Date;
  end: Date;
  stationKey: string;
  missionKey: string;
  station: string;
  spacecraft: string;
}

/** A station (autoConfirm) and a spacecraft, each with an API key, and a RESERVED slot between them. */
export async function reservedSlot(t: TestApp, prefix: string): Promise<ReservedSlot> {
  const gs = await t.operator(`${prefix}-gs`);
  const mission = await t.operator(`${prefix}-m`);
  const station = `${prefix}GS`;
  const spacecraft = `${prefix}SAT`;
  await t.http('POST', '/api/ground-stations', {
    token: gs.token,
    body: stationConfig(station, { autoConfirm: true }),
  });
  await t.http('POST', `/api/ground-stations/${station}/rules`, { token: gs.token, body: ALWAYS });
  await t.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig(spacecraft) });
  // The first pass over this fixture's own station: other tests' stations may see the spacecraft too.
  const slots = (await t.rpc('get_operational_slots', [spacecraft], mission.token)).result.OperationSlot as {
    identifier: string;
    gsIdentifier: string;
    slotStart: string;
    slotEnd: string;
  }[];
  const slot = slots.find((candidate) => candidate.gsIdentifier === station);
  if (!slot) throw new Error(`no slot of ${spacecraft} over ${station}`);
  const reserved = await t.rpc('select_slots', [spacecraft, [slot.identifier]], mission.token);
  if (reserved.result?.OperationSlot[0].state !== 'RESERVED') throw new Error(JSON.stringify(reserved));
  const key = async (token: string) =>
    (await t.http('POST', '/api/me/api-keys', { token, body: { name: 'client' } })).body.key as string;
  return {
    slotId: slot.identifier,
    start: new Date(slot.slotStart),
    end: new Date(slot.slotEnd),
    stationKey: await key(gs.token),
    missionKey: await key(mission.token),
    station,
    spacecraft,
  };
}

/** A logged-in gateway client over real TLS (the test app's development certificate). */
export async function gatewayClient(t: TestApp, apiKey?: string): Promise<GatewayClient> {
  const client = await GatewayClient.connect({
    host: '127.0.0.1',
    port: t.gatewayPort,
    insecure: true,
    keepAliveMs: 0,
  });
  if (apiKey) await client.login(apiKey);
  return client;
}

/** Resolves with the arguments of the next `event` the client emits. */
export function next<T extends unknown[]>(
  client: GatewayClient,
  event: 'notifyMsg' | 'notifyEvent' | 'close' | 'serverError',
): Promise<T> {
  return new Promise((resolve) => client.once(event, (...args: unknown[]) => resolve(args as T)));
}

/** CSP v1 frames that the fixture spacecraft (address 10, ports 10–11) accepts, and variants. */
export const frames = {
  downlink: (payload = 'telemetry', overrides = {}) =>
    Buffer.from(
      buildCspFrame(
        1,
        makeCspHeader({ source: 10, sourcePort: 10, destination: 1, destinationPort: 20, ...overrides }),
        Buffer.from(payload),
      ),
    ),
  uplink: (payload = 'telecommand', overrides = {}) =>
    Buffer.from(
      buildCspFrame(
        1,
        makeCspHeader({ source: 1, sourcePort: 20, destination: 10, destinationPort: 11, ...overrides }),
        Buffer.from(payload),
      ),
    ),
};
