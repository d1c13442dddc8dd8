// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Clock } from './clock';
import { JobLeases } from './job-leases';

/** What a job does; may be synchronous. A throw or a rejection is logged, never propagated. */
export type JobWork = () => unknown;
/** Extra fields for the log line when the work fails (ids, never secrets or payloads). */
export type JobContext = Record<string, unknown>;

/** How long shutdown waits for runs still under way before it gives up on them. */
export const JOB_SHUTDOWN_WAIT_MS = 10_000;

/**
 * Injection token: false gives a runner whose periodic jobs run only when `tick(name)` is called.
 * For tests whose script must not meet a run that real time started (docs replayed to the change).
 */
export const JOB_TIMERS = Symbol('JOB_TIMERS');

/**
 * A network-wide job's lease lasts this many intervals. Its holder renews it on each run; when
 * the holder dies, another instance takes over at its first run after the lease expired, so
 * within (JOB_LEASE_INTERVALS + 1) intervals (README "Scaling out").
 */
export const JOB_LEASE_INTERVALS = 3;

export interface JobOptions {
  /**
   * Network-wide work (sweeps, purges, refreshes of shared data): when several instances share
   * the bus, it runs on one of them at a time, the holder of the job's lease (JobLeases).
   */
  once?: boolean;
}

interface PeriodicJob {
  readonly name: string;
  readonly work: JobWork;
  /** Absent when the runner has no timers (JOB_TIMERS false): the job runs only when ticked. */
  readonly timer?: NodeJS.Timeout;
  /** The run under way, if any: a tick meanwhile is skipped, so a job never overlaps itself. */
  running?: Promise<void>;
  startedAtMs?: number;
}

/**
 * The one way to run work outside a request (STYLE "Background work"): periodic jobs and
 * fire-and-forget tasks. Every run is caught and logged with the job's name, so a failing job
 * leaves the server serving; a periodic job skips a tick while its previous run still goes on.
 *
 * Timers are real (unref'd, they never keep the process alive) and only decide when to run;
 * tests call `tick(name)`, which runs the job exactly as its timer would, and awaits it.
 *
 * Shutdown: CommonModule is global, so Nest destroys it after the feature modules; the runner
 * then stops every timer and waits (at most JOB_SHUTDOWN_WAIT_MS) for the runs under way, before
 * the database closes (TypeORM closes it in onApplicationShutdown, which comes later).
 */
@Injectable()
export class JobRunner implements OnModuleDestroy {
  private readonly logger = new Logger(JobRunner.name);
  private readonly periodic = new Map<string, PeriodicJob>();
  private readonly inFlight = new Map<Promise<void>, string>();
  /** Once-jobs whose lease this instance holds, given up at shutdown so another takes over at once. */
  private readonly leases = new Set<string>();
  private stopped = false;

  /** `jobLeases`: absent in the command-line tool, which runs no periodic job. */
  constructor(
    private readonly clock: Clock,
    @Optional() private readonly jobLeases?: JobLeases,
    @Optional() @Inject(JOB_TIMERS) private readonly timers: boolean = true,
  ) {}

  /** Runs `work` every `intervalMs` until shutdown. One job per name. */
  every(name: string, intervalMs: number, work: JobWork, options: JobOptions = {}): void {
    if (this.periodic.has(name)) throw new Error(`a job named "${name}" is already scheduled`);
    if (this.stopped) return;
    const timer = this.timers ? setInterval(() => this.start(name), intervalMs).unref() : undefined;
    const run = options.once ? this.whileLeased(name, intervalMs, work) : work;
    this.periodic.set(name, { name, work: run, timer });
  }

  /**
   * Runs `work` (or watches a promise already started) without anyone awaiting it; a failure is
   * logged with `name` and `context`. Shutdown waits for it like for a periodic run.
   */
  fireAndForget(name: string, work: JobWork | Promise<unknown>, context: JobContext = {}): void {
    this.track(name, typeof work === 'function' ? work : () => work, context);
  }

  /**
   * Runs the periodic job `name` now, as its timer does: resolves when the run ends, or when the
   * run already under way ends (the tick is then skipped). Never rejects.
   */
  tick(name: string): Promise<void> {
    const job = this.periodic.get(name);
    if (!job) throw new Error(`no job named "${name}" is scheduled`);
    this.run(job);
    return job.running ?? Promise.resolve();
  }

  /** Names of the periodic jobs scheduled (for tests and diagnostics). */
  get scheduled(): string[] {
    return [...this.periodic.keys()];
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop(JOB_SHUTDOWN_WAIT_MS);
  }

  /** Stops every timer, then waits up to `waitMs` for the runs under way. Idempotent. */
  async stop(waitMs: number): Promise<void> {
    this.stopped = true;
    for (const job of this.periodic.values()) clearInterval(job.timer);
    const running = [...this.inFlight.keys()];
    if (running.length === 0 || (await this.waitFor(running, waitMs))) await this.releaseLeases();
  }

  /** True when `running` all ended within `waitMs`; otherwise logs the jobs still going. */
  private async waitFor(running: Promise<void>[], waitMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), waitMs)));
    const finished = Promise.all(running).then(() => false);
    const gaveUp = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (gaveUp)
      this.logger.warn(
        { jobs: [...this.inFlight.values()], waitedMs: waitMs },
        'shutting down while background jobs still run; not waiting for them any longer',
      );
    return !gaveUp;
  }

  /**
   * Gives up the leases of once-jobs once their runs ended: another instance runs them next. (A
   * run still going at the deadline keeps its lease, which then expires by itself.)
   */
  private async releaseLeases(): Promise<void> {
    const jobLeases = this.jobLeases;
    if (!jobLeases) return;
    const jobs = [...this.leases];
    this.leases.clear();
    await Promise.all(
      jobs.map((job) =>
        jobLeases.release(job).catch((error: unknown) =>
          // The lease then expires by itself (JOB_LEASE_INTERVALS).
          this.logger.warn({ err: error, job }, 'could not give up a job lease at shutdown'),
        ),
      ),
    );
  }

  /**
   * `work` wrapped to run only on the instance holding the job's lease, which each run takes or
   * renews. While the lease store is unavailable the run is skipped: running it everywhere would
   * break "once", and nothing correct depends on these jobs running on time.
   */
  private whileLeased(name: string, intervalMs: number, work: JobWork): JobWork {
    return async () => {
      if (!this.jobLeases) return work();
      const claim = await this.jobLeases.claim(name, JOB_LEASE_INTERVALS * intervalMs);
      switch (claim) {
        case 'held':
          this.leases.add(name);
          return work();
        case 'elsewhere':
          this.leases.delete(name);
          this.logger.debug({ job: name }, 'another instance holds this job; run skipped');
          return;
        case 'unavailable':
          this.logger.warn({ job: name }, `job "${name}" skipped: the instances' bus is unavailable`);
          return;
      }
    };
  }

  private readonly start = (name: string): void => {
    const job = this.periodic.get(name);
    if (job) this.run(job);
  };

  private run(job: PeriodicJob): void {
    if (job.running) {
      const runningForMs = this.clock.nowMs() - (job.startedAtMs ?? 0);
      this.logger.debug({ job: job.name, runningForMs }, 'previous run still going; tick skipped');
      return;
    }
    if (this.stopped) return;
    job.startedAtMs = this.clock.nowMs();
    this.track(job.name, job.work, {}, job);
  }

  /** Starts `work` and keeps it in `inFlight` (and in `job.running`) until it settles. */
  private track(name: string, work: JobWork, context: JobContext, job?: PeriodicJob): void {
    const run: Promise<void> = this.execute(name, work, context).finally(() => {
      this.inFlight.delete(run);
      if (job) job.running = undefined;
    });
    this.inFlight.set(run, name);
    if (job) job.running = run;
  }

  private async execute(name: string, work: JobWork, context: JobContext): Promise<void> {
    const startedAtMs = this.clock.nowMs();
    try {
      await work();
    } catch (error) {
      this.logger.error(
        { err: error, job: name, ...context, durationMs: this.clock.nowMs() - startedAtMs },
        `background job "${name}" failed; the server carries on`,
      );
    }
  }
}
