import type { ParleyBridge } from './contract';

// The preload exposes the bridge only in the desktop app; in the browser it is absent, hence optional.
declare global {
  interface Window {
    parley?: ParleyBridge;
  }
}

export {};
