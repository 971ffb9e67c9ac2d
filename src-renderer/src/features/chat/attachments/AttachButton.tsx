import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api } from '../../../app/services';
import { PaperclipIcon } from '../../../ui/icons';
import { uploadsStore } from './uploads';

/** Guild id → its upload limit in bytes, fetched once per guild per session (the server checks again anyway). */
const limits = new Map<string, number>();
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The guild's upload limit for early "too large" notes; null until known (or when I cannot attach). */
export function useGuildUploadLimit(guildId: string, enabled: boolean): number | null {
  const limit = useSyncExternalStore(subscribe, () => limits.get(guildId) ?? null);
  useEffect(() => {
    if (!enabled || limits.has(guildId)) return;
    api()
      .attachments.settings(guildId)
      .then(
        (s) => {
          limits.set(guildId, s.maxBytes);
          for (const l of listeners) l();
        },
        () => undefined,
      );
  }, [guildId, enabled]);
  return limit;
}

/** Files on the clipboard (a pasted screenshot or copied files); text pastes give none. */
export function filesFromPaste(data: DataTransfer | null): File[] {
  if (!data) return [];
  return [...data.items].flatMap((item) => {
    if (item.kind !== 'file') return [];
    const file = item.getAsFile();
    if (!file) return [];
    // A pasted screenshot has a generic name ("image.png"): give it one that says when it was pasted.
    return [
      file.name && file.name !== 'image.png'
        ? file
        : new File([file], `pasted-${Date.now()}.${file.type.split('/')[1] ?? 'bin'}`, { type: file.type }),
    ];
  });
}

/** "Upload a file": a real button (keyboard and screen readers) in front of a hidden file input. */
export function AttachButton({ channelId, maxBytes }: { channelId: string; maxBytes: number | null }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="icon-btn composer-attach"
        aria-label="Upload a file"
        title="Upload a file"
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon size={20} />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length > 0) uploadsStore.getState().add(channelId, files, maxBytes);
        }}
      />
    </>
  );
}
