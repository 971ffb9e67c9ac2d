import type { Overwrite } from '@shared/api/channels';
import { PERMISSION_INFO } from '@shared/permissions/descriptions';
import { Permission, PERMISSION_NAMES, type PermissionName } from '@shared/permissions/permissions';
import type { ChannelType } from '../../api/types';

export type Tri = 'allow' | 'neutral' | 'deny';

/** The three-way state of one permission bit in one overwrite. */
export function triOf(ow: Pick<Overwrite, 'allow' | 'deny'> | undefined, perm: PermissionName): Tri {
  const bit = Permission[perm];
  if (!ow) return 'neutral';
  if ((ow.allow & bit) === bit) return 'allow';
  if ((ow.deny & bit) === bit) return 'deny';
  return 'neutral';
}

/** Sets one bit of one target's overwrite; an overwrite left with nothing allowed or denied is dropped. */
export function withTri(
  overwrites: readonly Overwrite[],
  target: Pick<Overwrite, 'id' | 'type'>,
  perm: PermissionName,
  value: Tri,
): Overwrite[] {
  const bit = Permission[perm];
  const cur = overwrites.find((o) => o.id === target.id && o.type === target.type) ?? { ...target, allow: 0, deny: 0 };
  const next: Overwrite = {
    ...cur,
    allow: value === 'allow' ? cur.allow | bit : cur.allow & ~bit,
    deny: value === 'deny' ? cur.deny | bit : cur.deny & ~bit,
  };
  const rest = overwrites.filter((o) => !(o.id === target.id && o.type === target.type));
  return next.allow === 0 && next.deny === 0 ? rest : [...rest, next];
}

/** The permissions that mean something in a channel of this type (guild-wide ones cannot be overwritten usefully). */
export function channelPermissions(type: ChannelType): PermissionName[] {
  return PERMISSION_NAMES.filter((p) => {
    const scope = PERMISSION_INFO[p].scope;
    if (scope === 'guild') return false;
    if (scope === 'channel' || type === 'category') return true;
    return scope === type;
  });
}

/** Opus bitrates offered for voice channels (bits per second), within the API's 8–384 kbps. */
export const BITRATES = [8_000, 16_000, 32_000, 48_000, 64_000, 96_000, 128_000, 192_000, 256_000, 384_000];
