import type { z } from 'zod';
import type { mentionSchema } from '@shared/ipc/contract';

/** Native notifications for mentions, only when the window is not focused and the user has them on. */

export type Mention = z.output<typeof mentionSchema>;

export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export function createMentionNotifier(deps: {
  isSupported: () => boolean;
  createNotification: (options: { title: string; body: string; silent: boolean }) => NotificationLike;
  isWindowFocused: () => boolean;
  enabled: () => boolean;
  onClick: (mention: Mention) => void;
}): { show(mention: Mention): { shown: boolean; reason: 'shown' | 'focused' | 'disabled' | 'unsupported' } } {
  // Keep references until clicked or replaced: a garbage-collected Notification loses its click handler on some OSes.
  const live = new Set<NotificationLike>();
  return {
    show(mention) {
      if (!deps.enabled()) return { shown: false, reason: 'disabled' };
      if (deps.isWindowFocused()) return { shown: false, reason: 'focused' };
      if (!deps.isSupported()) return { shown: false, reason: 'unsupported' };
      const n = deps.createNotification({ title: mention.title, body: mention.body, silent: false });
      live.add(n);
      if (live.size > 20) live.delete(live.values().next().value as NotificationLike);
      n.on('click', () => {
        live.delete(n);
        deps.onClick(mention);
      });
      n.show();
      return { shown: true, reason: 'shown' };
    },
  };
}
