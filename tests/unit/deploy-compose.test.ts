import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * There is no Docker engine on the dev machines or in CI, so `docker compose config` cannot check the deployment.
 * These tests stand in for it: the file must satisfy the Compose Specification schema, every variable it reads must be
 * documented in .env.example, images must be pinned, and the LiveKit / Egress / server wiring must agree.
 */

const root = resolve(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  restart?: string;
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: unknown };
  volumes?: string[];
  profiles?: string[];
  secrets?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { environment?: string; file?: string }>;
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText) as ComposeFile;
const services = Object.entries(compose.services);

function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0] ?? '', line.split('=').slice(1).join('=')]));
  return env;
}

/** `${VAR}`, `${VAR:-default}`, `${VAR:?message}` … → { name, default? }. `$$` is an escaped dollar. */
function interpolations(text: string): { name: string; op: string | undefined; rest: string }[] {
  const out: { name: string; op: string | undefined; rest: string }[] = [];
  for (const match of text.replaceAll('$$', '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}/g)) {
    out.push({ name: match[1] ?? '', op: match[2], rest: match[3] ?? '' });
  }
  return out;
}

/** Keys documented in .env.example: `KEY=` lines, commented-out `# KEY=` lines count too (optional keys). */
function envExampleKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const line of read('.env.example').split('\n')) {
    const match = /^\s*#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1]) keys.set(match[1], (match[2] ?? '').trim());
  }
  return keys;
}

/** The keys the server's config schema reads (server/src/config.ts is the only reader of process.env). */
function serverConfigKeys(): string[] {
  const source = read('server/src/config.ts');
  const body = source.slice(source.indexOf('const ConfigSchema'), source.indexOf('});', source.indexOf('const ConfigSchema')));
  // Top-level keys of the schema's object, whatever the indentation (UPPER_CASE names: nested objects use camelCase).
  return [...body.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] ?? '');
}

/**
 * The vendored spec schema. Its `$schema` is the https spelling of draft-07, which Ajv does not know by that id; Ajv's
 * default dialect IS draft-07, so we drop the pointer rather than register an alias.
 */
function composeSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = JSON.parse(read('tests/unit/deploy-compose-spec.schema.json')) as Record<string, unknown>;
  return schema;
}

// A token's lifetime (VOICE_TOKEN_TTL_SECONDS) is a setting, not a secret.
const looksSecret = (name: string): boolean => /SECRET|PASSWORD|TOKEN(?!_TTL)|PRIVATE/.test(name);

describe('docker-compose.yml', () => {
  it('when validated against the Compose Specification schema, then it has no errors', () => {
    const schema = composeSchema();
    // The spec schema is draft-07 and uses annotation keywords (deprecated) that strict mode would reject as unknown.
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('when the schema validator is given a broken service, then it rejects it (the check can fail)', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(composeSchema());
    expect(validate({ services: { bad: { image: 'x', restart: 42, depends_on: { a: { condition: 'when_ready' } } } } })).toBe(false);
  });

  it('when a service runs, then it has the expected set of services with restart policies', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['egress', 'grafana', 'livekit', 'mongo', 'parley', 'prometheus', 'redis']);
    // Monitoring is opt-in: a plain `docker compose up` starts only the five core services.
    const optional = services.filter(([, service]) => service.profiles !== undefined).map(([name]) => name);
    expect(optional.sort()).toEqual(['grafana', 'prometheus']);
    for (const name of optional) expect(compose.services[name]?.profiles).toEqual(['monitoring']);
    for (const [name, service] of services) {
      expect(service.restart, `${name}.restart`).toMatch(/^(always|unless-stopped|on-failure(:\d+)?)$/);
    }
  });

  it('when images are referenced, then each is pinned to an exact version or digest (never latest)', () => {
    for (const [name, service] of services) {
      const image = service.image;
      expect(image, `${name} needs an image (with build: the tag the build produces)`).toBeTypeOf('string');
      expect(image, `${name}: ${image}`).toMatch(/(:v?\d+\.\d+\.\d+(-[\w.]+)?|@sha256:[0-9a-f]{64})$/);
    }
    expect(compose.services.livekit?.image).toBe('livekit/livekit-server:v1.13.5');
    expect(compose.services.egress?.image).toBe('livekit/egress:v1.14.1');
    expect(compose.services.mongo?.image).toMatch(/^mongo:7\./);
    expect(compose.services.redis?.image).toMatch(/^redis:7\./);
  });

  it('when services depend on each other, then they wait for health, and every dependency has a healthcheck', () => {
    for (const [name, service] of services) {
      const deps = service.depends_on ?? {};
      expect(Array.isArray(deps), `${name}.depends_on must use the long form with conditions`).toBe(false);
      for (const [dep, spec] of Object.entries(deps as Record<string, { condition?: string }>)) {
        expect(spec.condition, `${name} → ${dep}`).toBe('service_healthy');
        expect(compose.services[dep]?.healthcheck?.test, `${dep} needs a healthcheck`).toBeDefined();
      }
    }
    expect(Object.keys(compose.services.parley?.depends_on ?? {}).sort()).toEqual(['livekit', 'mongo', 'redis']);
    expect(compose.services.mongo?.volumes?.some((v) => v.endsWith(':/data/db'))).toBe(true);
  });

  it('when the server and Egress run, then they share the recordings volume at RECORDINGS_DIR', () => {
    const parley = compose.services.parley;
    const egress = compose.services.egress;
    const dir = envOf(parley ?? {}).RECORDINGS_DIR;
    expect(dir).toBe('/recordings');
    expect(parley?.volumes).toContain(`recordings:${dir}`);
    expect(egress?.volumes).toContain(`recordings:${dir}`);
    expect(Object.keys(compose.volumes ?? {})).toContain('recordings');
  });

  it('when the compose file reads a variable, then .env.example documents it', () => {
    const documented = envExampleKeys();
    const used = new Set(interpolations(composeText).map((i) => i.name));
    expect(used.size).toBeGreaterThan(0);
    const missing = [...used].filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('when the server reads a config key, then .env.example documents it and the parley service sets only real keys', () => {
    const documented = envExampleKeys();
    const configKeys = serverConfigKeys();
    expect(configKeys).toContain('LIVEKIT_API_SECRET');
    expect(configKeys.filter((key) => !documented.has(key))).toEqual([]);
    const extra = Object.keys(envOf(compose.services.parley ?? {})).filter(
      (key) => !configKeys.includes(key) && !key.startsWith('DOCTOR_'),
    );
    expect(extra).toEqual([]);
  });

  it('when a secret is read, then neither the compose file nor .env.example gives it a working default', () => {
    for (const i of interpolations(composeText)) {
      if (!looksSecret(i.name)) continue;
      expect(i.op === ':-' || i.op === '-' ? i.rest : '', `${i.name} has a default`).toBe('');
    }
    for (const [key, value] of envExampleKeys()) {
      if (looksSecret(key)) expect(value, `.env.example ${key}`).toBe('');
    }
    // Required secrets must fail loudly when unset instead of starting with an empty secret.
    for (const name of ['LIVEKIT_API_SECRET', 'JWT_SECRET']) {
      expect(
        interpolations(composeText).some((i) => i.name === name && i.op === ':?'),
        name,
      ).toBe(true);
    }
  });

  it('when LiveKit signs webhooks and Egress connects, then they use the same key name as the server', () => {
    const livekitConfig = parse(read('livekit/livekit.yaml')) as {
      webhook: { api_key: string; urls: string[] };
      redis: { address: string };
      turn: { enabled: boolean };
      rtc: { port_range_start: number; port_range_end: number };
    };
    const keyName = livekitConfig.webhook.api_key;
    expect(envOf(compose.services.livekit ?? {}).LIVEKIT_KEYS).toMatch(new RegExp(`^${keyName}: \\$\\{LIVEKIT_API_SECRET`));
    expect(envOf(compose.services.parley ?? {}).LIVEKIT_API_KEY).toBe(keyName);
    expect(envOf(compose.services.egress ?? {}).LIVEKIT_API_KEY).toBe(keyName);
    expect(livekitConfig.webhook.urls).toEqual(['http://parley:8080/api/v1/livekit/webhook']);
    expect(livekitConfig.redis.address).toBe('redis:6379');
    expect(livekitConfig.turn.enabled).toBe(true);
    const published = compose.services.livekit as { ports?: string[] };
    expect(published.ports).toContain(
      `${livekitConfig.rtc.port_range_start}-${livekitConfig.rtc.port_range_end}:${livekitConfig.rtc.port_range_start}-${livekitConfig.rtc.port_range_end}/udp`,
    );
    const egressConfig = parse(read('livekit/egress.yaml')) as { redis: { address: string }; cpu_cost: Record<string, number> };
    expect(egressConfig.redis.address).toBe(livekitConfig.redis.address);
    expect(egressConfig.cpu_cost.audio_room_composite_cpu_cost).toBeLessThan(1);
  });
});

describe('server/Dockerfile', () => {
  const dockerfile = read('server/Dockerfile');

  it('when built, then it is multi-stage, pinned and runs as a non-root user', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1] ?? '');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const baseArg = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(baseArg).toMatch(/^node:\d+\.\d+\.\d+-/);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe('node');
    expect(dockerfile).toMatch(/scripts\.doctor=/);
  });

  it('when the build context is sent, then secrets and local state are excluded', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['.env', '.stack', 'node_modules', '.git']) expect(ignored).toContain(entry);
  });
});

describe('monitoring profile', () => {
  const prometheusConfig = parse(read('monitoring/prometheus.yml')) as {
    scrape_configs: {
      job_name: string;
      metrics_path?: string;
      authorization?: { type?: string; credentials_file?: string };
      static_configs: { targets: string[] }[];
    }[];
  };
  const job = (name: string) => prometheusConfig.scrape_configs.find((c) => c.job_name === name);

  it('when Prometheus scrapes Parley, then it sends METRICS_TOKEN from the compose secret the server also reads', () => {
    const parley = job('parley');
    expect(parley?.static_configs[0]?.targets).toEqual([`parley:${envOf(compose.services.parley ?? {}).PORT}`]);
    expect(parley?.metrics_path).toBe('/metrics');
    expect(parley?.authorization?.type).toBe('Bearer');
    const secretName = parley?.authorization?.credentials_file?.replace('/run/secrets/', '') ?? '';
    expect(compose.services.prometheus?.secrets).toContain(secretName);
    expect(compose.secrets?.[secretName]?.environment).toBe('METRICS_TOKEN');
    expect(envOf(compose.services.parley ?? {}).METRICS_TOKEN).toBe('${METRICS_TOKEN:-}');
    expect(compose.services.prometheus?.volumes).toContain('./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });

  it("when Prometheus scrapes LiveKit, then it uses livekit.yaml's prometheus_port, which is not published", () => {
    const livekitConfig = parse(read('livekit/livekit.yaml')) as { prometheus_port?: number };
    expect(livekitConfig.prometheus_port).toBeTypeOf('number');
    expect(job('livekit')?.static_configs[0]?.targets).toEqual([`livekit:${livekitConfig.prometheus_port}`]);
    const ports = (compose.services.livekit as { ports?: string[] }).ports ?? [];
    expect(ports.some((p) => p.includes(String(livekitConfig.prometheus_port)))).toBe(false);
  });

  it('when Grafana starts, then its provisioned datasource is the one every dashboard panel queries', () => {
    const datasource = parse(read('monitoring/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; url: string }[];
    };
    const uid = datasource.datasources[0]?.uid;
    expect(datasource.datasources[0]?.url).toBe('http://prometheus:9090');
    const dashboard = JSON.parse(read('monitoring/grafana/dashboards/parley.json')) as {
      panels: { type: string; datasource?: { uid?: string }; targets?: { expr: string; datasource?: { uid?: string } }[] }[];
    };
    const queried = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queried.length).toBeGreaterThan(0);
    for (const panel of queried) {
      expect(panel.datasource?.uid).toBe(uid);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe(uid);
    }
    const exprs = queried.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    for (const metric of [
      'parley_http_request_duration_seconds',
      'parley_gateway_connections',
      'parley_voice_participants',
      'parley_mongodb_command_duration_seconds',
      'parley_redis_command_duration_seconds',
    ]) {
      expect(exprs).toContain(metric);
    }
  });

  it("when the dashboard names a Parley metric, then the server's metrics module defines it", () => {
    const source = read('server/src/metrics/metrics.ts');
    const dashboard = read('monitoring/grafana/dashboards/parley.json');
    const named = new Set([...dashboard.matchAll(/parley_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));
    expect(named.size).toBeGreaterThan(5);
    for (const metric of named) expect(source, metric).toContain(`'${metric}'`);
  });
});
