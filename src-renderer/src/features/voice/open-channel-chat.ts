import { guildsStore, uiStore } from '../../app/services';

/**
 * Switches to a channel with its chat showing: for a voice channel (the chat buttons on its row and in the voice panel,
 * a `<#channel>` mention) its view with the chat open; for a text channel just the switch.
 */
export function openChannelChat(guildId: string, channelId: string): void {
  uiStore.getState().setVoiceChat(true);
  guildsStore.getState().selectChannel(guildId, channelId);
}
