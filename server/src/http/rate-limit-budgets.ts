import { RATE_LIMIT_CLASSES, type RateLimitClass } from '@shared/api/contract';

/** `points` requests per `seconds` (a fixed window that starts with the first request). */
export interface Budget {
  points: number;
  seconds: number;
}

/**
 * Budgets by name: the route classes of src-shared/api/contract.ts plus `user` (all writes of one user), `ip` (all
 * writes from one IP, authenticated or not: generous, since a whole office or a carrier NAT can share one) and
 * `gateway` (client events over the gateway, per user).
 */
export type BudgetName = RateLimitClass | 'user' | 'ip' | 'gateway';
export type RateLimitBudgets = Readonly<Record<BudgetName, Budget>>;

export const BUDGET_NAMES: readonly BudgetName[] = [...RATE_LIMIT_CLASSES, 'user', 'ip', 'gateway'];

/**
 * Sized so a person using the client never meets them (typing, read acks and voice toggles included) while a script
 * is slowed to a crawl; the tight ones follow Discord's published figures for the same actions.
 */
export const DEFAULT_BUDGETS: RateLimitBudgets = Object.freeze({
  write: { points: 30, seconds: 10 },
  message: { points: 10, seconds: 10 },
  invite: { points: 10, seconds: 60 },
  'voice-join': { points: 10, seconds: 60 },
  call: { points: 10, seconds: 60 },
  'friend-request': { points: 10, seconds: 600 },
  webhook: { points: 30, seconds: 60 },
  user: { points: 300, seconds: 60 },
  ip: { points: 1200, seconds: 60 },
  gateway: { points: 20, seconds: 10 },
});

/**
 * Parse `RATE_LIMITS`: `name=points/seconds` pairs, comma-separated, over the defaults; `*=points/seconds` first sets
 * every budget (tests and benchmarks), later pairs then override single ones. Returns the problems instead of throwing,
 * so config.ts can list them with the rest.
 *   parseBudgets('message=5/5,invite=3/60') → { budgets: { ...defaults, message: {5,5}, invite: {3,60} }, problems: [] }
 */
export function parseBudgets(value: string): { budgets: RateLimitBudgets; problems: string[] } {
  const budgets: Record<BudgetName, Budget> = { ...DEFAULT_BUDGETS };
  const problems: string[] = [];
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  // The wildcard applies first wherever it is written, so order does not matter.
  entries.sort((a, b) => Number(b.startsWith('*=')) - Number(a.startsWith('*=')));
  for (const entry of entries) {
    const match = /^([a-z*-]+)=(\d{1,9})\/(\d{1,7})$/.exec(entry);
    const points = Number(match?.[2]);
    const seconds = Number(match?.[3]);
    if (!match || points < 1 || seconds < 1) {
      problems.push(`"${entry}" is not name=points/seconds with both at least 1`);
      continue;
    }
    const name = match[1] ?? '';
    if (name === '*') {
      for (const n of BUDGET_NAMES) budgets[n] = { points, seconds };
    } else if ((BUDGET_NAMES as readonly string[]).includes(name)) {
      budgets[name as BudgetName] = { points, seconds };
    } else {
      problems.push(`unknown budget "${name}" (one of ${BUDGET_NAMES.join(', ')}, or *)`);
    }
  }
  return { budgets: Object.freeze(budgets), problems };
}
