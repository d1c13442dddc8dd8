// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from './clock';

/** What a job does; may be synchronous. A throw or a rejection is logged, never propagated. */
export type JobWork = () => unknown;
/** Extra fields for the log line when the work fails (ids, never secrets or payloads). */
export type JobContext = Record<string, unknown>;

/** How long shutdown waits for runs still under way before it gives up on them. */
export const JOB_SHUTDOWN_WAIT_MS = 10_000;

interface PeriodicJob {
  readonly name: string;
  readonly work: JobWork;
  readonly timer: NodeJS.Timeout;
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
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `work` every `intervalMs` until shutdown. One job per name. */
  every(name: string, intervalMs: number, work: JobWork): void {
    if (this.periodic.has(name)) throw new Error(`a job named "${name}" is already scheduled`);
    if (this.stopped) return;
    const timer = setInterval(() => this.start(name), intervalMs).unref();
    this.periodic.set(name, { name, work, timer });
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
    if (running.length === 0) return;
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
