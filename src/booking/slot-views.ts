// SPDX-License-Identifier: Apache-2.0
import type { OperationalSlot } from './operational-slot.entity';
import type { SlotChange } from './slot-change.entity';
import { effectiveState, type SlotState } from './slot-transitions';

/** The Annex C OperationSlot, extended: full UTC timestamps, both channels, state and pass figures. */
export interface SlotView {
  identifier: string;
  gsIdentifier: string;
  scIdentifier: string;
  gsChannel: string;
  scChannel: string;
  /** Annex C's own day field, `MM/DD/YYYY` (UTC), beside the full instants of slotStart/slotEnd. */
  slotDate: string;
  slotStart: string;
  slotEnd: string;
  tca: string;
  maxElevation: number;
  state: SlotState;
  holdExpiresAt?: string;
  /** Why a FAILED slot failed (docs/api.md "Slot lifecycle"). */
  failureReason?: string;
  /** Shown to the station's owner for a selection or reservation (WEB-FUN-270). */
  mOperator?: { username: string; organisation: string };
}

export interface SlotChangeView {
  changeId: number;
  slot: string;
  gsIdentifier: string;
  scIdentifier: string;
  slotStart: string;
  slotEnd: string;
  from: SlotState;
  to: SlotState;
  reason: string;
  at: string;
}

export function slotView(slot: OperationalSlot, now: Date, mOperator?: SlotView['mOperator']): SlotView {
  const state = effectiveState(slot, now);
  return {
    identifier: slot.id,
    gsIdentifier: slot.stationIdentifier,
    scIdentifier: slot.spacecraftIdentifier,
    gsChannel: slot.gsChannelId,
    scChannel: slot.scChannelId,
    slotDate: annexCDate(slot.startAt),
    slotStart: slot.startAt.toISOString(),
    slotEnd: slot.endAt.toISOString(),
    tca: slot.tca.toISOString(),
    maxElevation: Math.round(slot.maxElevationDeg * 100) / 100,
    state,
    ...(state === 'SELECTED' && slot.holdExpiresAt
      ? { holdExpiresAt: slot.holdExpiresAt.toISOString() }
      : {}),
    ...(state === 'FAILED' && slot.failureReason ? { failureReason: slot.failureReason } : {}),
    ...(mOperator ? { mOperator } : {}),
  };
}

export function slotChangeView(change: SlotChange): SlotChangeView {
  return {
    changeId: change.id,
    slot: change.slotId,
    gsIdentifier: change.stationIdentifier,
    scIdentifier: change.spacecraftIdentifier,
    slotStart: change.startAt.toISOString(),
    slotEnd: change.endAt.toISOString(),
    from: change.fromState,
    to: change.toState,
    reason: change.reason,
    at: change.at.toISOString(),
  };
}

/** The UTC day of an instant as Annex C writes dates: `07/17/2014`. */
export function annexCDate(instant: Date): string {
  const [year, month, day] = instant.toISOString().slice(0, 10).split('-');
  return `${month}/${day}/${year}`;
}
