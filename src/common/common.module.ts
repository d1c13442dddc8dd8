// SPDX-License-Identifier: Apache-2.0
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { DomainEvents } from './domain-events';
import { Identifiers } from './identifiers';
import { JobRunner } from './jobs';
import { TransactionScope } from './transaction-scope';
@Global()
@Module({})
export class CommonModule {
  /** `clock` replaces the system clock (tests move time instead of sleeping). */
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: Clock, useValue: clock },
        TransactionScope,
        DomainEvents,
        JobRunner,
        Identifiers,
      ],
      exports: [Clock, TransactionScope, DomainEvents, JobRunner, Identifiers],
    };
  }
}
