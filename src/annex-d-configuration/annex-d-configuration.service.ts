// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { availabilityEntryToRule } from '../availability/annex-d-rule-params';
import { AvailabilityService } from '../availability/availability.service';
import { RuleDto } from '../availability/dto/rule.dto';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { validateDto } from '../common/validation';
import { SpacecraftConfigDto } from '../spacecraft/dto/spacecraft.dto';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { GroundStationConfigDto } from '../stations/dto/ground-station.dto';
import { GroundStationsService } from '../stations/ground-stations.service';

export interface ListFilter {
  mine?: boolean;
  identifier?: string;
}

export type ConfigurationDocument =
  { GroundStationConfiguration: unknown } | { SpacecraftConfiguration: unknown };

/**
 * The Annex D configuration methods, where one identifier names either a ground station or a
 * spacecraft (identifiers are unique across both). Dispatches to the two owning services.
 */
@Injectable()
export class AnnexDConfigurationService {
  constructor(
    private readonly stations: GroundStationsService,
    private readonly spacecraft: SpacecraftService,
    private readonly availability: AvailabilityService,
  ) {}

  async get(ctx: RequestContext, identifier: string): Promise<ConfigurationDocument> {
    return (await this.kindOf(identifier)) === 'station'
      ? { GroundStationConfiguration: await this.stations.get(ctx, identifier) }
      : { SpacecraftConfiguration: await this.spacecraft.get(ctx, identifier) };
  }

  /** Creates or replaces; `configuration` holds exactly one of the two Annex C documents. */
  async set(ctx: RequestContext, identifier: string, configuration: Record<string, unknown>): Promise<'OK'> {
    const keys = Object.keys(configuration);
    if (keys.length !== 1 || !['GroundStationConfiguration', 'SpacecraftConfiguration'].includes(keys[0]))
      throw new ValidationFailedError([
        {
          field: 'configuration',
          message: 'must hold exactly one of GroundStationConfiguration or SpacecraftConfiguration',
        },
      ]);
    const document = withIdentifier(configuration[keys[0]], identifier);
    const existing = await this.kindOf(identifier).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (keys[0] === 'GroundStationConfiguration') {
      const { station, availability } = splitAvailability(document);
      const dto = await validateDto(GroundStationConfigDto, station);
      const rules = await availabilityRules(availability);
      if (existing === 'spacecraft') throw wrongKind(identifier, 'a spacecraft');
      await (existing ? this.stations.replace(ctx, identifier, dto) : this.stations.create(ctx, dto));
      if (rules.length > 0) await this.availability.addRulesOnce(ctx, identifier, rules, 'availability');
    } else {
      const dto = await validateDto(SpacecraftConfigDto, document);
      if (existing === 'station') throw wrongKind(identifier, 'a ground station');
      await (existing ? this.spacecraft.replace(ctx, identifier, dto) : this.spacecraft.create(ctx, dto));
    }
    return 'OK';
  }

  async channels(ctx: RequestContext, identifier: string): Promise<{ Channels: unknown[] }> {
    return (await this.kindOf(identifier)) === 'station'
      ? { Channels: await this.stations.listChannels(ctx, identifier) }
      : { Channels: await this.spacecraft.listChannels(ctx, identifier) };
  }

  async delete(ctx: RequestContext, identifier: string): Promise<'OK'> {
    await ((await this.kindOf(identifier)) === 'station'
      ? this.stations.delete(ctx, identifier)
      : this.spacecraft.delete(ctx, identifier));
    return 'OK';
  }

  async listGroundStations(ctx: RequestContext, filter: ListFilter = {}): Promise<{ Identifier: string[] }> {
    const all = (await this.stations.list(ctx, filter.mine)).map((station) => station.identifier);
    return { Identifier: all.filter((id) => !filter.identifier || id === filter.identifier) };
  }

  async listSpacecraft(ctx: RequestContext, filter: ListFilter = {}): Promise<{ Identifier: string[] }> {
    const all = (await this.spacecraft.list(ctx)).map((spacecraft) => spacecraft.identifier);
    return { Identifier: all.filter((id) => !filter.identifier || id === filter.identifier) };
  }

  private async kindOf(identifier: string): Promise<'station' | 'spacecraft'> {
    const [station, spacecraft] = await Promise.all([
      this.stations.exists(identifier),
      this.spacecraft.exists(identifier),
    ]);
    if (station) return 'station';
    if (spacecraft) return 'spacecraft';
    throw new NotFoundError('IDENTIFIER_NOT_FOUND', `no ground station or spacecraft "${identifier}"`);
  }
}

/**
 * Annex C puts a station's availability in its document (`availability[]`, entries
 * `{date, slotStart, slotEnd, channelId?}`); here availability is rules, so the entries are taken
 * out and become ONCE ADD rules (docs/api.md, "Annex C documents as the seed writes them").
 */
function splitAvailability(document: unknown): { station: unknown; availability: unknown } {
  if (typeof document !== 'object' || document === null || !('availability' in document))
    return { station: document, availability: undefined };
  const { availability, ...station } = document as Record<string, unknown>;
  return { station, availability };
}

async function availabilityRules(availability: unknown): Promise<RuleDto[]> {
  if (availability === undefined) return [];
  if (!Array.isArray(availability))
    throw new ValidationFailedError([{ field: 'availability', message: 'must be an array' }]);
  const rules: RuleDto[] = [];
  for (const [i, entry] of (availability as unknown[]).entries()) {
    const plain =
      typeof entry === 'object' && entry !== null
        ? availabilityEntryToRule(entry as Record<string, unknown>)
        : entry;
    try {
      rules.push(await validateDto(RuleDto, plain));
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      throw new ValidationFailedError(
        error.fields.map((f) => ({ ...f, field: `availability.${i}.${f.field}` })),
      );
    }
  }
  return rules;
}

/** The document's identifier defaults to the call's; a different one is an error, never a rename. */
function withIdentifier(document: unknown, identifier: string): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  if (!('identifier' in document)) return { identifier, ...document };
  if (document.identifier !== identifier)
    throw new ValidationFailedError([
      {
        field: 'configuration.identifier',
        message: `must be "${identifier}", the identifier this call names`,
      },
    ]);
  return document;
}

function wrongKind(identifier: string, what: string): ValidationFailedError {
  return new ValidationFailedError([{ field: 'configuration', message: `"${identifier}" is ${what}` }]);
}
