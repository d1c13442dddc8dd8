// SPDX-License-Identifier: Apache-2.0
import { Packr } from 'msgpackr';
import { OwnEchoes } from './own-echoes';

const packr = new Packr({ useRecords: false });
/** A message and its bytes, as RedisBus publishes it. */
const sent = (value: unknown) => ({ message: value, payload: packr.pack(value) });
/** The same bytes, as they come back from the store (another buffer). */
const back = (payload: Buffer) => Buffer.from(payload);

describe('OwnEchoes', () => {
  it('hands an echo back as the object published, once', () => {
    const echoes = new OwnEchoes();
    const frames = sent({ kind: 'frames', from: 'A', frames: [{ seq: 1, data: Buffer.from([1, 2]) }] });
    echoes.published('slot', frames.payload, frames.message);
    const echo = echoes.take('slot', back(frames.payload));
    expect(echo).toEqual({ found: true, message: frames.message });
    expect(echo.found && echo.message).toBe(frames.message);
    expect(echoes.take('slot', back(frames.payload))).toEqual({ found: false });
  });

  it('knows nothing of other bytes, nor of other channels', () => {
    const echoes = new OwnEchoes();
    const own = sent({ from: 'A', n: 1 });
    echoes.published('slot', own.payload, own.message);
    expect(echoes.take('slot', sent({ from: 'B', n: 1 }).payload)).toEqual({ found: false });
    expect(echoes.take('other', back(own.payload))).toEqual({ found: false });
    expect(echoes.take('slot', back(own.payload)).found).toBe(true);
  });

  it('forgets what was published before an echo that came back (it will not come)', () => {
    const echoes = new OwnEchoes();
    const [first, second, third] = [1, 2, 3].map((n) => sent({ from: 'A', n }));
    for (const { payload, message } of [first, second, third]) echoes.published('slot', payload, message);
    expect(echoes.take('slot', back(second.payload))).toEqual({ found: true, message: second.message });
    expect(echoes.take('slot', back(first.payload))).toEqual({ found: false });
    expect(echoes.take('slot', back(third.payload))).toEqual({ found: true, message: third.message });
  });

  it('keeps a bounded number per channel, the newest', () => {
    const echoes = new OwnEchoes(2);
    const messages = [1, 2, 3].map((n) => sent({ from: 'A', n }));
    for (const { payload, message } of messages) echoes.published('slot', payload, message);
    expect(echoes.take('slot', back(messages[0].payload))).toEqual({ found: false });
    expect(echoes.take('slot', back(messages[1].payload)).found).toBe(true);
    expect(echoes.take('slot', back(messages[2].payload)).found).toBe(true);
  });

  it('forgets a channel, or everything', () => {
    const echoes = new OwnEchoes();
    const one = sent({ from: 'A', n: 1 });
    echoes.published('one', one.payload, one.message);
    echoes.published('two', one.payload, one.message);
    echoes.published('three', one.payload, one.message);
    echoes.forget('one');
    expect(echoes.take('one', back(one.payload))).toEqual({ found: false });
    expect(echoes.take('two', back(one.payload)).found).toBe(true);
    echoes.forget();
    expect(echoes.take('three', back(one.payload))).toEqual({ found: false });
  });
});
