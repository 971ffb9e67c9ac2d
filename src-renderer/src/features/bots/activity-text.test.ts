import { describe, expect, it } from 'vitest';
import { describeActivity } from './activity-text';

describe('describeActivity', () => {
  it('when an entry names its token or bot, then the sentence names it and tells bot tokens from personal ones', () => {
    expect(describeActivity({ action: 'token.create', details: { kind: 'personal', tokenId: 'x', name: 'nightly' } })).toBe(
      'Created API token “nightly”',
    );
    expect(describeActivity({ action: 'token.revoke', details: { kind: 'bot', tokenId: 'x', name: 'Greeter' } })).toBe(
      'Revoked a token of bot “Greeter”',
    );
    expect(describeActivity({ action: 'token.create', details: { kind: 'bot', tokenId: 'x', name: 'Greeter' } })).toBe(
      'New token for bot “Greeter”',
    );
    expect(describeActivity({ action: 'bot.delete', details: { name: 'Greeter' } })).toBe('Deleted bot “Greeter”');
  });

  it('when an entry predates names in details, then it still reads as a sentence', () => {
    expect(describeActivity({ action: 'token.revoke', details: { kind: 'personal', tokenId: 'x' } })).toBe('Revoked an API token');
    expect(describeActivity({ action: 'token.create', details: { kind: 'bot', tokenId: 'x' } })).toBe('New token for a bot');
    expect(describeActivity({ action: 'bot.create', details: null })).toBe('Created a bot');
  });
});
