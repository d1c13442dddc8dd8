// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { type JobLeaseClaim, JobLeases } from '../common/job-leases';
import { BusUnavailableError, MessageBus } from './message-bus';

/** Job leases on the bus: the lease `job:<name>`, held by this instance's id. */
@Injectable()
export class BusJobLeases extends JobLeases {
  constructor(private readonly bus: MessageBus) {
    super();
  }

  async claim(job: string, ttlMs: number): Promise<JobLeaseClaim> {
    try {
      return (await this.bus.claim(leaseKey(job), this.bus.instanceId, ttlMs)) ? 'held' : 'elsewhere';
    } catch (error) {
      if (error instanceof BusUnavailableError) return 'unavailable';
      throw error;
    }
  }

  release(job: string): Promise<void> {
    return this.bus.release(leaseKey(job), this.bus.instanceId);
  }
}

function leaseKey(job: string): string {
  return `job:${job}`;
}
