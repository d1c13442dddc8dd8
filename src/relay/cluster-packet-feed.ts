// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type BusHealth, type BusSubscription, BusUnavailableError, MessageBus } from '../bus/message-bus';
import { JobRunner } from '../common/jobs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { type FeedTopic, PacketFeed, type RemoteFeed } from './packet-feed';
import {
  type FeedNotice,
  type FeedPacket,
  packetsChannel,
  packetsMessage,
  parseFeedNotice,
  isFeedTopic,
  parsePacketsMessage,
} from './packet-feed-messages';

/** Renews this instance's interests and reads the others' again (every third of the presence ttl). */
export const PACKET_FEED_JOB = 'relay.packet-feed';

/** The control channel: who listens to which topic (FeedNotice). */
const NOTICES = 'relay:packet-feed';
/** The group of `<topic>/<instance>` interests, each renewed by its instance. */
const INTERESTS = 'relay:packet-feed:interests';
/** How long a new listener waits for the other instances to say they know it. */
const KNOWN_WAIT_MS = 2_000;
/** Packets per bus message at most. */
const MAX_PACKETS_PER_MESSAGE = 256;

interface KnownWait {
  answers: number;
  needed: number;
  resolve: (allKnown: boolean) => void;
}

/**
 * The packet feed across instances (docs/protocol.md §16.4, §17). An instance with a replay
 * stream of a topic (a spacecraft's or a station's packets) listens on that topic's channel and
 * says so (a notice, and a renewed member of a group for instances that start later); an instance
 * that commits packets of a topic some other instance listens to sends them there, one message per
 * topic and turn of the event loop, in commit order. Nothing is sent for a topic nobody follows.
 *
 * No gap at the hand-over: a stream reads the archive only once every other instance has answered
 * that it knows the new listener, so a packet committed elsewhere is either sent here or was
 * committed before that answer, hence before the read. While the bus is down, packets may be
 * missed: the streams here are told (`lost`) when this instance loses the bus, and those
 * elsewhere when this instance could not send them and the bus is back.
 */
@Injectable()
export class ClusterPacketFeed implements RemoteFeed, OnApplicationBootstrap {
  private readonly logger = new Logger(ClusterPacketFeed.name);
  private readonly ttlMs: number;
  /** Other instances' interests: spacecraft → instance → the read generation that saw it. */
  private readonly interests = new Map<FeedTopic, Map<string, number>>();
  private generation = 0;
  /** This instance's channel subscriptions, by spacecraft. */
  private readonly subscriptions = new Map<FeedTopic, BusSubscription>();
  /** Listen and unlisten of one spacecraft run one after the other. */
  private readonly transitions = new Map<FeedTopic, Promise<void>>();
  private readonly waits = new Map<string, KnownWait>();
  private readonly outgoing = new Map<FeedTopic, FeedPacket[]>();
  private flushScheduled = false;
  /** Spacecraft whose packets could not be sent: their listeners are told once the bus is back. */
  private readonly unsent = new Set<FeedTopic>();

  constructor(
    private readonly bus: MessageBus,
    private readonly feed: PacketFeed,
    private readonly jobs: JobRunner,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.relay.presenceTtlSeconds * 1000;
  }

  /** Before the instance serves: it knows who listens before it commits anything. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.bus.shared) return;
    this.feed.connect(this);
    await this.bus.subscribe(NOTICES, (message) => this.noticed(message));
    await this.readInterests().catch((error: unknown) => this.failed(error, 'could not read the listeners'));
    this.jobs.every(PACKET_FEED_JOB, Math.floor(this.ttlMs / 3), () => this.round());
    this.bus.onHealthChange((health) => this.healthChanged(health));
  }

  listen(topic: FeedTopic): Promise<boolean> {
    return this.serially(topic, async () => {
      let ready = false;
      try {
        ready = await this.startListening(topic);
      } catch (error) {
        this.failed(error, 'could not start listening', topic);
      }
      // Half a listener would be renewed for nothing: what was set up goes.
      if (!ready) await this.stopListening(topic);
      return ready;
    });
  }

  unlisten(topic: FeedTopic): void {
    this.serially(topic, () => this.stopListening(topic)).catch((error: unknown) =>
      this.failed(error, 'could not stop listening', topic),
    );
  }

  wanted(topic: FeedTopic): boolean {
    return (this.interests.get(topic)?.size ?? 0) > 0;
  }

  get wantedAnywhere(): boolean {
    return this.interests.size > 0;
  }

  send(topic: FeedTopic, packets: readonly FeedPacket[]): void {
    let batch = this.outgoing.get(topic);
    if (!batch) {
      batch = [];
      this.outgoing.set(topic, batch);
    }
    batch.push(...packets);
    if (batch.length >= MAX_PACKETS_PER_MESSAGE) this.flush(topic);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAll);
    }
  }

  /** Renews this instance's interests and reads everyone's again (instances that died drop out). */
  async round(): Promise<void> {
    if (this.bus.health() === 'degraded') return;
    for (const topic of this.subscriptions.keys())
      await this.bus
        .enrol(INTERESTS, interest(topic, this.bus.instanceId), this.ttlMs)
        .catch((error: unknown) => this.failed(error, 'could not renew an interest', topic));
    await this.readInterests().catch((error: unknown) => this.failed(error, 'could not read the listeners'));
  }

  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    for (const topic of [...this.outgoing.keys()]) this.flush(topic);
  };

  private flush(topic: FeedTopic): void {
    const packets = this.outgoing.get(topic);
    if (!packets) return;
    this.outgoing.delete(topic);
    this.bus
      .publish(packetsChannel(topic), packetsMessage(this.bus.instanceId, packets))
      .catch((error: unknown) => {
        this.unsent.add(topic);
        this.failed(error, 'could not send committed packets', topic);
      });
  }

  /**
   * Subscribes to the spacecraft's channel, says so, and waits until every other instance knows
   * (true) or one does not answer in time (false). Throws BusUnavailableError while cut off.
   */
  private async startListening(topic: FeedTopic): Promise<boolean> {
    const self = this.bus.instanceId;
    this.subscriptions.set(
      topic,
      await this.bus.subscribe(packetsChannel(topic), (message) => this.received(topic, message)),
    );
    await this.bus.enrol(INTERESTS, interest(topic, self), this.ttlMs);
    const nonce = randomUUID();
    const wait: KnownWait = { answers: 0, needed: Infinity, resolve: () => undefined };
    const allKnown = new Promise<boolean>((resolve) => (wait.resolve = resolve));
    // Answers may come before the publish's own reply: the wait is registered first.
    this.waits.set(nonce, wait);
    const timer = setTimeout(() => this.giveUpWait(nonce, wait), KNOWN_WAIT_MS);
    try {
      const reached = await this.bus.publish(NOTICES, { kind: 'listen', from: self, topic, nonce });
      wait.needed = reached - 1; // every instance but this one
      this.checkWait(nonce, wait);
      return await allKnown;
    } finally {
      clearTimeout(timer);
      this.waits.delete(nonce);
    }
  }

  /** Never fails: while cut off, the interest expires by itself after the ttl. */
  private async stopListening(topic: FeedTopic): Promise<void> {
    const subscription = this.subscriptions.get(topic);
    this.subscriptions.delete(topic);
    const self = this.bus.instanceId;
    try {
      await subscription?.unsubscribe();
      await this.bus.withdraw(INTERESTS, interest(topic, self));
      await this.bus.publish(NOTICES, { kind: 'unlisten', from: self, topic } satisfies FeedNotice);
    } catch (error) {
      this.failed(error, 'could not stop listening', topic);
    }
  }

  private received(topic: FeedTopic, value: unknown): void {
    const message = parsePacketsMessage(value);
    if (!message) {
      this.logger.error({ topic }, 'a packet feed message of an unknown form was dropped');
      return;
    }
    if (message.from !== this.bus.instanceId) this.feed.deliver(topic, message.packets);
  }

  private noticed(value: unknown): void {
    const notice = parseFeedNotice(value);
    const self = this.bus.instanceId;
    if (!notice || notice.from === self) return;
    switch (notice.kind) {
      case 'listen':
        this.addInterest(notice.topic, notice.from);
        // From now on this instance's packets of that topic go there: it may read the archive.
        this.bus
          .publish(NOTICES, {
            kind: 'known',
            from: self,
            to: notice.from,
            nonce: notice.nonce,
          } satisfies FeedNotice)
          .catch((error: unknown) => this.failed(error, 'could not answer a listener', notice.topic));
        return;
      case 'unlisten':
        this.removeInterest(notice.topic, notice.from);
        return;
      case 'known': {
        const wait = notice.to === self ? this.waits.get(notice.nonce) : undefined;
        if (wait) {
          wait.answers += 1;
          this.checkWait(notice.nonce, wait);
        }
        return;
      }
      case 'lost':
        this.feed.lost(notice.topic);
        return;
    }
  }

  private checkWait(nonce: string, wait: KnownWait): void {
    if (wait.answers < wait.needed) return;
    this.waits.delete(nonce);
    wait.resolve(true);
  }

  /** An instance counted by the bus did not answer (it died meanwhile?): a gap cannot be ruled out. */
  private giveUpWait(nonce: string, wait: KnownWait): void {
    if (!this.waits.delete(nonce)) return;
    this.logger.warn(
      { answers: wait.answers, needed: wait.needed },
      'not every instance answered a new listener',
    );
    wait.resolve(false);
  }

  /**
   * Reads the interests of every instance. Those noticed while the read was under way are kept
   * (their generation is not older than the read's); the others that the read no longer has are
   * dropped.
   */
  private async readInterests(): Promise<void> {
    const generation = ++this.generation;
    const members = await this.bus.members(INTERESTS);
    for (const member of members) {
      const split = member.indexOf('/');
      const instance = member.slice(split + 1);
      const topic = member.slice(0, split);
      if (split > 0 && instance !== this.bus.instanceId && isFeedTopic(topic))
        this.addInterest(topic, instance, generation);
    }
    for (const [topic, instances] of this.interests) {
      for (const [instance, seen] of instances) if (seen < generation) instances.delete(instance);
      if (instances.size === 0) this.interests.delete(topic);
    }
  }

  private addInterest(topic: FeedTopic, instance: string, generation = this.generation): void {
    const instances = this.interests.get(topic) ?? new Map<string, number>();
    instances.set(instance, Math.max(instances.get(instance) ?? 0, generation));
    this.interests.set(topic, instances);
  }

  private removeInterest(topic: FeedTopic, instance: string): void {
    const instances = this.interests.get(topic);
    if (!instances?.delete(instance) || instances.size > 0) return;
    this.interests.delete(topic);
  }

  private healthChanged(health: BusHealth): void {
    if (health === 'degraded') {
      // Other instances' packets cannot arrive now: the streams here would miss them silently.
      this.feed.lost();
      return;
    }
    if (health !== 'up') return;
    this.jobs.fireAndForget('relay.packet-feed-recovered', async () => {
      for (const topic of [...this.unsent]) {
        await this.bus.publish(NOTICES, {
          kind: 'lost',
          from: this.bus.instanceId,
          topic,
        } satisfies FeedNotice);
        this.unsent.delete(topic);
      }
      await this.round();
    });
  }

  /** Runs `work` after the spacecraft's previous listen or unlisten has ended. */
  private serially<T>(topic: FeedTopic, work: () => Promise<T>): Promise<T> {
    const next = (this.transitions.get(topic) ?? Promise.resolve()).then(work);
    const forget = () => {
      if (this.transitions.get(topic) === settled) this.transitions.delete(topic);
    };
    const settled: Promise<void> = next.then(forget, forget);
    this.transitions.set(topic, settled);
    return next;
  }

  /** An unreachable bus is expected (health reports it); anything else is a bug. */
  private failed(error: unknown, what: string, topic?: string): void {
    if (error instanceof BusUnavailableError) this.logger.debug({ topic }, `${what}: the bus is unavailable`);
    else this.logger.error({ err: error, topic }, what);
  }
}

function interest(topic: FeedTopic, instance: string): string {
  return `${topic}/${instance}`;
}
