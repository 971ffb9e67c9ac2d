import type { AuthRateLimits } from '../http/rate-limit';
import { auditModule } from './audit/audit.routes';
import { createBotsModule } from './bots/bots.module';
import { createAuthModule } from './auth/auth.routes';
import { channelsModule } from './channels/channels.routes';
import type { ModuleFactory } from './context';
import { guildsModule } from './guilds/guilds.routes';
import { imagesModule } from './images/images.routes';
import { invitesModule } from './invites/invites.routes';
import { messagesModule } from './messages/messages.routes';
import { rolesModule } from './roles/roles.routes';
import { createAccountHooks } from './users/account-hooks';
import { createUsersModule } from './users/users.routes';
import type { AccessTokens } from './auth/tokens';
import { voiceModule } from './voice/voice.module';
import { recordingsModule } from './recordings/recordings.module';
import { readStatesModule } from './read-states/read-states.module';
import { notificationSettingsModule } from './notification-settings/notification-settings.module';
import { attachmentsModule } from './attachments/attachments.module';
import { relationshipsModule } from './relationships/relationships.module';
import { privateChannelsModule } from './private-channels/private-channels.module';
import { callsModule } from './calls/calls.module';
import { embedModule } from './embed/embed.module';
import { webhooksModule } from './webhooks/webhooks.module';

/** Core modules (SERVER engineer). */
export function coreModules(deps: { tokens: AccessTokens; rateLimits: AuthRateLimits }): ModuleFactory[] {
  const accountHooks = createAccountHooks();
  return [
    createAuthModule(deps),
    createUsersModule({ ...deps, accountHooks }),
    guildsModule,
    invitesModule,
    rolesModule,
    channelsModule,
    messagesModule,
    auditModule,
    imagesModule,
    createBotsModule({ ...deps, accountHooks }),
  ];
}

/**
 * Extension point: feature modules owned by other engineers. Add ONE line each, e.g.
 *   import { voiceModule } from './voice/voice.module';        → [voiceModule]
 *   import { recordingsModule } from './recordings/recordings.module';
import { readStatesModule } from './read-states/read-states.module';
 * A module is `function fooModule(ctx: ModuleContext): ServerModule` (see ./context.ts for what ctx offers and how
 * `api` / `raw` / `init` / `stop` are used). The function name (minus "Module") names its child logger.
 */
export const extensionModules: ModuleFactory[] = [
  voiceModule,
  recordingsModule,
  readStatesModule,
  notificationSettingsModule,
  attachmentsModule,
  relationshipsModule,
  privateChannelsModule,
  callsModule,
  embedModule,
  webhooksModule,
];
