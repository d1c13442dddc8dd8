// SPDX-License-Identifier: Apache-2.0
import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { installProcessSafetyNet } from './process-safety-net';

describe('installProcessSafetyNet', () => {
  let target: EventEmitter;
  let exit: jest.Mock;
  let errors: jest.SpyInstance;
  let fatals: jest.SpyInstance;

  beforeEach(() => {
    target = new EventEmitter();
    exit = jest.fn();
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    fatals = jest.spyOn(Logger.prototype, 'fatal').mockImplementation(() => undefined);
    installProcessSafetyNet(target, exit);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs an unhandled rejection and keeps the process running', () => {
    const reason = new Error('nobody caught me');
    target.emit('unhandledRejection', reason, Promise.resolve());
    expect(errors).toHaveBeenCalledWith(
      { err: reason },
      expect.stringContaining('unhandled promise rejection'),
    );
    expect(exit).not.toHaveBeenCalled();
  });

  it('logs an uncaught exception, flushes the log, then exits with 1', () => {
    const flush = jest.spyOn(Logger, 'flush');
    const error = new Error('state unknown');
    target.emit('uncaughtException', error);
    expect(fatals).toHaveBeenCalledWith({ err: error }, expect.stringContaining('uncaught exception'));
    expect(flush).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(1);
    expect(flush.mock.invocationCallOrder[0]).toBeLessThan(exit.mock.invocationCallOrder[0]);
  });
});
