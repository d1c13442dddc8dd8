/**
 * Every configuration option in one table: its JSON-file key, its environment variable, its type,
 * its default and what it does. The loader validates against it and the README lists it.
 */
export type OptionType = 'string' | 'int' | 'bool' | 'url' | 'enum' | 'path';

export interface OptionSpec {
  key: string;
  env: string;
  type: OptionType;
  default: string | number | boolean | null;
  description: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** A secret is never echoed back in error messages. */
  secret?: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'http.host',
    env: 'SATNET_HTTP_HOST',
    type: 'string',
    default: '0.0.0.0',
    description: 'Address the HTTP server (REST, JSON-RPC, docs) binds to.',
  },
  {
    key: 'http.port',
    env: 'SATNET_HTTP_PORT',
    type: 'int',
    min: 0,
    max: 65535,
    default: 8080,
    description: 'HTTP port (0 picks a free port).',
  },
  {
    key: 'http.publicUrl',
    env: 'SATNET_PUBLIC_URL',
    type: 'url',
    default: 'http://localhost:8080',
    description: 'Base URL used in emails sent to users.',
  },
  {
    key: 'database.url',
    env: 'DATABASE_URL',
    type: 'string',
    default: 'sqlite:./data/satnet.sqlite',
    description: 'Database: `sqlite:<file>` (embedded default) or `mysql://user:pass@host:3306/db`.',
    secret: true,
  },
  {
    key: 'database.migrate',
    env: 'SATNET_DB_MIGRATE',
    type: 'bool',
    default: true,
    description: 'Run pending migrations at start-up.',
  },
  {
    key: 'database.logQueries',
    env: 'SATNET_DB_LOG_QUERIES',
    type: 'bool',
    default: false,
    description: 'Log every SQL statement (debugging only).',
  },
  {
    key: 'log.level',
    env: 'SATNET_LOG_LEVEL',
    type: 'enum',
    choices: LOG_LEVELS,
    default: 'info',
    description: 'Log level of the structured (pino) log.',
  },
  {
    key: 'auth.sessionTtlMinutes',
    env: 'SATNET_SESSION_TTL_MINUTES',
    type: 'int',
    min: 1,
    max: 525600,
    default: 1440,
    description: 'Lifetime of a login token.',
  },
  {
    key: 'auth.passwordMinLength',
    env: 'SATNET_PASSWORD_MIN_LENGTH',
    type: 'int',
    min: 8,
    max: 128,
    default: 10,
    description: 'Minimum password length.',
  },
  {
    key: 'auth.throttleLimit',
    env: 'SATNET_AUTH_THROTTLE_LIMIT',
    type: 'int',
    min: 1,
    max: 100000,
    default: 10,
    description: 'Login or registration attempts allowed per client address per window.',
  },
  {
    key: 'auth.throttleWindowSeconds',
    env: 'SATNET_AUTH_THROTTLE_WINDOW_SECONDS',
    type: 'int',
    min: 1,
    max: 86400,
    default: 60,
    description: 'Length of the throttling window.',
  },
  {
    key: 'admin.username',
    env: 'SATNET_ADMIN_USERNAME',
    type: 'string',
    default: 'admin',
    description: 'Username of the first admin created at start-up.',
  },
  {
    key: 'admin.email',
    env: 'SATNET_ADMIN_EMAIL',
    type: 'string',
    default: null,
    description: 'With SATNET_ADMIN_PASSWORD: create this admin at start-up if no admin exists.',
  },
  {
    key: 'admin.password',
    env: 'SATNET_ADMIN_PASSWORD',
    type: 'string',
    default: null,
    description: 'Password of that first admin.',
    secret: true,
  },
  {
    key: 'mail.smtpUrl',
    env: 'SATNET_SMTP_URL',
    type: 'url',
    default: null,
    description:
      'SMTP server, e.g. `smtp://user:pass@mail.example.org:587`. Unset: messages are written to the outbox directory.',
    secret: true,
  },
  {
    key: 'mail.from',
    env: 'SATNET_MAIL_FROM',
    type: 'string',
    default: 'SATNet N-Server <no-reply@satnet.invalid>',
    description: 'Sender of every email.',
  },
  {
    key: 'mail.outboxDir',
    env: 'SATNET_OUTBOX_DIR',
    type: 'path',
    default: './data/outbox',
    description: 'Where `.eml` files go when no SMTP server is configured.',
  },
];
