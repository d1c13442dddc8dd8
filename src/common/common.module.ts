// SPDX-License-Identifier: Apache-2.0
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { DomainEvents } from './domain-events';
import { Identifiers } from './identifiers';
import { JOB_TIMERS, JobRunner } from './jobs';
import { TransactionScope } from './transaction-scope';
@Global()
@Module({})
export class CommonModule {
  /**
   * `clock` replaces the system clock (tests move time instead of sleeping); `jobTimers` false
   * leaves periodic jobs to the test's `tick` (see JOB_TIMERS).
   */
  static forRoot(clock: Clock = new SystemClock(), jobTimers = true): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: Clock, useValue: clock },
        { provide: JOB_TIMERS, useValue: jobTimers },
        TransactionScope,
        DomainEvents,
        JobRunner,
        Identifiers,
      ],
      exports: [Clock, TransactionScope, DomainEvents, JobRunner, Identifiers],
    };
  }
}
