import { useStore } from 'zustand';
import { api, guildsStore } from '../../app/services';
import { platform } from '../../platform/platform';
import { createAdminStore, type AdminActions, type AdminState } from './admin.store';

/** The settings feature's store, wired to the app's API and guild store (which the gateway keeps current). */
export const adminStore = createAdminStore({ api, guilds: () => guildsStore.getState(), storage: platform().storage });

export const useAdmin = <T>(sel: (s: AdminState & AdminActions) => T): T => useStore(adminStore, sel);
