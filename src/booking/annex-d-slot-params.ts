// SPDX-License-Identifier: Apache-2.0
/**
 * The slot methods as the SATNet seed's Annex D writes them (docs/api.md, "Annex D's own parameter
 * names"): `select_slots`, `confirm_selections`, `deny_selections`, `cancel_selections` and
 * `cancel_reservations` take `{identifier, slot_identifier}` (or `slot_identifiers` in its
 * cancel_reservations example), one slot id or a list, where this server names the list `slots`.
 * Pure: no Nest, no I/O.
 */

type Params = Record<string, unknown>;

const ALIASES = ['slot_identifier', 'slot_identifiers'] as const;

export function fromAnnexDSlotParams(params: Params): Params {
  const given = ALIASES.filter((alias) => alias in params);
  // None, or more than one spelling at once: left for validation to name the extra ones.
  if (given.length !== 1 || 'slots' in params) return params;
  const { [given[0]]: value, ...rest } = params;
  return { ...rest, slots: typeof value === 'string' ? [value] : value };
}
