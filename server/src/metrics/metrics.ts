import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger';

/** Seconds; from a cached read (~1 ms) to the 2 s a request may take when a dependency stalls (see db/mongo.ts). */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];
/** Seconds; database and Redis commands answer in well under a millisecond to a few ms, and time out at 1–1.5 s. */
const COMMAND_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];

export type VoiceJoinSource = 'webhook' | 'reconciler';
export type RecordingFailureStage = 'start' | 'egress';

/**
 * One server instance's metrics, in its own prom-client Registry: nothing is registered in prom-client's global
 * registry, so several servers in one process (the integration tests) each count only their own work.
 *
 * Gauges that describe shared state (voice participants, read from the voice states in the database) are computed when
 * scraped, not counted up and down here: a webhook reaches only one instance, so a running count would be right on
 * none of them. Every instance reports the same value; dashboards take `max` across instances, not `sum`.
 */
export interface ParleyMetrics {
  registry: Registry;
  http: {
    /** Duration of one HTTP request, labelled by method, route template (see route-label.ts) and status. */
    duration: Histogram<'method' | 'route' | 'status'>;
  };
  gateway: {
    /** Gateway events by name: `in` from clients (known names only), `out` published by the server (one per publish). */
    events: Counter<'event' | 'direction'>;
    /** Where the connection gauge reads this instance's open gateway sockets from (set once the gateway is attached). */
    setConnectionSource(count: () => number): void;
  };
  voice: {
    /** Voice sessions started: a participant admitted to a voice channel's LiveKit room, counted once per session. */
    joins: Counter<'source'>;
    /** Where the participants gauge reads the active participants per LiveKit room from (our voice states). */
    setParticipantSource(perRoom: () => Promise<ReadonlyMap<string, number>>): void;
  };
  recordings: {
    started: Counter;
    /** `start`: Egress refused or did not answer the start; `egress`: a started recording ended as failed. */
    failed: Counter<'stage'>;
  };
  webhooks: {
    /** Delivery attempts by outcome (`delivered`, `retry`: failed and to be tried again or given up, `refused`, `skipped`, `error`). */
    deliveries: Counter<'outcome'>;
    /** Where the queue gauge reads the delivery queue's job counts by state from (set when the queue runs). */
    setQueueSource(counts: () => Promise<Readonly<Record<string, number>>>): void;
  };
  mongo: {
    /** Driver command monitoring (monitorCommands): duration by command name and outcome. */
    commandDuration: Histogram<'command' | 'outcome'>;
  };
  redis: {
    commandDuration: Histogram<'command' | 'client' | 'outcome'>;
  };
  /** The Prometheus text exposition of every metric of this instance. */
  scrape(): Promise<MetricsExposition>;
}

export interface MetricsExposition {
  contentType: string;
  body: string;
}

export interface MetricsOptions {
  /** Defaults to a new Registry. */
  registry?: Registry;
  /** Process metrics (CPU, memory, event loop lag, GC, handles); on by default. */
  defaultMetrics?: boolean;
  log?: Logger;
}

export function createMetrics(options: MetricsOptions = {}): ParleyMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  let connectionSource: () => number = () => 0;
  let participantSource: (() => Promise<ReadonlyMap<string, number>>) | null = null;
  let queueSource: (() => Promise<Readonly<Record<string, number>>>) | null = null;

  const connections: Gauge = new Gauge({
    name: 'parley_gateway_connections',
    help: 'Open gateway (Socket.IO) connections on this instance.',
    registers,
    collect() {
      connections.set(connectionSource());
    },
  });

  const participants: Gauge<'room'> = new Gauge({
    name: 'parley_voice_participants',
    help: 'Participants in each active voice room, from the voice states every instance shares (take max across instances).',
    labelNames: ['room'],
    registers,
    // Every worker of a node:cluster reads the same shared state: aggregate with max, not sum.
    aggregator: 'max',
    async collect() {
      participants.reset();
      if (!participantSource) return;
      try {
        for (const [room, count] of await participantSource()) participants.set({ room }, count);
      } catch (err) {
        // A scrape during a database outage still answers; this gauge is missing from it (and the log says why).
        options.log?.warn({ err }, 'voice participants not collected');
      }
    },
  });

  const queueJobs: Gauge<'state'> = new Gauge({
    name: 'parley_webhook_queue_jobs',
    help: 'Webhook delivery jobs in the shared queue (Redis) by state: waiting, active, delayed (backing off), failed (take max across instances).',
    labelNames: ['state'],
    registers,
    aggregator: 'max',
    async collect() {
      queueJobs.reset();
      if (!queueSource) return;
      try {
        for (const [state, count] of Object.entries(await queueSource())) queueJobs.set({ state }, count);
      } catch (err) {
        options.log?.warn({ err }, 'webhook queue not collected');
      }
    },
  });

  return {
    registry,
    http: {
      duration: new Histogram({
        name: 'parley_http_request_duration_seconds',
        help: 'HTTP request duration by method, route template and status (its _count is the request count).',
        labelNames: ['method', 'route', 'status'],
        buckets: HTTP_BUCKETS,
        registers,
      }),
    },
    gateway: {
      events: new Counter({
        name: 'parley_gateway_events_total',
        help: 'Gateway events by name: direction "in" from clients, "out" published by the server (once per publish, not per recipient).',
        labelNames: ['event', 'direction'],
        registers,
      }),
      setConnectionSource(count) {
        connectionSource = count;
      },
    },
    voice: {
      joins: new Counter({
        name: 'parley_voice_joins_total',
        help: 'Voice sessions started (a participant admitted to a voice channel), by what reported it.',
        labelNames: ['source'],
        registers,
      }),
      setParticipantSource(perRoom) {
        participantSource = perRoom;
      },
    },
    recordings: {
      started: new Counter({ name: 'parley_recordings_started_total', help: 'Recordings Egress accepted.', registers }),
      failed: new Counter({
        name: 'parley_recordings_failed_total',
        help: 'Recordings that failed: "start" when Egress refused or did not answer, "egress" when a started one failed.',
        labelNames: ['stage'],
        registers,
      }),
    },
    webhooks: {
      deliveries: new Counter({
        name: 'parley_webhook_deliveries_total',
        help: 'Webhook delivery attempts by outcome.',
        labelNames: ['outcome'],
        registers,
      }),
      setQueueSource(counts) {
        queueSource = counts;
      },
    },
    mongo: {
      commandDuration: new Histogram({
        name: 'parley_mongodb_command_duration_seconds',
        help: 'MongoDB command duration from driver command monitoring, by command and outcome.',
        labelNames: ['command', 'outcome'],
        buckets: COMMAND_BUCKETS,
        registers,
      }),
    },
    redis: {
      commandDuration: new Histogram({
        name: 'parley_redis_command_duration_seconds',
        help: 'Redis command duration by command, client connection and outcome.',
        labelNames: ['command', 'client', 'outcome'],
        buckets: COMMAND_BUCKETS,
        registers,
      }),
    },
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
