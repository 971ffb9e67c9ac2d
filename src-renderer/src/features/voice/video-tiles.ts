/**
 * The video stage's pure logic: which tiles there are, in which order, and how they are laid out (grid, or one focused
 * tile with the rest as a strip); plus the per-stream stats line of the voice panel. No LiveKit, no DOM.
 */

export type TileSource = 'camera' | 'screen_share';

export interface TileInfo {
  /** User id (LiveKit identity). */
  identity: string;
  name: string;
  source: TileSource;
  isLocal: boolean;
}

/** A tile's stable key: one camera and one screen share per participant. */
export const tileKey = (t: Pick<TileInfo, 'identity' | 'source'>): string => `${t.identity}:${t.source}`;

/** The tile's accessible name, as the DOM contract has it: "Ann's camera", "Ann's screen". */
export function tileLabel(t: Pick<TileInfo, 'name' | 'source' | 'isLocal'>): string {
  const who = t.isLocal ? 'Your' : `${t.name}'s`;
  return `${who} ${t.source === 'camera' ? 'camera' : 'screen'}`;
}

/**
 * Screen shares first (they are what people gather to watch), then cameras; others before me; then by name, so tiles
 * do not jump around as tracks come and go.
 */
export function orderTiles<T extends TileInfo>(tiles: readonly T[]): T[] {
  const rank = (t: TileInfo) => (t.source === 'screen_share' ? 0 : 2) + (t.isLocal ? 1 : 0);
  return [...tiles].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.identity.localeCompare(b.identity));
}

export interface StageLayout<T> {
  layout: 'grid' | 'focus';
  /** The focused tile (focus layout only). */
  main: T | null;
  /** Grid: every tile. Focus: the others, shown as a strip. */
  rest: T[];
}

/** A focus on a tile that has gone (its track unpublished) falls back to the grid. */
export function stageLayout<T extends TileInfo>(tiles: readonly T[], focused: string | null): StageLayout<T> {
  const ordered = orderTiles(tiles);
  const main = focused ? (ordered.find((t) => tileKey(t) === focused) ?? null) : null;
  if (!main) return { layout: 'grid', main: null, rest: ordered };
  return { layout: 'focus', main, rest: ordered.filter((t) => t !== main) };
}

/** Grid columns for n tiles: 1, 2, 2, 2, 3 … so tiles stay as large as the stage allows. */
export function gridColumns(n: number): number {
  if (n <= 1) return 1;
  if (n <= 4) return 2;
  if (n <= 9) return 3;
  return 4;
}

export interface InboundVideoSample {
  frameWidth?: number;
  frameHeight?: number;
  framesPerSecond?: number;
  bytesReceived: number;
  /** ms (RTCStats timestamp). */
  timestamp: number;
}

/** The inbound-rtp video entry of a receiver's stats report (the one carrying bytes), or null. */
export function inboundVideo(report: Iterable<unknown>): InboundVideoSample | null {
  let best: InboundVideoSample | null = null;
  for (const s of report) {
    const r = s as { type?: string; kind?: string; bytesReceived?: number; timestamp?: number } & Partial<InboundVideoSample>;
    if (r.type !== 'inbound-rtp' || r.kind !== 'video' || typeof r.bytesReceived !== 'number') continue;
    if (best && best.bytesReceived >= r.bytesReceived) continue;
    best = {
      frameWidth: r.frameWidth,
      frameHeight: r.frameHeight,
      framesPerSecond: r.framesPerSecond,
      bytesReceived: r.bytesReceived,
      timestamp: r.timestamp ?? 0,
    };
  }
  return best;
}

/** Bits per second between two samples of the same stream (0 when time did not move or the counter restarted). */
export function bitrateBetween(prev: InboundVideoSample | null, next: InboundVideoSample): number {
  if (!prev) return 0;
  const dt = next.timestamp - prev.timestamp;
  const db = next.bytesReceived - prev.bytesReceived;
  if (dt <= 0 || db < 0) return 0;
  return Math.round((db * 8 * 1000) / dt);
}

export function formatBitrate(bps: number): string {
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(1)} Mbps`;
  return `${Math.round(bps / 1000)} kbps`;
}

/** "1280×720 · 30 fps · 1.2 Mbps"; "paused" while nothing arrives (a hidden tile). */
export function formatStreamStats(sample: InboundVideoSample, bps: number): string {
  if (bps === 0 && !sample.framesPerSecond) return 'paused';
  const size = sample.frameWidth && sample.frameHeight ? `${sample.frameWidth}×${sample.frameHeight}` : '—';
  const fps = `${Math.round(sample.framesPerSecond ?? 0)} fps`;
  return `${size} · ${fps} · ${formatBitrate(bps)}`;
}

/**
 * Who watches each live stream in one voice channel, from the server's voice states: streamer id → the ids of those
 * whose reported `watching` names them. Only streamers live now; a stale name in someone's list counts for nothing.
 */
export function streamViewers(
  states: readonly { userId: string; selfStream: boolean; watching?: readonly string[] }[],
): Map<string, string[]> {
  const viewers = new Map<string, string[]>();
  for (const s of states) if (s.selfStream) viewers.set(s.userId, []);
  // `watching` is absent in states from a server older than viewer counts (a desktop app pointed at one).
  for (const s of states) for (const streamer of s.watching ?? []) if (streamer !== s.userId) viewers.get(streamer)?.push(s.userId);
  return viewers;
}

/** "2 watching: Ann, Bob" (what a stream's viewer mark reads out and shows on hover). */
export function viewersLabel(names: readonly string[]): string {
  return names.length === 0 ? 'Nobody watching' : `${names.length} watching: ${names.join(', ')}`;
}
