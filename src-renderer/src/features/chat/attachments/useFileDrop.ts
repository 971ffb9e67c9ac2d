import { useState, type DragEvent } from 'react';
import type { Channel } from '../../../api/types';
import { useCan } from '../../guilds/usePermissions';
import { uploadsStore } from './uploads';

const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');

/**
 * Dropping files anywhere on the chat puts them on the channel's upload tray (with ATTACH_FILES; the server checks
 * again). Returns the handlers for the chat's element and whether files are being dragged over it.
 */
export function useFileDrop(guildId: string, channel: Channel | undefined) {
  const canAttach = useCan(guildId, 'ATTACH_FILES', channel);
  const [dragging, setDragging] = useState(false);
  if (!channel || !canAttach) return { dragging: false, handlers: {} };
  return {
    dragging,
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        if (!dragging) setDragging(true);
      },
      onDragLeave: (e: DragEvent) => {
        if (e.currentTarget === e.target) setDragging(false);
      },
      onDrop: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        const files = [...e.dataTransfer.files];
        if (files.length > 0) uploadsStore.getState().add(channel.id, files, null);
      },
    },
  };
}
