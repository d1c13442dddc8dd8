// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/common/clock';
import { TestApp } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379/0';

/**
 * Several real instances of one network: one database, one clock, and the machine's Redis under
 * a key prefix of this cluster's own (other test files use the same Redis at the same time).
 */
export class TestCluster {
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

  async stop(): Promise<void> {
    await Promise.all(this.instances.splice(0).map((instance) => instance.stop()));
    await this.database.drop();
  }
}
