// SPDX-License-Identifier: Apache-2.0
/** What a claim on a job's lease found: this instance holds it now, another does, or no answer. */
export type JobLeaseClaim = 'held' | 'elsewhere' | 'unavailable';

/**
 * Where network-wide jobs take their lease (JobRunner's `{ once: true }`): one holder per job
 * among the instances sharing the network. BusModule provides it over the MessageBus; without
 * one (the command-line tool) every job simply runs.
 */
export abstract class JobLeases {
  /** Takes the lease of `job` for this instance until clock-now + `ttlMs`, or renews it. */
  abstract claim(job: string, ttlMs: number): Promise<JobLeaseClaim>;

  /** Gives the lease of `job` up if this instance holds it. */
  abstract release(job: string): Promise<void>;
}
