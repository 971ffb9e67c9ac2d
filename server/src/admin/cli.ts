import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Id } from '@shared/api/common';
import { Password, Username } from '@shared/api/users';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { systemClock } from '../clock';
import { ConfigError, parseConfig, type Config } from '../config';
import { newId } from '../db/ids';
import { runMigrations } from '../db/migrations/index';
import { connectDatabase, type Database } from '../db/mongo';
import { createRepos, type Repos } from '../db/repos';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { createAuditService, type AuditService } from '../modules/audit/audit.service';
import { hashPassword } from '../modules/auth/auth.service';
import { createMessagePurge } from '../modules/guilds/message-purge';
import type { UserRecord } from '../modules/users/users.repo';

/**
 * `npm run admin -- <command>`: the server admin's tool for what has no API (accounts, ownership, migrations). Runs
 * against the database of the server's own environment (the same keys, parsed by config.ts); in the server image as
 * `docker compose exec parley npm run admin -- …`. Exit codes: 0 done, 1 failed, 2 usage error.
 *
 * It writes to the database directly, then tells running servers through Redis to drop their cached records (the
 * message server instances use among themselves), so a disabled account or a new owner applies at once; without Redis
 * (one server instance) within the record cache's 10 s. It has no gateway: connected clients see purged messages and a
 * new owner on their next load.
 */
export const USAGE = `Usage: npm run admin -- <command> [arguments]

Commands:
  create-user <username> [--password-stdin]
      Create an account. Prints a generated password, or reads one from stdin.
  reset-password <username> [--password-stdin]
      Set a new password (printed, or read from stdin) and sign the account out of every session.
  set-owner <guildId> <username>
      Make <username> the owner of a guild (they become a member first if they are not one).
  list-guilds [--json]
      Every guild: id, name, owner and member count.
  disable-user <username>
      Refuse the account's logins and sessions (refresh tokens revoked; access tokens, its API tokens and its bots
      refused).
  enable-user <username>
      Undo disable-user.
  migrate
      Apply pending database migrations; prints the ones applied.
  purge-messages <username|userId> [--guild <guildId>] [--since-seconds <N>]
      Delete the user's messages, in one guild or all of them, all or those of the last N seconds.

It uses the server's environment (MONGODB_URI, MONGODB_DB, REDIS_URL, JWT_SECRET, LIVEKIT_*, …; see .env.example).
Exit codes: 0 done, 1 failed, 2 usage error.`;

export interface AdminIo {
  env: Record<string, string | undefined>;
  /** Reads all of stdin (only with --password-stdin). */
  readStdin(): Promise<string>;
  out(line: string): void;
  err(line: string): void;
}

/** Bad command line: exit code 2 with the usage text. */
class UsageError extends Error {}
/** A refused action (unknown user, name taken, …): exit code 1, the message only. */
class Refused extends Error {}

interface Args {
  positionals: string[];
  passwordStdin: boolean;
  guild: string | undefined;
  sinceSeconds: string | undefined;
  json: boolean;
  help: boolean;
}

interface Command {
  args: string[];
  options: readonly ('password-stdin' | 'guild' | 'since-seconds' | 'json')[];
  run(ctx: AdminContext, args: Args): Promise<void>;
}

interface AdminContext {
  config: Config;
  repos: Repos;
  audit: AuditService;
  log: Logger;
  database: Database;
  io: AdminIo;
  /** One line of the command's answer, on stdout. */
  out(line: string): void;
  /** Drops every cached record on the running servers (see the file comment). */
  invalidateServerCaches(): Promise<void>;
}

const GENERATED_PASSWORD_BYTES = 18;

async function passwordFrom(ctx: AdminContext, args: Args): Promise<{ password: string; generated: boolean }> {
  if (!args.passwordStdin) return { password: randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url'), generated: true };
  // One trailing newline (echo, a here-string) is not part of the password.
  const password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
  const parsed = Password.safeParse(password);
  if (!parsed.success) throw new UsageError(`the password from stdin must be ${parsed.error.issues[0]?.message ?? 'valid'}`);
  return { password, generated: false };
}

/** A live account by username, or by id (a deleted account has no name any more). */
async function findUser(ctx: AdminContext, nameOrId: string, opts: { allowDeleted?: boolean } = {}): Promise<UserRecord> {
  const byName = nameOrId.length <= 32 ? await ctx.repos.users.findByUsername(nameOrId) : null;
  const user = byName ?? (Id.safeParse(nameOrId).success ? await ctx.repos.users.findById(nameOrId) : null);
  if (!user || (user.deletedAt && !opts.allowDeleted)) throw new Refused(`no account named ${JSON.stringify(nameOrId)}`);
  return user;
}

function guildIdArg(value: string): string {
  if (!Id.safeParse(value).success) throw new UsageError(`${JSON.stringify(value)} is not a guild id (24 hex digits)`);
  return value;
}

const commands: Record<string, Command> = {
  'create-user': {
    args: ['username'],
    options: ['password-stdin'],
    async run(ctx, args) {
      const username = args.positionals[0] ?? '';
      const valid = Username.safeParse(username);
      if (!valid.success) throw new UsageError(`username ${JSON.stringify(username)}: ${valid.error.issues[0]?.message ?? 'invalid'}`);
      if (await ctx.repos.users.findByUsername(username)) throw new Refused(`the username ${username} is taken`);
      const { password, generated } = await passwordFrom(ctx, args);
      // The first account may be made before the server ever ran: the index that keeps names unique must exist, and
      // on an older database the migrations must have filled in what it is built on (006: username skeletons).
      await runMigrations(ctx.database.db, ctx.log);
      await ctx.repos.users.ensureIndexes();
      const user = await ctx.repos.users.insert({
        id: newId(),
        username,
        displayName: username,
        passwordHash: await hashPassword(password),
        createdAt: systemClock.now(),
      });
      if (!user) throw new Refused(`the username ${username} is taken`);
      ctx.out(`Created user ${user.username} (${user.id}).`);
      if (generated) ctx.out(`Password: ${password}`);
    },
  },

  'reset-password': {
    args: ['username'],
    options: ['password-stdin'],
    async run(ctx, args) {
      const user = await findUser(ctx, args.positionals[0] ?? '');
      const { password, generated } = await passwordFrom(ctx, args);
      await ctx.repos.users.update(user.id, { passwordHash: await hashPassword(password) });
      await ctx.repos.refreshTokens.revokeAllForUser(user.id, systemClock.now());
      await ctx.invalidateServerCaches();
      ctx.out(
        `New password set for ${user.username}; every session was signed out: its access tokens are refused from the next request, and open gateway connections end when their token expires (within 15 minutes).`,
      );
      if (generated) ctx.out(`Password: ${password}`);
    },
  },

  'set-owner': {
    args: ['guildId', 'username'],
    options: [],
    async run(ctx, args) {
      const guildId = guildIdArg(args.positionals[0] ?? '');
      const guild = await ctx.repos.guilds.findGuild(guildId);
      if (!guild) throw new Refused(`no guild ${guildId}`);
      const user = await findUser(ctx, args.positionals[1] ?? '');
      if (guild.ownerId === user.id) {
        ctx.out(`${user.username} already owns ${guild.name}.`);
        return;
      }
      if (!(await ctx.repos.guilds.findMember(guildId, user.id))) {
        if (await ctx.repos.guilds.findBan(guildId, user.id))
          throw new Refused(`${user.username} is banned from ${guild.name}; unban them first`);
        // false: they joined meanwhile, which is as good.
        await ctx.repos.guilds.insertMember({ guildId, userId: user.id, roleIds: [], nick: null, joinedAt: systemClock.now() });
        ctx.out(`${user.username} was not a member of ${guild.name}: added.`);
      }
      await ctx.repos.guilds.updateGuild(guildId, { ownerId: user.id });
      await ctx.audit.record({
        guildId,
        action: 'guild.update',
        actorId: null,
        targetId: guildId,
        details: { ownerId: user.id, via: 'admin-cli' },
      });
      await ctx.invalidateServerCaches();
      ctx.out(`${user.username} now owns ${guild.name} (${guildId}).`);
    },
  },

  'list-guilds': {
    args: [],
    options: ['json'],
    async run(ctx, args) {
      const guilds = await ctx.repos.guilds.listGuilds();
      const owners = new Map((await ctx.repos.users.findManyByIds(guilds.map((g) => g.ownerId))).map((u) => [u.id, u.username]));
      const rows = [];
      for (const g of guilds)
        rows.push({
          id: g.id,
          name: g.name,
          ownerId: g.ownerId,
          owner: owners.get(g.ownerId) ?? null,
          members: await ctx.repos.guilds.countMembers(g.id),
          createdAt: g.createdAt.toISOString(),
        });
      if (args.json) {
        ctx.out(JSON.stringify(rows, null, 2));
        return;
      }
      if (rows.length === 0) {
        ctx.out('No guilds.');
        return;
      }
      const table = [
        ['ID', 'NAME', 'OWNER', 'MEMBERS'],
        ...rows.map((r) => [r.id, r.name, r.owner ?? `(${r.ownerId})`, String(r.members)]),
      ];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) ctx.out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
    },
  },

  'disable-user': {
    args: ['username'],
    options: [],
    async run(ctx, args) {
      const user = await findUser(ctx, args.positionals[0] ?? '');
      const now = systemClock.now();
      // Disabled first, then the refresh tokens: a refresh racing the two writes finds the flag (auth.service refresh).
      if (!user.disabledAt) await ctx.repos.users.update(user.id, { disabledAt: now });
      await ctx.repos.refreshTokens.revokeAllForUser(user.id, now);
      await ctx.invalidateServerCaches();
      ctx.out(
        `Disabled ${user.username}: logins and refreshes are refused, and so are its access tokens from now on; open gateway sessions end when their token expires (within 15 minutes). Its personal API tokens and its bots are refused too (kept for enable-user); gateway connections opened with them close within GATEWAY_RECHECK_MS.`,
      );
    },
  },

  'enable-user': {
    args: ['username'],
    options: [],
    async run(ctx, args) {
      const user = await findUser(ctx, args.positionals[0] ?? '');
      if (user.disabledAt) await ctx.repos.users.update(user.id, { disabledAt: null });
      await ctx.invalidateServerCaches();
      ctx.out(`Enabled ${user.username}: they can log in again.`);
    },
  },

  migrate: {
    args: [],
    options: [],
    async run(ctx) {
      const applied = await runMigrations(ctx.database.db, ctx.log);
      ctx.out(applied.length === 0 ? 'No pending migrations.' : `Applied ${applied.length} migration(s): ${applied.join(', ')}`);
    },
  },

  'purge-messages': {
    args: ['username'],
    options: ['guild', 'since-seconds'],
    async run(ctx, args) {
      let sinceSeconds: number | null = null;
      if (args.sinceSeconds !== undefined) {
        sinceSeconds = Number(args.sinceSeconds);
        if (!/^\d+$/.test(args.sinceSeconds) || !Number.isSafeInteger(sinceSeconds) || sinceSeconds < 1)
          throw new UsageError('--since-seconds takes a whole number of seconds ≥ 1');
      }
      const guildId = args.guild === undefined ? undefined : guildIdArg(args.guild);
      const user = await findUser(ctx, args.positionals[0] ?? '', { allowDeleted: true });
      let guilds;
      if (guildId) {
        const guild = await ctx.repos.guilds.findGuild(guildId);
        if (!guild) throw new Refused(`no guild ${guildId}`);
        guilds = [guild];
      } else {
        guilds = await ctx.repos.guilds.listGuilds();
      }
      const purge = createMessagePurge({ repos: ctx.repos, gateway: null, audit: ctx.audit, clock: systemClock });
      let total = 0;
      for (const g of guilds) {
        const { deleted } = await purge.purge({
          guildId: g.id,
          authorId: user.id,
          sinceSeconds,
          actorId: null,
          audit: guildId ? 'always' : 'if-deleted',
          via: 'admin-cli',
        });
        if (deleted > 0) ctx.out(`${g.name} (${g.id}): ${deleted} deleted`);
        total += deleted;
      }
      ctx.out(
        `Deleted ${total} message(s) of ${user.username}${sinceSeconds === null ? '' : ` from the last ${sinceSeconds} s`}. Connected clients see it on their next load.`,
      );
    },
  },
};

function parse(argv: string[]): Args {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'password-stdin': { type: 'boolean' },
      guild: { type: 'string' },
      'since-seconds': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return {
    positionals,
    passwordStdin: values['password-stdin'] ?? false,
    guild: values.guild,
    sinceSeconds: values['since-seconds'],
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

const OPTION_GIVEN: Record<Command['options'][number], (a: Args) => boolean> = {
  'password-stdin': (a) => a.passwordStdin,
  guild: (a) => a.guild !== undefined,
  'since-seconds': (a) => a.sinceSeconds !== undefined,
  json: (a) => a.json,
};

/** Runs one command; resolves with the process exit code. */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  let args: Args;
  try {
    args = parse(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [name, ...rest] = args.positionals;
  if (args.help || name === 'help') {
    io.out(USAGE);
    return 0;
  }
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    io.err(`${name === undefined ? 'No command given' : `Unknown command ${JSON.stringify(name)}`}.\n\n${USAGE}`);
    return 2;
  }
  if (rest.length !== command.args.length) {
    io.err(`${name} takes ${command.args.length === 0 ? 'no arguments' : command.args.map((a) => `<${a}>`).join(' ')}.\n\n${USAGE}`);
    return 2;
  }
  const stray = (Object.keys(OPTION_GIVEN) as Command['options'][number][]).filter(
    (o) => OPTION_GIVEN[o](args) && !command.options.includes(o),
  );
  if (stray.length > 0) {
    io.err(`${name} takes no ${stray.map((o) => `--${o}`).join(', ')}.\n\n${USAGE}`);
    return 2;
  }

  let config: Config;
  try {
    config = parseConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  // Logs go to stderr, quietly: stdout is the command's answer (a generated password, a table, JSON).
  const log = pino({ name: 'parley-admin', level: io.env.ADMIN_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  let database: Database | null = null;
  try {
    // Maintenance bounds: an admin command (a purge, a migration) may run long, and nobody waits on it with a deadline.
    database = await connectDatabase(config, log, { maintenance: true });
    const repos = createRepos(database.db);
    const ctx: AdminContext = {
      config,
      repos,
      audit: createAuditService({ repo: repos.audit, clock: systemClock, log }),
      log,
      database,
      io,
      out: io.out,
      invalidateServerCaches: () => invalidateServerCaches(config, io),
    };
    await command.run(ctx, { ...args, positionals: rest });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${name}: ${err.message}.\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof Refused || err instanceof AppError) {
      io.err(`${name}: ${err.message}`);
      return 1;
    }
    io.err(`${name} failed: ${(err as Error).message}`);
    log.debug({ err }, 'admin command failed');
    return 1;
  } finally {
    await database?.close().catch(() => undefined);
  }
}

/** The record-cache channel of the servers on this database (server.ts names it the same way). */
const cacheChannel = (config: Config) => `parley:${config.MONGODB_DB}:record-cache`;

/**
 * Publishes "drop everything" in the servers' record-cache message format (permissions/cache-sync.ts:
 * `<sender id>\n*`); the sender id is one no server has, so every instance applies it.
 */
async function invalidateServerCaches(config: Config, io: AdminIo): Promise<void> {
  if (!config.REDIS_URL) {
    io.err('(no REDIS_URL: a running server applies this within 10 s, when its cached copy expires)');
    return;
  }
  const publisher = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectionName: 'parley-admin' });
  publisher.on('error', () => undefined);
  try {
    await publisher.connect();
    await publisher.publish(cacheChannel(config), `admin-${newId()}\n*`);
  } catch (err) {
    io.err(`(could not reach Redis: ${(err as Error).message}; a running server applies this within 10 s)`);
  } finally {
    publisher.disconnect();
  }
}
