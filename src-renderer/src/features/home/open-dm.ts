import { guildsStore, privateChannelsStore, uiStore } from '../../app/services';

/** Opens (or creates) the 1:1 DM with a user and shows it in Home; a refusal (privacy, a block) shows as a toast. */
export async function messageUser(userId: string): Promise<boolean> {
  const r = await privateChannelsStore.getState().open([userId]);
  if (!r.ok) {
    uiStore.getState().toast('error', r.code === 'FORBIDDEN' ? 'This user does not accept direct messages from you.' : r.message);
    return false;
  }
  guildsStore.getState().openHome();
  return true;
}
