// SPDX-License-Identifier: Apache-2.0
import { fromAnnexDGetRulesParams, fromAnnexDRuleParams } from './annex-d-rule-params';

describe('Annex D rule params (channel_id, rule_cfg)', () => {
  it('maps {identifier, channel_id, rule_cfg} onto {identifier, rule} with the channel in the rule', () => {
    const ruleCfg = { operation: 'ADD', periodicity: 'DAILY', startTime: '08:00', endTime: '20:00' };
    expect(fromAnnexDRuleParams({ identifier: 'VigoGS', channel_id: 'uhf', rule_cfg: ruleCfg })).toEqual({
      identifier: 'VigoGS',
      rule: { ...ruleCfg, channelId: 'uhf' },
    });
    expect(fromAnnexDRuleParams({ identifier: 'VigoGS', rule_cfg: ruleCfg })).toEqual({
      identifier: 'VigoGS',
      rule: ruleCfg,
    });
  });

  it('reads an Annex C availability entry as an ADD rule for that day', () => {
    const entry = { date: '07/17/2014', slotStart: '10:00', slotEnd: '11:00', channelId: 'channel-01' };
    expect(fromAnnexDRuleParams({ identifier: 'VigoGS', rule_cfg: entry })).toEqual({
      identifier: 'VigoGS',
      rule: {
        operation: 'ADD',
        periodicity: 'ONCE',
        date: '2014-07-17',
        startTime: '10:00',
        endTime: '11:00',
        channelId: 'channel-01',
      },
    });
  });

  it("leaves the server's own names alone, and both spellings at once for validation to refuse", () => {
    const own = { identifier: 'VigoGS', rule: { operation: 'ADD' } };
    expect(fromAnnexDRuleParams(own)).toBe(own);
    const both = { identifier: 'VigoGS', rule: {}, rule_cfg: {} };
    expect(fromAnnexDRuleParams(both)).toBe(both);
    expect(
      fromAnnexDRuleParams({ identifier: 'VigoGS', channel_id: 'uhf', rule: { operation: 'ADD' } }),
    ).toEqual({
      identifier: 'VigoGS',
      rule: { operation: 'ADD', channelId: 'uhf' },
    });
  });

  it('maps get_rules {identifier, channel_id} onto {identifier, channelId}', () => {
    expect(fromAnnexDGetRulesParams({ identifier: 'VigoGS', channel_id: 'uhf' })).toEqual({
      identifier: 'VigoGS',
      channelId: 'uhf',
    });
    expect(fromAnnexDGetRulesParams({ identifier: 'VigoGS' })).toEqual({ identifier: 'VigoGS' });
  });
});
