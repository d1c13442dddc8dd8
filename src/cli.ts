// SPDX-License-Identifier: Apache-2.0
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { AccountsService } from './accounts/accounts.service';
import { createCommandContext } from './app';
import { DomainError } from './common/errors';
import { ConfigError, loadAppConfig } from './config/app-config';
import { readProcessEnvironment } from './config/process-env';

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  admin:create --username <name> --email <address> --password <password> [--organisation <name>]
      Create an active administrator account (the password may instead come from SATNET_ADMIN_PASSWORD).

Every command reads the same configuration as the server (environment, --config <file>).`;

/** Runs one command; returns the process exit code. Output goes to the given writer. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void = console.log,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'admin:create') {
    print(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      organisation: { type: 'string', default: 'SATNet administration' },
      config: { type: 'string' },
    },
  });
  const password = values.password ?? env.SATNET_ADMIN_PASSWORD;
  if (!values.username || !values.email || !password) {
    print('admin:create needs --username, --email and --password (or SATNET_ADMIN_PASSWORD)');
    return 2;
  }
  const config = loadAppConfig({ env, argv: values.config ? ['--config', values.config] : [] });
  const context = await createCommandContext(config);
  try {
    const admin = await context.get(AccountsService).createAdmin({
      username: values.username,
      email: values.email,
      password,
      organisation: values.organisation,
    });
    print(`created admin ${admin.username} <${admin.email}>`);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    print(`admin:create failed: ${error.message}`);
    return 1;
  } finally {
    await context.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), readProcessEnvironment())
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      Logger.flush();
      console.error(error instanceof ConfigError ? error.message : error);
      process.exit(1);
    });
}
