import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runningPid, startDaemon, stopDaemon } from '../daemon';
import { binDir, repoRoot, stackDir } from '../paths';
import type { PortSetting, StackContext } from '../profiles';
import { assertPortFree, run, StackError } from '../tools';
import { renderTemplate } from './livekit';
import type { Health, StackService } from './service';

/**
 * LiveKit Egress (recordings), optional: it runs only where scripts/egress/build.sh produced .stack/bin/egress.
 * The binary must be called `egress` and be on PATH, because it re-executes itself as `egress run-handler` for each
 * recording job; we start it with .stack/bin first on PATH.
 */
export const egressBinary = join(binDir, 'egress');
export const egressBuildScript = join(repoRoot, 'scripts', 'egress', 'build.sh');
export const egressBuildStatusFile = join(stackDir, 'egress-build.json');
const egressTemplate = join(repoRoot, 'livekit', 'egress.local.yaml');
/** Egress hard-codes this scratch directory. */
const egressTmpDir = '/home/egress/tmp';

export interface EgressBuildStatus {
  readonly status: 'built' | 'unavailable' | 'failed';
  readonly version: string;
  readonly message: string;
  readonly at: string;
}

export function readEgressBuildStatus(): EgressBuildStatus | undefined {
  try {
    return JSON.parse(readFileSync(egressBuildStatusFile, 'utf8')) as EgressBuildStatus;
  } catch {
    return undefined;
  }
}

function egressPorts(ctx: StackContext): { health: PortSetting; template: PortSetting } {
  const prefix = ctx.profile === 'dev' ? 'PARLEY_' : 'PARLEY_TEST_';
  const read = (envVar: string, fallback: number): PortSetting => {
    const raw = ctx.env[envVar];
    const port = raw ? Number(raw) : fallback;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StackError(`${envVar}=${raw} is not a TCP port (1-65535)`);
    return { port, envVar };
  };
  // Next to the profile's LiveKit port (7880 → 7890/7891, 7980 → 7990/7991).
  const base = ctx.ports.livekit.port + 10;
  return { health: read(`${prefix}EGRESS_HEALTH_PORT`, base), template: read(`${prefix}EGRESS_TEMPLATE_PORT`, base + 1) };
}

function renderEgressConfig(ctx: StackContext): string {
  const ports = egressPorts(ctx);
  const file = join(ctx.dirs.run, 'egress.yaml');
  const text = renderTemplate(readFileSync(egressTemplate, 'utf8'), {
    LIVEKIT_API_KEY: ctx.secrets.LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET: ctx.secrets.LIVEKIT_API_SECRET,
    LIVEKIT_WS_URL: `ws://127.0.0.1:${ctx.ports.livekit.port}`,
    REDIS_ADDRESS: `127.0.0.1:${ctx.ports.redis.port}`,
    EGRESS_HEALTH_PORT: String(ports.health.port),
    EGRESS_TEMPLATE_PORT: String(ports.template.port),
  });
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

async function egressHealth(port: number, timeoutMs = 2_000): Promise<Health> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? { healthy: true } : { healthy: false, reason: `health endpoint answered ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { healthy: false, reason: cause?.code === 'ECONNREFUSED' ? 'not running (connection refused)' : (error as Error).message };
  }
}

export const egressService: StackService = {
  name: 'egress',
  optional: true,
  async available() {
    if (existsSync(egressBinary)) return { ok: true };
    const status = readEgressBuildStatus();
    // Not attempted yet, or the last attempt is a day old (the module may be obtainable now): let `install` try.
    if (!status || Date.now() - Date.parse(status.at) > 24 * 3_600_000) return { ok: true };
    return {
      ok: false,
      reason: `LiveKit Egress ${status.version} not built (${status.status}: ${status.message.split('\n')[0]}); see scripts/egress/build.sh`,
    };
  },
  address: (ctx) => `http://127.0.0.1:${egressPorts(ctx).health.port}`,
  describe(ctx) {
    const pid = runningPid(ctx, 'egress');
    const version = existsSync(`${egressBinary}.version`) ? readFileSync(`${egressBinary}.version`, 'utf8').trim() : '';
    return `egress ${version}${pid ? `, pid ${pid}` : ''}`;
  },
  async install() {
    // Idempotent and pinned; exit 3 = the module is not obtainable here (recorded in .stack/egress-build.json), which
    // makes the service unavailable rather than failing the whole stack. A real build failure does fail it.
    const result = await run('bash', [egressBuildScript], { timeoutMs: 45 * 60_000, echo: '[egress-build] ' });
    if (result.code === 3) {
      console.warn(
        '[stack] egress: LiveKit Egress could not be downloaded here; recordings are unavailable (see .stack/egress-build.json)',
      );
      return;
    }
    if (result.code !== 0) throw new StackError(`egress: scripts/egress/build.sh failed (exit ${result.code}); see its output above`);
  },
  async start(ctx) {
    if (runningPid(ctx, 'egress') !== undefined) return false;
    if (!existsSync(egressBinary)) await this.install(ctx);
    if (!existsSync(egressBinary)) return false;
    const ports = egressPorts(ctx);
    await assertPortFree('egress (health)', ports.health);
    await assertPortFree('egress (template server)', ports.template);
    try {
      mkdirSync(egressTmpDir, { recursive: true });
    } catch (error) {
      throw new StackError(`egress: cannot create ${egressTmpDir} (${(error as Error).message}); create it writable for this user`);
    }
    const config = renderEgressConfig(ctx);
    await startDaemon(ctx, {
      name: 'egress',
      command: egressBinary,
      args: ['--config', config],
      env: { ...ctx.env, PATH: `${binDir}${delimiter}${ctx.env.PATH ?? ''}`, EGRESS_CONFIG_FILE: config },
      health: () => egressHealth(ports.health.port, 1_000),
      startTimeoutMs: 30_000,
    });
    return true;
  },
  stop: (ctx) => stopDaemon(ctx, 'egress'),
  health: (ctx) => egressHealth(egressPorts(ctx).health.port),
};
