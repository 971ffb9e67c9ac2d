import type { PermissionName } from './permissions';

/**
 * What each permission lets a member do, in one line: shown next to the role and channel-overwrite toggles. Typed
 * against the permission list, so a new bit fails the typecheck until it is explained here.
 */
export const PERMISSION_INFO: Record<
  PermissionName,
  { label: string; description: string; scope: 'guild' | 'text' | 'voice' | 'channel' }
> = {
  VIEW_CHANNEL: {
    label: 'View channels',
    description: 'See channels and read their messages; without it a channel is hidden.',
    scope: 'channel',
  },
  SEND_MESSAGES: { label: 'Send messages', description: 'Write messages in text channels.', scope: 'text' },
  MANAGE_MESSAGES: { label: 'Manage messages', description: "Delete other members' messages.", scope: 'text' },
  MANAGE_CHANNELS: { label: 'Manage channels', description: 'Create, edit, move and delete channels and categories.', scope: 'channel' },
  MANAGE_ROLES: {
    label: 'Manage roles',
    description: 'Create and edit roles below their own, give them to members, edit channel permissions.',
    scope: 'channel',
  },
  MANAGE_GUILD: { label: 'Manage server', description: 'Rename the server, manage invites and read the audit log.', scope: 'guild' },
  CONNECT: { label: 'Connect', description: 'Join voice channels.', scope: 'voice' },
  SPEAK: { label: 'Speak', description: 'Talk in voice channels.', scope: 'voice' },
  VIDEO: { label: 'Video', description: 'Turn on their camera in voice channels.', scope: 'voice' },
  STREAM: { label: 'Stream', description: 'Share their screen (Go Live) in voice channels.', scope: 'voice' },
  MUTE_MEMBERS: {
    label: 'Mute members',
    description: 'Server-mute other members in voice, and stop their camera or screen share.',
    scope: 'voice',
  },
  DEAFEN_MEMBERS: { label: 'Deafen members', description: 'Server-deafen other members in voice.', scope: 'voice' },
  MOVE_MEMBERS: { label: 'Move members', description: 'Move members between voice channels or disconnect them.', scope: 'voice' },
  KICK_MEMBERS: { label: 'Kick members', description: 'Remove members from the server; they may rejoin with an invite.', scope: 'guild' },
  BAN_MEMBERS: { label: 'Ban members', description: 'Remove members for good and lift bans.', scope: 'guild' },
  RECORD: { label: 'Record', description: 'Record voice channels (everyone in the channel is told).', scope: 'voice' },
  ADD_REACTIONS: {
    label: 'Add reactions',
    description: 'React to messages with emoji (removing their own reactions needs no permission).',
    scope: 'text',
  },
  ATTACH_FILES: {
    label: 'Attach files',
    description: 'Upload images, audio and other files with their messages (also needs Send messages).',
    scope: 'text',
  },
  MANAGE_WEBHOOKS: {
    label: 'Manage webhooks',
    description: 'Create, edit and delete webhooks that send server events to other services, and read their delivery logs.',
    scope: 'guild',
  },
  ADMINISTRATOR: {
    label: 'Administrator',
    description: 'Every permission, in every channel, whatever the overwrites say. Give it with care.',
    scope: 'guild',
  },
};
