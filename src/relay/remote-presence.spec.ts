// SPDX-License-Identifier: Apache-2.0
import { RemotePresence } from './remote-presence';

describe('RemotePresence', () => {
  it('reports a side once when it appears and once when its last instance leaves', () => {
    const remote = new RemotePresence();
    expect(remote.set('mission', 'B', true)).toBe(true);
    expect(remote.set('mission', 'C', true)).toBe(false);
    expect(remote.set('mission', 'B', false)).toBe(false);
    expect(remote.has('mission')).toBe(true);
    expect(remote.set('mission', 'C', false)).toBe(true);
    expect(remote.has('mission')).toBe(false);
  });

  it('counts each other instance present once, whichever sides it has', () => {
    const remote = new RemotePresence();
    expect(remote.instanceCount()).toBe(0);
    remote.set('station', 'B', true);
    remote.set('mission', 'B', true);
    expect(remote.instanceCount()).toBe(1);
    remote.set('mission', 'C', true);
    expect(remote.instanceCount()).toBe(2);
    remote.clear();
    expect(remote.instanceCount()).toBe(0);
  });

  it("ignores a station's leave from an instance that no longer holds it", () => {
    const remote = new RemotePresence();
    remote.set('station', 'B', true);
    expect(remote.set('station', 'C', true)).toBe(false); // moved from B to C: still present
    expect(remote.set('station', 'B', false)).toBe(false);
    expect(remote.has('station')).toBe(true);
    expect(remote.set('station', 'C', false)).toBe(true);
  });

  it('forgets the instances a snapshot no longer has and says which sides vanished', () => {
    const remote = new RemotePresence();
    remote.merge({ station: 'B', missions: ['B', 'C'] });
    expect(remote.retain({ station: 'B', missions: ['C'] })).toEqual([]);
    expect(remote.retain({ missions: [] })).toEqual(['station', 'mission']);
    expect(remote.has('station') || remote.has('mission')).toBe(false);
  });

  it('says which sides a snapshot adds, and which a clear removes', () => {
    const remote = new RemotePresence();
    remote.set('mission', 'C', true);
    expect(remote.merge({ station: 'B', missions: ['C'] })).toEqual(['station']);
    expect(remote.clear()).toEqual(['station', 'mission']);
    expect(remote.clear()).toEqual([]);
  });
});
