// SPDX-License-Identifier: Apache-2.0
/**
 * The real server entry (src/main.ts, as `npm run start:dev` runs it) in a child process, for
 * tests and benches that must see what a deployment sees: an event loop of its own, the system
 * clock, configuration only by environment, and a process that can be killed (SIGKILL) for real.
 * Several instances of one network share a database and the local Redis under a key prefix of
 * their own (ProcessCluster).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long an instance may take to listen (ts-node compiles the sources first). */
const START_TIMEOUT_MS = 120_000;
/** How long a graceful stop (SIGTERM: sessions drained, packet log flushed) may take. */
const STOP_TIMEOUT_MS = 30_000;
/** The output kept (its end): for an error message, and for what a stopped process said last. */
const KEPT_OUTPUT_CHARS = 20_000;
/** Linux's clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on every architecture Node runs on). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface AppProcessOptions {
  /** The instance's name (SATNET_INSTANCE_ID). */
  name: string;
  /** DATABASE_URL, SATNET_* settings; ports, TLS and outbox directories are chosen here. */
  env: Record<string, string>;
  /** Writes a V8 CPU profile (node --cpu-prof) into this directory when the process exits. */
  cpuProfileDir?: string;
}

/** One server process, listening on ports of its own on 127.0.0.1. */
export class AppProcess {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly httpPort: number,
    readonly gatewayPort: number,
    private readonly exited: Promise<void>,
    private readonly scratch: string,
    private readonly printed: () => string,
  ) {}

  /** Starts the process and resolves once both its HTTP server and its TLS gateway listen. */
  static async start({ name, env, cpuProfileDir }: AppProcessOptions): Promise<AppProcess> {
    const scratch = mkdtempSync(join(tmpdir(), `satnet-app-${name}-`));
    const profiling = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
    const child = spawn(
      process.execPath,
      [...profiling, '-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        cwd: join(__dirname, '..', '..'),
        env: {
          ...process.env,
          SATNET_LOG_LEVEL: 'info', // the listening lines say the ports
          ...env,
          SATNET_INSTANCE_ID: name,
          SATNET_HTTP_HOST: '127.0.0.1',
          SATNET_HTTP_PORT: '0',
          SATNET_GATEWAY_HOST: '127.0.0.1',
          SATNET_GATEWAY_PORT: '0',
          SATNET_TLS_DIR: join(scratch, 'tls'),
          SATNET_OUTBOX_DIR: join(scratch, 'outbox'),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    // 'close', not 'exit': by then its output has been read to the end.
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    let output = '';
    // Read on to the end: a full pipe would block the server's logging, and with it the server.
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
    });
    try {
      const [httpPort, gatewayPort] = await listening(child, name, () => output);
      return new AppProcess(name, child, httpPort, gatewayPort, exited, scratch, () => output);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      rmSync(scratch, { recursive: true, force: true });
      throw error;
    }
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** CPU time (user + system, µs) the process has used so far; undefined where /proc is missing. */
  cpuMicros(): number | undefined {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces, in parentheses): utime is the 14th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      return (ticks * 1e6) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }

  /** Its GET /metrics, as text. */
  async metrics(): Promise<string> {
    const response = await fetch(`${this.baseUrl}/metrics`);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${this.name}: GET /metrics: ${response.status} ${text}`);
    return text;
  }

  /** The end of what it printed so far (its last KEPT_OUTPUT_CHARS characters). */
  output(): string {
    return this.printed();
  }

  /** Its exit code once it has exited (null while it runs, or when a signal ended it). */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** A hard kill (SIGKILL): no goodbye to anyone, nothing flushed. Resolves once it is gone. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  /** A graceful stop (SIGTERM), as an orchestrator stops it; SIGKILL if it does not end in time. */
  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  private async end(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** The ports in the start-up log, once both are there; rejects if the process exits first. */
function listening(child: ChildProcess, name: string, output: () => string): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not listen within ${START_TIMEOUT_MS} ms:\n${output()}`)),
      START_TIMEOUT_MS,
    );
    const exit = (code: number | null) =>
      reject(new Error(`${name} exited (${code}) before listening:\n${output()}`));
    child.once('exit', exit);
    const read = () => {
      const http = /N-Server listening on http:\/\/[^\s]+:(\d+)/.exec(output())?.[1];
      const gateway = /TLS gateway listening on [^\s]+:(\d+)/.exec(output())?.[1];
      if (!http || !gateway) return;
      clearTimeout(timer);
      child.off('exit', exit);
      child.stdout?.off('data', read);
      resolve([Number(http), Number(gateway)]);
    };
    child.stdout?.on('data', read);
  });
}

/** Instances of one network: one database, the local Redis under a key prefix of their own. */
export class ProcessCluster {
  private constructor(readonly instances: AppProcess[]) {}

  /**
   * Starts the instances one after the other (on an empty database the first runs the
   * migrations). `env` applies to all; it must name DATABASE_URL and SATNET_REDIS_URL.
   */
  static async start(
    names: string[],
    env: Record<string, string>,
    options: { cpuProfileDir?: string } = {},
  ): Promise<ProcessCluster> {
    const cluster = new ProcessCluster([]);
    const shared = { SATNET_REDIS_KEY_PREFIX: `satnet-cluster:${randomUUID()}:`, ...env };
    try {
      for (const name of names)
        cluster.instances.push(await AppProcess.start({ name, env: shared, ...options }));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  async stop(): Promise<void> {
    await Promise.all(this.instances.splice(0).map((instance) => instance.stop()));
  }
}
