import { useStore } from 'zustand';
import { api } from '../../../app/services';
import { createUploadsStore, type TrayUpload } from './uploads.store';

/** The upload trays of every channel (kept while you switch channels, like a reply). */
export const uploadsStore = createUploadsStore({ api });

const none: TrayUpload[] = [];
export const useUploads = (channelId: string): TrayUpload[] => useStore(uploadsStore, (s) => s.byChannel[channelId] ?? none);
