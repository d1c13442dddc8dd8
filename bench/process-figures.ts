// SPDX-License-Identifier: Apache-2.0
/**
 * Figures a bench takes of the processes doing the work, beside the wall clock (which on a shared
 * machine says as much about the neighbours): the database server's CPU time, and a CPU profile
 * of this process (the server, in the benches that run it in-process).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * CPU seconds used so far by the local MariaDB/MySQL server process, or null when none runs here
 * (SQLite runs inside this process: its time is the server's CPU). Linux /proc only.
 */
export function databaseCpuSeconds(kind: string): number | null {
  if (kind !== 'mysql') return null;
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!/^\d+ \((mariadbd|mysqld)\)/.test(stat)) continue;
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
    }
  } catch {
    return null; // no /proc: not Linux
  }
  return null;
}

/** Profiles this process (the server) while `work` runs, when BENCH_CPU_PROFILE names a file. */
export async function profiled<T>(work: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`  server CPU profile: ${file}`);
  }
}
