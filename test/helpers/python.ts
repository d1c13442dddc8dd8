// SPDX-License-Identifier: Apache-2.0
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Debian's interpreter, with Debian's python3-msgpack and python3-websockets (.ci/run installs them). */
export const PYTHON = '/usr/bin/python3';

/**
 * Throws, naming the Debian package, when PYTHON cannot import `module`: without it an example
 * dies at import and its test would only time out.
 */
export function requirePythonModule(module: string, debianPackage: string): void {
  const probe = spawnSync(PYTHON, ['-c', `import ${module}`]);
  if (probe.status !== 0)
    throw new Error(`${PYTHON} cannot import ${module}: apt-get install ${debianPackage} (.ci/run does)`);
}

/** One run of a script of clients/python/, its output collected as it comes. */
export class PythonRun {
  output = '';
  errors = '';
  readonly exited: Promise<number | null>;
  private readonly process: ChildProcess;

  constructor(script: string, args: string[]) {
    this.process = spawn(PYTHON, [join(__dirname, '../../clients/python', script), ...args]);
    this.process.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.process.stderr?.on('data', (chunk: Buffer) => (this.errors += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.on('close', resolve));
  }

  /** Resolves once the standard output matches `pattern`. */
  printed(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!pattern.test(this.output)) return;
        this.process.stdout?.off('data', check);
        resolve();
      };
      this.process.stdout?.on('data', check);
      check();
    });
  }

  /** Ends the script if it is still running (a failed test must not leave it behind). */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill();
  }
}
