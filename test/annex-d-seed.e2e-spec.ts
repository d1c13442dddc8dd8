import { stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

/**
 * Golden tests: the calls of the SATNet seed's Annex D (../shared/seeds/003_…, "Annex D:
 * WebServices API"), with the seed's own parameter names, answered as the seed writes the answers.
 * The seed's listings are not valid JSON as printed (`["identifier": "channel_id"]` inside an
 * object); they are read here as the named params they stand for.
 */
describe('Annex D as the seed writes it', () => {
  let t: TestApp;
  let gs: string;

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set('2014-07-01T00:00:00Z');
    ({ token: gs } = await t.operator('gs-ops'));
    const created = await t.http('POST', '/api/ground-stations', {
      token: gs,
      body: stationConfig('VigoGS', {
        channels: [{ ...stationConfig().channels[0], channelId: 'channel-01' }],
      }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => t.stop());

  const rpc = async (method: string, params: unknown) =>
    (await t.http('POST', '/jsonrpc', { token: gs, body: { jsonrpc: '2.0', id: 15, method, params } })).body;

  it('add_rule {identifier, channel_id, rule_cfg} → {"Rule": id}; get_rules {identifier, channel_id} → {"GetRules": …}; remove_rule {identifier, channel_id, rule_cfg} → "OK"', async () => {
    // rule_cfg as the seed's only rule shape: an Annex C availability entry.
    const ruleCfg = { date: '07/17/2014', slotStart: '10:00', slotEnd: '11:00' };
    const added = await rpc('add_rule', {
      identifier: 'VigoGS',
      channel_id: 'channel-01',
      rule_cfg: ruleCfg,
    });
    expect(added).toEqual({ jsonrpc: '2.0', id: 15, result: { Rule: expect.any(String) } });

    t.clock.advance(1000); // rules are listed oldest first
    const daily = { operation: 'ADD', periodicity: 'DAILY', startTime: '20:00', endTime: '22:00' };
    expect((await rpc('add_rule', { identifier: 'VigoGS', rule_cfg: daily })).result).toEqual({
      Rule: expect.any(String),
    });

    const rules = await rpc('get_rules', { identifier: 'VigoGS', channel_id: 'channel-01' });
    expect(rules.result).toEqual({
      GetRules: [
        {
          ruleId: added.result.Rule,
          channelId: 'channel-01',
          operation: 'ADD',
          periodicity: 'ONCE',
          date: '2014-07-17',
          startTime: '10:00',
          endTime: '11:00',
          timeZone: 'UTC',
        },
        { ruleId: expect.any(String), ...daily, timeZone: 'UTC' },
      ],
    });
    const windows = await t.http(
      'GET',
      '/api/ground-stations/VigoGS/availability?channelId=channel-01&from=2014-07-17T00:00:00Z&to=2014-07-18T00:00:00Z',
      {
        token: gs,
      },
    );
    expect(windows.body.windows).toContainEqual({
      start: '2014-07-17T10:00:00.000Z',
      end: '2014-07-17T11:00:00.000Z',
    });

    const removed = await rpc('remove_rule', {
      identifier: 'VigoGS',
      channel_id: 'channel-01',
      rule_cfg: ruleCfg,
    });
    expect(removed).toEqual({ jsonrpc: '2.0', id: 15, result: 'OK' });
    expect((await rpc('get_rules', { identifier: 'VigoGS' })).result.GetRules).toEqual([
      { ruleId: expect.any(String), ...daily, timeZone: 'UTC' },
    ]);
    const again = await rpc('remove_rule', {
      identifier: 'VigoGS',
      channel_id: 'channel-01',
      rule_cfg: ruleCfg,
    });
    expect(again.error.data).toEqual({ code: 'RULE_NOT_FOUND' });
  });

  it('refuses both spellings at once, naming the extra one', async () => {
    const rule = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };
    const both = await rpc('add_rule', { identifier: 'VigoGS', rule, rule_cfg: rule });
    expect(both.error.data.fields).toEqual([{ field: 'rule_cfg', message: 'is not a known field' }]);
    const ruleAndId = await rpc('remove_rule', { identifier: 'VigoGS', ruleId: 'x', rule });
    expect(ruleAndId.error.data.fields).toEqual([
      { field: 'rule', message: 'give ruleId or rule, not both' },
    ]);
  });
});
