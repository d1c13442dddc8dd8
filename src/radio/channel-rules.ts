// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { ConflictError, type FieldError, NotFoundError, ValidationFailedError } from '../common/errors';

interface ChannelRow {
  id: string;
  channelId: string;
}

/** The channel `channelId` of `owner` (e.g. `station "VigoGS"`), or CHANNEL_NOT_FOUND. */
export function findChannel<T extends ChannelRow>(
  channels: readonly T[],
  channelId: string,
  owner: string,
): T {
  const channel = channels.find((c) => c.channelId === channelId);
  if (!channel) throw new NotFoundError('CHANNEL_NOT_FOUND', `${owner} has no channel "${channelId}"`);
  return channel;
}

/**
 * The row id a channel write goes to: a new one when adding (POST; the id must be free), the
 * existing one when replacing `replaceId` (PUT; channel ids cannot be renamed).
 */
export function channelRowId(
  channels: readonly ChannelRow[],
  channelId: string,
  replaceId: string | undefined,
  owner: string,
): string {
  if (replaceId === undefined) {
    if (channels.some((c) => c.channelId === channelId))
      throw new ConflictError('CHANNEL_EXISTS', `${owner} already has a channel "${channelId}"`);
    return randomUUID();
  }
  if (channelId !== replaceId)
    throw new ValidationFailedError([
      { field: 'channelId', message: `must be "${replaceId}"; channel ids cannot be renamed` },
    ]);
  return findChannel(channels, replaceId, owner).id;
}

/** Channels are always listed by channel id, whatever order they were sent in. */
export function byChannelId<T extends { channelId: string }>(channels: T[]): T[] {
  return [...channels].sort((a, b) => a.channelId.localeCompare(b.channelId));
}

/** A problem for each channel id that repeats an earlier one in the same request. */
export function duplicateChannelIds(ids: string[]): FieldError[] {
  return ids.flatMap((id, index) =>
    ids.indexOf(id) === index
      ? []
      : [{ field: `channels.${index}.channelId`, message: `duplicate channel id "${id}"` }],
  );
}
