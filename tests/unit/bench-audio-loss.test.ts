import { describe, expect, it } from 'vitest';
import { LOSS_TABLE, lossRuleset } from '../../bench/lib/packet-loss';
import { type InboundAudioCounters, jitterBufferBetween, receptionBetween } from '../../bench/lib/rtc-stats';

const counters = (overrides: Partial<InboundAudioCounters> = {}): InboundAudioCounters => ({
  jitterBufferDelayS: 0,
  jitterBufferTargetDelayS: 0,
  jitterBufferEmitted: 0,
  packetsReceived: 0,
  packetsLost: 0,
  packetsDiscarded: 0,
  totalSamplesReceived: 0,
  concealedSamples: 0,
  ...overrides,
});

describe('audio-loss bench', () => {
  it('when loss is asked for one direction, then the rule drops that share of UDP packets to (uplink) or from (downlink) the port, in a table of its own', () => {
    const up = lossRuleset(7982, 'uplink', 10);
    expect(up).toContain(`table inet ${LOSS_TABLE} {`);
    expect(up).toContain('type filter hook output priority 0; policy accept;');
    expect(up).toContain('udp dport 7982 numgen random mod 100 < 10 drop');
    expect(lossRuleset(7982, 'downlink', 5)).toContain('udp sport 7982 numgen random mod 100 < 5 drop');
  });

  it('when the port or the share is out of range, then no rule is made', () => {
    expect(() => lossRuleset(0, 'uplink', 10)).toThrow(/port/);
    expect(() => lossRuleset(70_000, 'uplink', 10)).toThrow(/port/);
    expect(() => lossRuleset(7982, 'uplink', 0)).toThrow(/1-99/);
    expect(() => lossRuleset(7982, 'uplink', 100)).toThrow(/1-99/);
    expect(() => lossRuleset(7982, 'uplink', 2.5)).toThrow(/1-99/);
  });

  it('when two stats readings are compared, then loss counts packets due, concealment counts samples played, both between the readings', () => {
    const before = counters({
      packetsReceived: 100,
      packetsLost: 2,
      totalSamplesReceived: 48_000,
      concealedSamples: 480,
      packetsDiscarded: 5,
    });
    const after = counters({
      packetsReceived: 280,
      packetsLost: 22,
      totalSamplesReceived: 48_000 * 5,
      concealedSamples: 480 + 1_920,
      packetsDiscarded: 95,
    });
    // 180 received + 20 lost = 200 due: 10 %; 1,920 of 192,000 samples made up: 1 %; 90 discarded per 180 received.
    expect(receptionBetween(before, after)).toEqual({ lostPct: 10, concealedPct: 1, discardedPct: 50 });
    expect(receptionBetween(null, after)).toBeNull();
    expect(receptionBetween(after, after)).toBeNull();
  });

  it('when the jitter buffer is read twice, then its delay is the mean over the samples emitted between', () => {
    const before = counters({ jitterBufferDelayS: 10, jitterBufferTargetDelayS: 8, jitterBufferEmitted: 100_000 });
    const after = counters({
      jitterBufferDelayS: 10 + 48_000 * 0.05,
      jitterBufferTargetDelayS: 8 + 48_000 * 0.04,
      jitterBufferEmitted: 148_000,
    });
    expect(jitterBufferBetween(before, after)).toEqual({ delayMs: 50, targetMs: 40 });
    expect(jitterBufferBetween(after, before)).toBeNull();
  });
});
