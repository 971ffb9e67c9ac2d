import { ensureDesktopBuild } from '../support/builds';

/** The electron project tests the built main process and preload: build them first when missing or stale. */
export default function setup(): void {
  ensureDesktopBuild();
}
