import { describe, expect, it } from 'vitest';
import { notificationText } from './notification-text';

const ann = { id: 'a'.repeat(24), username: 'ann', displayName: 'Ann Lee', avatar: null };
const ben = { id: 'b'.repeat(24), username: 'ben', displayName: 'Ben', avatar: null };
const general = { id: 'c'.repeat(24), name: 'general' };
const crew = { id: 'd'.repeat(24), name: 'Crew' };

describe('notification text', () => {
  it('when a message mentions people, roles and channels, then the notification names them as the chat shows them', () => {
    const text = notificationText(
      {
        author: ben,
        channelId: general.id,
        content: `<@${ann.id}> and <@&${crew.id}>: see <#${general.id}>, <#${'e'.repeat(24)}>`,
        mentions: [ann],
      },
      { channels: [general], roles: [crew] },
    );
    expect(text).toEqual({ title: 'Ben in #general', body: '@Ann Lee and @Crew: see #general, #channel' });
  });

  it('when the message is long, then the body is cut to 1000 characters', () => {
    expect(
      notificationText({ author: ben, channelId: general.id, content: 'x'.repeat(3000), mentions: [] }, { channels: [], roles: [] }),
    ).toEqual({
      title: 'Ben',
      body: 'x'.repeat(1000),
    });
  });
});
