// SPDX-License-Identifier: Apache-2.0
import { describeListenAddress } from './listen-address';

describe('describeListenAddress (the start-up log line)', () => {
  it('names the address really bound, not 127.0.0.1 for 0.0.0.0', () => {
    expect(describeListenAddress({ address: '0.0.0.0', port: 8080, family: 'IPv4' })).toBe(
      'http://0.0.0.0:8080 (every interface; from this machine http://localhost:8080)',
    );
    expect(describeListenAddress({ address: '::', port: 8080, family: 'IPv6' })).toBe(
      'http://[::]:8080 (every interface; from this machine http://localhost:8080)',
    );
  });

  it('gives a single address as it is, IPv6 in brackets', () => {
    expect(describeListenAddress({ address: '127.0.0.1', port: 8081, family: 'IPv4' })).toBe(
      'http://127.0.0.1:8081',
    );
    expect(describeListenAddress({ address: '::1', port: 8081, family: 'IPv6' })).toBe('http://[::1]:8081');
  });
});
