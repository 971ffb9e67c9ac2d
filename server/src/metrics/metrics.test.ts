import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics';

describe('metrics registry', () => {
  it('when two servers run in one process, then each counts only into its own registry', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.voice.joins.inc({ source: 'webhook' });
    expect((await a.scrape()).body).toContain('parley_voice_joins_total{source="webhook"} 1');
    expect((await b.scrape()).body).not.toContain('parley_voice_joins_total{source="webhook"}');
  });

  it('when scraped, then the participants gauge reads the current counts per room and drops rooms that emptied', async () => {
    const m = createMetrics({ defaultMetrics: false });
    let rooms = new Map([
      ['ch_a', 2],
      ['ch_b', 1],
    ]);
    m.voice.setParticipantSource(async () => rooms);
    const first = (await m.scrape()).body;
    expect(first).toContain('parley_voice_participants{room="ch_a"} 2');
    expect(first).toContain('parley_voice_participants{room="ch_b"} 1');
    rooms = new Map([['ch_a', 1]]);
    const second = (await m.scrape()).body;
    expect(second).toContain('parley_voice_participants{room="ch_a"} 1');
    expect(second).not.toContain('room="ch_b"');
  });

  it('when the participant source fails, then the scrape still answers without that gauge', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.voice.setParticipantSource(async () => {
      throw new Error('database down');
    });
    m.gateway.setConnectionSource(() => 3);
    const body = (await m.scrape()).body;
    expect(body).toContain('parley_gateway_connections 3');
    expect(body).not.toContain('parley_voice_participants{');
  });
});
