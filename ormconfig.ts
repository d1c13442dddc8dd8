// SPDX-License-Identifier: Apache-2.0
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from './src/config/app-config';
import { buildDataSourceOptions } from './src/database/data-source-options';
import { ENTITIES } from './src/entities';

/** The DataSource the TypeORM CLI uses (`npm run migration:run|revert|show`). */
export const dataSource = new DataSource(
  buildDataSourceOptions(loadAppConfig({ env: process.env, argv: process.argv }).database, ENTITIES),
);
