// SPDX-License-Identifier: Apache-2.0
/**
 * The availability-rule methods as the SATNet seed's Annex D writes them (docs/api.md, "Annex D's
 * own parameter names"): `add_rule` and `remove_rule` take `{identifier, channel_id, rule_cfg}`,
 * `get_rules` takes `{identifier, channel_id}`. They are mapped here onto the server's own names
 * (`rule`, `rule.channelId`, `channelId`) before validation, so both spellings reach the same code
 * and the same error messages. A `rule_cfg` may also be an Annex C availability entry
 * (`{date: "07/17/2014", slotStart: "10:00", slotEnd: "11:00", channelId?}`), the only rule shape
 * the seed writes out: it is an ADD rule for that one day, in UTC. Pure: no Nest, no I/O.
 */

type Params = Record<string, unknown>;

/** Annex C's `MM/DD/YYYY`; anything else is passed on unchanged for validation to describe. */
const US_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

function isObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An Annex C `availability[]` entry: it has the seed's slotStart/slotEnd instead of start/endTime. */
export function isAnnexCAvailabilityEntry(value: Params): boolean {
  return 'slotStart' in value || 'slotEnd' in value;
}

/** One Annex C availability entry as the ONCE ADD rule it means; other keys are kept (and refused). */
export function availabilityEntryToRule(entry: Params): Params {
  const { date, slotStart, slotEnd, ...rest } = entry;
  const match = typeof date === 'string' ? US_DATE.exec(date) : null;
  return {
    operation: 'ADD',
    periodicity: 'ONCE',
    date: match ? `${match[3]}-${match[1]}-${match[2]}` : date,
    startTime: slotStart,
    endTime: slotEnd,
    ...rest,
  };
}

function ruleOf(ruleCfg: unknown, channelId: unknown): unknown {
  if (!isObject(ruleCfg)) return ruleCfg; // validation says "must be an object"
  const rule = isAnnexCAvailabilityEntry(ruleCfg) ? availabilityEntryToRule(ruleCfg) : { ...ruleCfg };
  return channelId === undefined ? rule : { ...rule, channelId };
}

/** add_rule and remove_rule: `{identifier, channel_id?, rule_cfg}` → `{identifier, rule}`. */
export function fromAnnexDRuleParams(params: Params): Params {
  // Neither Annex D name, or both spellings of the rule at once: left for validation to describe.
  if (!('rule_cfg' in params) && !('channel_id' in params)) return params;
  if ('rule_cfg' in params && 'rule' in params) return params;
  const { rule_cfg: ruleCfg, channel_id: channelId, rule, ...rest } = params;
  if (!('rule_cfg' in params) && !('rule' in params)) return params; // channel_id with no rule
  return { ...rest, rule: ruleOf('rule_cfg' in params ? ruleCfg : rule, channelId) };
}

/** get_rules: `{identifier, channel_id?}` → `{identifier, channelId?}`. */
export function fromAnnexDGetRulesParams(params: Params): Params {
  if (!('channel_id' in params)) return params;
  const { channel_id: channelId, ...rest } = params;
  return { ...rest, channelId };
}
