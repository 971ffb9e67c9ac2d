import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from '@shared/ipc/channels';
import { buildBridge } from './bridge';

// Sandboxed + contextIsolation: this is the renderer's only door to the main process.
contextBridge.exposeInMainWorld(BRIDGE_KEY, buildBridge(ipcRenderer));
