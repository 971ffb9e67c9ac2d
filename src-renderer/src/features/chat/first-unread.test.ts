import { describe, expect, it } from 'vitest';
import { firstUnread } from './first-unread';
import type { ChatMessage } from './message-merge';

const id = (n: number) => n.toString(16).padStart(24, '0');
const msg = (n: number, author = 'other', pending = false): ChatMessage =>
  ({ id: id(n), author: { id: author }, ...(pending ? { sendState: 'sending' } : {}) }) as unknown as ChatMessage;

describe('first unread message', () => {
  it('when the marker is inside the loaded page, then the first newer message of someone else is the first unread', () => {
    const list = [msg(1), msg(2), msg(3, 'me'), msg(4), msg(5, 'other', true)];
    expect(firstUnread(list, id(2), 'me', true)).toEqual({ index: 3, count: 1, beyondLoaded: false });
  });

  it('when every loaded message is newer than the marker and older pages remain, then the first unread is not loaded yet', () => {
    expect(firstUnread([msg(10), msg(11)], id(2), 'me', true)).toEqual({ index: -1, count: 2, beyondLoaded: true });
    // The channel's start is loaded: the first message is the first unread.
    expect(firstUnread([msg(10), msg(11)], id(2), 'me', false)).toEqual({ index: 0, count: 2, beyondLoaded: false });
  });

  it('when the channel was never read or everything is read, then there is no first unread', () => {
    expect(firstUnread([msg(1)], null, 'me', false).index).toBe(-1);
    expect(firstUnread([msg(1), msg(2)], id(2), 'me', true)).toEqual({ index: -1, count: 0, beyondLoaded: false });
  });
});
