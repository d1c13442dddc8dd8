// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { OPTIONS, type OptionSpec } from './config-schema';

export interface AppConfig {
  http: {
    host: string;
    port: number;
    publicUrl: string;
    rateLimitPerIp: number;
    rateLimitPerUser: number;
    rateLimitWindowSeconds: number;
    trustProxy: string | null;
    consoleDir: string;
  };
  database: { url: string; migrate: boolean; logQueries: boolean; sqliteSynchronous: 'NORMAL' | 'FULL' };
  log: { level: string };
  auth: {
    sessionTtlMinutes: number;
    passwordMinLength: number;
    throttleLimit: number;
    throttleWindowSeconds: number;
  };
  admin: { username: string; email: string | null; password: string | null };
  mail: { smtpUrl: string | null; from: string; outboxDir: string };
  orbit: {
    tleMaxAgeDays: number;
    tleRefreshMinutes: number;
    tleFetchTimeoutMs: number;
    minPassSeconds: number;
    maxPassWindowDays: number;
  };
  gateway: {
    enabled: boolean;
    host: string;
    port: number;
    certFile: string | null;
    keyFile: string | null;
    tlsDir: string;
    loginTimeoutMs: number;
    maxLoginFailures: number;
    heartbeatSeconds: number;
    idleTimeoutSeconds: number;
    maxMessageBytes: number;
    maxBufferedBytes: number;
  };
  booking: {
    holdMinutes: number;
    horizonDays: number;
    minSlotSeconds: number;
    rescheduleToleranceSeconds: number;
    replanMinutes: number;
  };
  relay: {
    maxCspFrameBytes: number;
    earlyStartMinutes: number;
    packetLogBatchSize: number;
    packetLogFlushMs: number;
    packetLogMaxQueue: number;
    maxClockSkewSeconds: number;
    maxSessionBytesPerSecond: number;
    resumeMaxFrames: number;
    presenceTtlSeconds: number;
  };
  nonScheduled: {
    maxFramesPerUpload: number;
    stationBytesPerSecond: number;
    passMarginSeconds: number;
  };
  websocket: {
    maxSessionsPerMission: number;
    maxMessageBytes: number;
    maxBufferedBytes: number;
    pingSeconds: number;
    maxInvalidMessages: number;
    replayMaxSubscriptions: number;
  };
  archive: { packetRetentionDays: number };
  cluster: { redisUrl: string | null; redisKeyPrefix: string; instanceId: string | null };
  metrics: { token: string | null };
}

/** Start-up stops with this: every bad value, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export interface ConfigSources {
  env: Record<string, string | undefined>;
  /** Command-line arguments; `--config <file>` names a JSON config file. */
  argv?: readonly string[];
}

type Value = string | number | boolean | null;
type Parsed = { value: Value } | { problem: string };

export function loadAppConfig(sources: ConfigSources): AppConfig {
  const problems: string[] = [];
  const file = readConfigFile(sources, problems);
  const result: Record<string, Record<string, Value>> = {};
  for (const option of OPTIONS) {
    const [section, name] = option.key.split('.');
    const parsed = resolveOption(option, sources.env, file);
    if ('problem' in parsed) problems.push(parsed.problem);
    else (result[section] ??= {})[name] = parsed.value;
  }
  problems.push(...unknownFileKeys(file));
  if (problems.length > 0) throw new ConfigError(problems);
  return result as unknown as AppConfig;
}

function readConfigFile(sources: ConfigSources, problems: string[]): Record<string, unknown> {
  const path = configFilePath(sources);
  if (!path) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problems.push(`config file ${path}: must hold a JSON object`);
      return {};
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    problems.push(`config file ${path}: ${(error as Error).message}`);
    return {};
  }
}

function configFilePath(sources: ConfigSources): string | undefined {
  const argv = sources.argv ?? [];
  const index = argv.indexOf('--config');
  if (index >= 0) return argv[index + 1];
  const inline = argv.find((arg) => arg.startsWith('--config='));
  return inline ? inline.slice('--config='.length) : sources.env.SATNET_CONFIG;
}

function fileValue(file: Record<string, unknown>, key: string): unknown {
  const [section, name] = key.split('.');
  const group = file[section];
  return typeof group === 'object' && group !== null ? (group as Record<string, unknown>)[name] : undefined;
}

function unknownFileKeys(file: Record<string, unknown>): string[] {
  const known = new Set(OPTIONS.map((option) => option.key));
  const sections = new Set(OPTIONS.map((option) => option.key.split('.')[0]));
  const problems: string[] = [];
  for (const [section, group] of Object.entries(file)) {
    if (!sections.has(section)) problems.push(`config file: unknown section "${section}"`);
    else if (typeof group !== 'object' || group === null)
      problems.push(`config file: "${section}" must be an object`);
    else
      for (const name of Object.keys(group))
        if (!known.has(`${section}.${name}`))
          problems.push(`config file: unknown option "${section}.${name}"`);
  }
  return problems;
}

function resolveOption(option: OptionSpec, env: ConfigSources['env'], file: Record<string, unknown>): Parsed {
  const fromEnv = env[option.env];
  if (fromEnv !== undefined && fromEnv !== '') return parseValue(option, fromEnv, option.env);
  const fromFile = fileValue(file, option.key);
  if (fromFile !== undefined && fromFile !== null)
    return parseValue(option, fromFile, `${option.key} (config file)`);
  return { value: option.default };
}

function parseValue(option: OptionSpec, raw: unknown, where: string): Parsed {
  const shown = option.secret ? '(hidden)' : JSON.stringify(raw);
  const fail = (expected: string): Parsed => ({ problem: `${where}: expected ${expected}, got ${shown}` });
  switch (option.type) {
    case 'int': {
      const value = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw).trim()) ? Number(raw) : NaN;
      const range = `an integer from ${option.min ?? '-∞'} to ${option.max ?? '∞'}`;
      if (!Number.isInteger(value)) return fail(range);
      if (
        (option.min !== undefined && value < option.min) ||
        (option.max !== undefined && value > option.max)
      )
        return fail(range);
      return { value };
    }
    case 'bool': {
      const text = String(raw).trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(text)) return { value: true };
      if (['false', '0', 'no', 'off'].includes(text)) return { value: false };
      return fail('true or false');
    }
    case 'enum':
      return option.choices?.includes(String(raw))
        ? { value: String(raw) }
        : fail(`one of ${option.choices?.join(', ')}`);
    case 'url':
      return URL.canParse(String(raw)) ? { value: String(raw) } : fail('a URL');
    case 'string':
    case 'path':
      return typeof raw === 'string' || typeof raw === 'number' ? { value: String(raw) } : fail('a string');
  }
}
