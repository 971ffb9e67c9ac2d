import { useEffect } from 'react';
import { platform } from '../platform/platform';
import { guildsStore, uiStore, voiceStore } from './services';

/**
 * Discord's keyboard shortcuts: Alt+↑/↓ previous/next text channel, Ctrl+Alt+↑/↓ previous/next server,
 * Ctrl+Shift+M mute, Ctrl+Shift+D deafen (web only: on desktop the main process owns those as global hotkeys),
 * Ctrl+, settings.
 */
export function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const g = guildsStore.getState();
      if (e.altKey && !e.shiftKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        const dir = e.key === 'ArrowDown' ? 1 : -1;
        if (e.ctrlKey) {
          const i = g.guilds.findIndex((x) => x.id === g.selectedGuildId);
          const next = g.guilds[(i + dir + g.guilds.length) % Math.max(1, g.guilds.length)];
          if (next) g.selectGuild(next.id);
        } else if (g.selectedGuildId) {
          const texts = (g.channelsByGuild[g.selectedGuildId] ?? []).filter((c) => c.type === 'text');
          const i = texts.findIndex((c) => c.id === g.selectedChannelByGuild[g.selectedGuildId ?? '']);
          const next = texts[(i + dir + texts.length) % Math.max(1, texts.length)];
          if (next) g.selectChannel(next.guildId, next.id);
        }
        e.preventDefault();
        return;
      }
      if (e.ctrlKey && e.key === ',') {
        uiStore.getState().open({ kind: 'settings', tab: 'voice' });
        e.preventDefault();
        return;
      }
      if (platform().kind === 'web' && e.ctrlKey && e.shiftKey && (e.code === 'KeyM' || e.code === 'KeyD')) {
        if (e.code === 'KeyM') voiceStore.getState().toggleMute();
        else voiceStore.getState().toggleDeafen();
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
