import { describe, expect, it } from 'vitest';
import {
  bitrateBetween,
  formatBitrate,
  formatStreamStats,
  gridColumns,
  inboundVideo,
  orderTiles,
  stageLayout,
  streamViewers,
  tileKey,
  tileLabel,
  viewersLabel,
  type TileInfo,
} from './video-tiles';

const cam = (identity: string, name: string, isLocal = false): TileInfo => ({ identity, name, source: 'camera', isLocal });
const screen = (identity: string, name: string, isLocal = false): TileInfo => ({ identity, name, source: 'screen_share', isLocal });

describe('video tiles', () => {
  it('when tiles are ordered, then screen shares come first, mine after the others, then by name', () => {
    const tiles = [cam('me', 'Zed', true), cam('b', 'Bob'), screen('me', 'Zed', true), cam('a', 'Ann'), screen('b', 'Bob')];
    expect(orderTiles(tiles).map(tileKey)).toEqual(['b:screen_share', 'me:screen_share', 'a:camera', 'b:camera', 'me:camera']);
  });

  it('when a tile is named, then it says whose camera or screen it is', () => {
    expect(tileLabel(cam('a', 'Ann'))).toBe("Ann's camera");
    expect(tileLabel(screen('a', 'Ann'))).toBe("Ann's screen");
    expect(tileLabel(cam('me', 'Zed', true))).toBe('Your camera');
  });

  it('when a tile is focused, then it is the main one and the others form the strip; a focus on a gone tile is the grid', () => {
    const tiles = [cam('a', 'Ann'), cam('b', 'Bob'), screen('b', 'Bob')];
    expect(stageLayout(tiles, null)).toMatchObject({ layout: 'grid', main: null });
    expect(stageLayout(tiles, null).rest).toHaveLength(3);
    const focus = stageLayout(tiles, 'a:camera');
    expect(focus.layout).toBe('focus');
    expect(focus.main && tileKey(focus.main)).toBe('a:camera');
    expect(focus.rest.map(tileKey)).toEqual(['b:screen_share', 'b:camera']);
    expect(stageLayout(tiles, 'c:camera').layout).toBe('grid');
  });

  it('when the grid grows, then it adds columns', () => {
    expect([1, 2, 4, 5, 9, 10].map(gridColumns)).toEqual([1, 2, 2, 3, 3, 4]);
  });
});

describe('stream stats', () => {
  const report = [
    { type: 'inbound-rtp', kind: 'audio', bytesReceived: 999_999, timestamp: 1000 },
    { type: 'inbound-rtp', kind: 'video', bytesReceived: 0, timestamp: 1000 },
    {
      type: 'inbound-rtp',
      kind: 'video',
      bytesReceived: 50_000,
      frameWidth: 1280,
      frameHeight: 720,
      framesPerSecond: 29.7,
      timestamp: 1000,
    },
    { type: 'candidate-pair' },
  ];

  it('when a receiver report is read, then the video inbound-rtp with bytes is taken', () => {
    expect(inboundVideo(report)).toEqual({
      frameWidth: 1280,
      frameHeight: 720,
      framesPerSecond: 29.7,
      bytesReceived: 50_000,
      timestamp: 1000,
    });
    expect(inboundVideo([{ type: 'outbound-rtp', kind: 'video', bytesSent: 5 }])).toBeNull();
  });

  it('when two samples are 1 s apart, then the bitrate is their byte difference in bits per second', () => {
    const a = { bytesReceived: 50_000, timestamp: 1000 };
    expect(bitrateBetween(null, a)).toBe(0);
    expect(bitrateBetween(a, { bytesReceived: 200_000, timestamp: 2000 })).toBe(1_200_000);
    expect(bitrateBetween(a, { bytesReceived: 10, timestamp: 2000 })).toBe(0);
    expect(bitrateBetween(a, a)).toBe(0);
  });

  it('when stats are shown, then they read as resolution, fps and bitrate; nothing arriving reads paused', () => {
    expect(formatBitrate(1_234_000)).toBe('1.2 Mbps');
    expect(formatBitrate(350_400)).toBe('350 kbps');
    expect(
      formatStreamStats({ frameWidth: 1280, frameHeight: 720, framesPerSecond: 29.7, bytesReceived: 1, timestamp: 1 }, 1_200_000),
    ).toBe('1280×720 · 30 fps · 1.2 Mbps');
    expect(formatStreamStats({ bytesReceived: 1, timestamp: 1 }, 0)).toBe('paused');
  });

  it('when voice states name streamers in watching, then each live streamer gets their viewers, and stale or self names count for nothing', () => {
    const state = (userId: string, selfStream: boolean, watching: string[]) => ({ userId, selfStream, watching });
    const viewers = streamViewers([
      state('ann', true, []),
      state('bob', false, ['ann', 'cat']), // cat stopped streaming: Bob's name for her is stale
      state('cat', false, ['ann']),
      state('dan', true, ['dan', 'ann']), // his own stream is his preview, not a view
      state('eve', false, []),
      { userId: 'fay', selfStream: false }, // from a server older than viewer counts
    ]);
    expect(Object.fromEntries(viewers)).toEqual({ ann: ['bob', 'cat', 'dan'], dan: [] });
    expect(viewersLabel(['Bob', 'Cat'])).toBe('2 watching: Bob, Cat');
    expect(viewersLabel([])).toBe('Nobody watching');
  });
});
