import { describeError } from '../../api/http-client';
import { api, uiStore } from '../../app/services';
import type { ChatMessage } from './message-merge';

/** Suppresses a message's link previews; a refusal is told as a toast (the card stays until MESSAGE_UPDATE). */
export async function removeLinkPreviews(m: ChatMessage): Promise<void> {
  try {
    await api().messages.suppressEmbeds(m.channelId, m.id);
  } catch (err) {
    uiStore.getState().toast('error', `Could not remove the previews: ${describeError(err)}`);
  }
}
