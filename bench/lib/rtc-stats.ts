import type { RemoteTrack } from '@livekit/rtc-node';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * A receiving audio track's counters from libwebrtc's inbound-rtp stats (each a running total since the track began):
 * the jitter buffer's delay and target (seconds summed over the samples it emitted) and that count; packets received
 * and lost (RTP sequence gaps after the SFU); samples played out, and those of them that NetEq concealed (made up
 * because the packet holding them was missing or late); packets discarded (arrived after their playout, or duplicates,
 * such as the copies RED carries of packets that did arrive).
 */
export interface InboundAudioCounters {
  jitterBufferDelayS: number;
  jitterBufferTargetDelayS: number;
  jitterBufferEmitted: number;
  packetsReceived: number;
  packetsLost: number;
  packetsDiscarded: number;
  totalSamplesReceived: number;
  concealedSamples: number;
}

/**
 * The inbound-rtp counters of the remote audio `track`; null when they cannot be read. rtc-node 1.1.0 does not expose
 * getStats, though its FFI answers a GetStatsRequest for a track handle: this asks through the package's own FFI
 * client (an internal module, so a later rtc-node may move it; the figures built on it then say 'n/a').
 */
export async function inboundAudioCounters(track: RemoteTrack): Promise<InboundAudioCounters | null> {
  interface StatsEvent {
    message: { case?: string; value?: { asyncId?: bigint; stats?: { stats: { case?: string; value?: unknown } }[] } };
  }
  interface InternalFfi {
    request<T>(req: unknown): T;
    waitFor<T>(predicate: (event: StatsEvent) => boolean): Promise<T>;
  }
  interface Inbound {
    received?: { packetsReceived?: bigint; packetsLost?: bigint };
    inbound?: {
      jitterBufferDelay?: number;
      jitterBufferTargetDelay?: number;
      jitterBufferEmittedCount?: bigint;
      packetsDiscarded?: bigint;
      totalSamplesReceived?: bigint;
      concealedSamples?: bigint;
    };
  }
  try {
    // The package exports only its entry point (dist/index.cjs); its FFI client module sits beside it.
    const require = createRequire(import.meta.url);
    const { FfiClient } = require(join(dirname(require.resolve('@livekit/rtc-node')), 'ffi_client.cjs')) as {
      FfiClient: { instance: InternalFfi };
    };
    const handle = (track as unknown as { ffi_handle: { handle: bigint } }).ffi_handle.handle;
    const ffi = FfiClient.instance;
    const { asyncId } = ffi.request<{ asyncId: bigint }>({ message: { case: 'getStats', value: { trackHandle: handle } } });
    const reply = await Promise.race([
      ffi.waitFor<NonNullable<StatsEvent['message']['value']>>(
        (e) => e.message.case === 'getStats' && e.message.value?.asyncId === asyncId,
      ),
      new Promise<null>((r) => setTimeout(() => r(null), 2_000)),
    ]);
    const stats = reply?.stats?.find((s) => s.stats.case === 'inboundRtp')?.stats.value as Inbound | undefined;
    if (!stats?.inbound) return null;
    const { received = {}, inbound } = stats;
    return {
      jitterBufferDelayS: inbound.jitterBufferDelay ?? 0,
      jitterBufferTargetDelayS: inbound.jitterBufferTargetDelay ?? 0,
      jitterBufferEmitted: Number(inbound.jitterBufferEmittedCount ?? 0),
      packetsReceived: Number(received.packetsReceived ?? 0),
      packetsLost: Number(received.packetsLost ?? 0),
      packetsDiscarded: Number(inbound.packetsDiscarded ?? 0),
      totalSamplesReceived: Number(inbound.totalSamplesReceived ?? 0),
      concealedSamples: Number(inbound.concealedSamples ?? 0),
    };
  } catch {
    return null;
  }
}

/** The mean jitter-buffer delay and target (ms, 1 decimal) of the samples emitted between two readings, or null. */
export function jitterBufferBetween(before: InboundAudioCounters | null, after: InboundAudioCounters | null) {
  if (!before || !after || after.jitterBufferEmitted <= before.jitterBufferEmitted) return null;
  const samples = after.jitterBufferEmitted - before.jitterBufferEmitted;
  const ms = (seconds: number) => Math.round((seconds / samples) * 10_000) / 10;
  return {
    delayMs: ms(after.jitterBufferDelayS - before.jitterBufferDelayS),
    targetMs: ms(after.jitterBufferTargetDelayS - before.jitterBufferTargetDelayS),
  };
}

/**
 * What a listener got between two readings (percentages, 2 decimals): lostPct, the share of the packets due that never
 * came (lost / (received + lost)); concealedPct, the share of the samples played out that NetEq made up;
 * discardedPct, packets discarded per packet received. Null when no packet or no sample came in between.
 */
export function receptionBetween(before: InboundAudioCounters | null, after: InboundAudioCounters | null) {
  if (!before || !after) return null;
  const received = after.packetsReceived - before.packetsReceived;
  const lost = after.packetsLost - before.packetsLost;
  const samples = after.totalSamplesReceived - before.totalSamplesReceived;
  if (received <= 0 || samples <= 0) return null;
  const pct = (part: number, whole: number) => Math.round((part / whole) * 10_000) / 100;
  return {
    lostPct: pct(lost, received + lost),
    concealedPct: pct(after.concealedSamples - before.concealedSamples, samples),
    discardedPct: pct(after.packetsDiscarded - before.packetsDiscarded, received),
  };
}
