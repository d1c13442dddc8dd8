// SPDX-License-Identifier: Apache-2.0
/**
 * The only source of "now" for domain code: tests replace it with a clock they move by hand,
 * so no rule that depends on time needs a sleep to be tested.
 */
export abstract class Clock {
  abstract now(): Date;

  nowMs(): number {
    return this.now().getTime();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to; used by tests and benchmarks. */
export class ManualClock extends Clock {
  private current: number;

  constructor(start: Date | string = '2030-01-01T00:00:00Z') {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(time: Date | string): void {
    this.current = new Date(time).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
