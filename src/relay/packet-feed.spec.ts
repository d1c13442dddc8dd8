// SPDX-License-Identifier: Apache-2.0
import { type FeedListener, type FeedPacket, PacketFeed, type RemoteFeed } from './packet-feed';

const packet = (id: number, spacecraftId: string | null, stationId: string | null = null): FeedPacket =>
  ({ id, spacecraftId, stationId, serverReceivedAt: new Date(id) }) as FeedPacket;

/** A listener that keeps what it is told. */
function listener(): FeedListener & { ids: number[]; lostCount: number } {
  const heard = {
    ids: [] as number[],
    lostCount: 0,
    packets: (packets: readonly FeedPacket[]) => heard.ids.push(...packets.map(({ id }) => id)),
    lost: () => (heard.lostCount += 1),
  };
  return heard;
}

/** The other instances, as the feed sees them: who listens there, what was sent there. */
class OtherInstances implements RemoteFeed {
  readonly listeningHere: string[] = [];
  readonly sent: [string, number[]][] = [];
  listenElsewhere = new Set<string>();
  canListen = true;

  listen(spacecraftId: string): Promise<boolean> {
    this.listeningHere.push(spacecraftId);
    return Promise.resolve(this.canListen);
  }
  unlisten(spacecraftId: string): void {
    this.listeningHere.splice(this.listeningHere.indexOf(spacecraftId), 1);
  }
  wanted(spacecraftId: string): boolean {
    return this.listenElsewhere.has(spacecraftId);
  }
  get wantedAnywhere(): boolean {
    return this.listenElsewhere.size > 0;
  }
  send(spacecraftId: string, packets: readonly FeedPacket[]): void {
    this.sent.push([spacecraftId, packets.map(({ id }) => id)]);
  }
}

describe('PacketFeed', () => {
  it("hands each listener its spacecraft's packets only, and nobody unattributed ones", async () => {
    const feed = new PacketFeed();
    const one = listener();
    const two = listener();
    await feed.subscribe('spacecraft:sc-1', one);
    const stop = await feed.subscribe('spacecraft:sc-2', two);
    feed.publish([packet(1, 'sc-1'), packet(2, 'sc-2'), packet(3, null), packet(4, 'sc-1')]);
    stop();
    feed.publish([packet(5, 'sc-2')]);
    expect([one.ids, two.ids]).toEqual([[1, 4], [2]]);
  });

  it("hands a station's listener every packet it carried or heard, whichever spacecraft's", async () => {
    const feed = new PacketFeed();
    const station = listener();
    const craft = listener();
    await feed.subscribe('station:gs-1', station);
    await feed.subscribe('spacecraft:sc-1', craft);
    feed.publish([
      packet(1, 'sc-1', 'gs-1'),
      packet(2, 'sc-2', 'gs-1'),
      packet(3, null, 'gs-1'),
      packet(4, 'sc-1', 'gs-2'),
    ]);
    expect([station.ids, craft.ids]).toEqual([
      [1, 2, 3],
      [1, 4],
    ]);
  });

  it('listens on the other instances while a listener here needs a spacecraft, and sends them what they follow', async () => {
    const feed = new PacketFeed();
    const others = new OtherInstances();
    feed.connect(others);
    expect(feed.wanted).toBe(false); // nothing is built for the feed
    const stops = [
      await feed.subscribe('spacecraft:sc-1', listener()),
      await feed.subscribe('spacecraft:sc-1', listener()),
    ];
    expect(others.listeningHere).toEqual(['spacecraft:sc-1']);
    for (const stop of stops) stop();
    expect(others.listeningHere).toEqual([]);

    others.listenElsewhere.add('spacecraft:sc-2');
    expect(feed.wanted).toBe(true);
    feed.publish([packet(1, 'sc-1'), packet(2, 'sc-2'), packet(3, 'sc-2')]);
    expect(others.sent).toEqual([['spacecraft:sc-2', [2, 3]]]);
  });

  it('tells a listener it lost packets when the other instances could not be told, or when they say so', async () => {
    const feed = new PacketFeed();
    const others = new OtherInstances();
    feed.connect(others);
    others.canListen = false;
    const refused = listener();
    await feed.subscribe('spacecraft:sc-1', refused);
    expect(refused.lostCount).toBe(1);

    others.canListen = true;
    const kept = listener();
    const elsewhere = listener();
    await feed.subscribe('spacecraft:sc-1', kept);
    await feed.subscribe('spacecraft:sc-2', elsewhere);
    feed.deliver('spacecraft:sc-1', [packet(9, 'sc-1')]);
    feed.lost('spacecraft:sc-1');
    expect([kept.ids, kept.lostCount, elsewhere.lostCount]).toEqual([[9], 1, 0]);
  });
});
