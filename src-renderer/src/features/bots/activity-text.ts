import type { AuditEntry } from '@shared/api/audit';

/**
 * What one entry of the account's audit log says, in words. `details.name` is the token's or bot's name when it was
 * written; entries written before names were recorded say "an API token" / "a bot" instead.
 */
export function describeActivity(e: Pick<AuditEntry, 'action' | 'details'>): string {
  const name = typeof e.details?.name === 'string' ? `“${e.details.name}”` : null;
  const bot = e.details?.kind === 'bot';
  switch (e.action) {
    case 'token.create':
      return bot ? `New token for ${name ? `bot ${name}` : 'a bot'}` : name ? `Created API token ${name}` : 'Created an API token';
    case 'token.revoke':
      return bot ? `Revoked a token of ${name ? `bot ${name}` : 'a bot'}` : name ? `Revoked API token ${name}` : 'Revoked an API token';
    case 'bot.create':
      return name ? `Created bot ${name}` : 'Created a bot';
    case 'bot.delete':
      return name ? `Deleted bot ${name}` : 'Deleted a bot';
    default:
      return e.action;
  }
}
