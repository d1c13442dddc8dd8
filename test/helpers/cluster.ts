// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { type BusHealth, MessageBus } from '../../src/bus/message-bus';
import { healthBecomes } from '../../src/bus/testing/health-becomes';
import { TcpProxy } from '../../src/bus/testing/tcp-proxy';
import { ManualClock } from '../../src/common/clock';
import { TestApp } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379/0';

/**
 * Several real instances of one network: one database, one clock, and the machine's Redis under
 * a key prefix of this cluster's own (other test files use the same Redis at the same time).
 */
export class TestCluster {
  private readonly proxies: TcpProxy[] = [];

  private constructor(
    readonly instances: TestApp[],
    readonly database: TestDatabase,
    readonly clock: ManualClock,
    readonly redisKeyPrefix: string,
  ) {}

  /**
   * Starts `names.length` instances one after the other (the first runs the migrations).
   * `env` applies to all; `redisUrl` may point at a proxy the test controls.
   */
  static async start(
    names: string[] = ['A', 'B'],
    env: Record<string, string> = {},
    redisUrl = TEST_REDIS_URL,
  ): Promise<TestCluster> {
    const database = await createTestDatabase();
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const redisKeyPrefix = `satnet-test:${randomUUID()}:`;
    const cluster = new TestCluster([], database, clock, redisKeyPrefix);
    for (const name of names) await cluster.add(name, { ...env, SATNET_REDIS_URL: redisUrl });
    return cluster;
  }

  /** Starts one more instance of this network. */
  async add(name: string, env: Record<string, string> = {}): Promise<TestApp> {
    const instance = await TestApp.start(
      {
        SATNET_REDIS_URL: TEST_REDIS_URL,
        SATNET_REDIS_KEY_PREFIX: this.redisKeyPrefix,
        SATNET_INSTANCE_ID: name,
        ...env,
      },
      this.database,
      this.clock,
    );
    this.instances.push(instance);
    return instance;
  }

  /** One more instance whose Redis goes through a proxy the test can cut (stopProxies ends it). */
  async addBehindProxy(name: string): Promise<{ instance: TestApp; proxy: TcpProxy }> {
    const proxy = new TcpProxy('127.0.0.1', 6379);
    this.proxies.push(proxy);
    const port = await proxy.start();
    const instance = await this.add(name, { SATNET_REDIS_URL: `redis://127.0.0.1:${port}/0` });
    return { instance, proxy };
  }

  /** Closes the proxies of addBehindProxy (their instances lose Redis for good). */
  async stopProxies(): Promise<void> {
    for (const proxy of this.proxies.splice(0)) await proxy.stop();
  }

  async stop(): Promise<void> {
    await this.stopProxies();
    await Promise.all(this.instances.splice(0).map((instance) => instance.stop()));
    await this.database.drop();
  }
}

/** Resolves once the instance's bus reports `wanted` (tests await it, never sleep). */
export function busHealth(instance: TestApp, wanted: BusHealth): Promise<void> {
  return healthBecomes(instance.app.get(MessageBus), wanted);
}
