/**
 * What other modules end when an account is deleted. The bots module registers its part (the account's personal
 * tokens and bots) and users.service deleteAccount runs it, so the users module needs no import of bots (which itself
 * imports users' records) — the same late binding as AccessTokens.setApiTokenVerifier.
 */
export interface AccountHooks {
  /** Registers one step of deleting an account; it must be idempotent (a retried deletion runs it again). */
  onDelete(step: (userId: string) => Promise<void>): void;
  /** Runs every registered step in registration order; the first failure fails the deletion (a retry finishes it). */
  runDelete(userId: string): Promise<void>;
}

export function createAccountHooks(): AccountHooks {
  const steps: ((userId: string) => Promise<void>)[] = [];
  return {
    onDelete(step) {
      steps.push(step);
    },
    async runDelete(userId) {
      for (const step of steps) await step(userId);
    },
  };
}
