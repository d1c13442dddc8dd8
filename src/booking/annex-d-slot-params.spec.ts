// SPDX-License-Identifier: Apache-2.0
import { fromAnnexDSlotParams } from './annex-d-slot-params';

describe('Annex D slot params (slot_identifier, slot_identifiers)', () => {
  it('maps one slot id or a list onto slots', () => {
    expect(fromAnnexDSlotParams({ identifier: 'XATCOBEO', slot_identifier: 'slot-1' })).toEqual({
      identifier: 'XATCOBEO',
      slots: ['slot-1'],
    });
    expect(fromAnnexDSlotParams({ identifier: 'VigoGS', slot_identifiers: ['slot-1', 'slot-2'] })).toEqual({
      identifier: 'VigoGS',
      slots: ['slot-1', 'slot-2'],
    });
  });

  it("leaves the server's own name, and several spellings at once, for validation", () => {
    const own = { identifier: 'XATCOBEO', slots: ['slot-1'] };
    expect(fromAnnexDSlotParams(own)).toBe(own);
    const both = { identifier: 'XATCOBEO', slots: ['slot-1'], slot_identifier: 'slot-2' };
    expect(fromAnnexDSlotParams(both)).toBe(both);
  });
});
