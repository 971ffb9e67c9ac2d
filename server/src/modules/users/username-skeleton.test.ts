import { describe, expect, it } from 'vitest';
import { skeleton, usernameSkeleton } from './username-skeleton';

describe('usernameSkeleton', () => {
  it('when usernames differ only by confusable characters or case, then their keys are equal', () => {
    const key = usernameSkeleton('paypal');
    for (const lookalike of ['pаypal' /* Cyrillic а */, 'paypa1', 'PayPaI', 'PAYPAL', 'ρaypal' /* Greek rho */, 'paypaⅼ' /* U+217C */]) {
      expect(usernameSkeleton(lookalike), lookalike).toBe(key);
    }
    expect(usernameSkeleton('rnoon')).toBe(usernameSkeleton('m00n'));
    expect(usernameSkeleton('Ian')).toBe(usernameSkeleton('lan'));
  });

  it('when usernames look different, then their keys differ', () => {
    expect(usernameSkeleton('alice')).not.toBe(usernameSkeleton('alicf'));
    expect(usernameSkeleton('bob_1')).not.toBe(usernameSkeleton('bob-1'));
    expect(usernameSkeleton('ann')).not.toBe(usernameSkeleton('anna'));
  });

  it('is the UTS #39 skeleton: NFD before and after the confusables mapping, and idempotent', () => {
    expect(skeleton('e\u0301')).toBe(skeleton('é'));
    for (const s of ['paypal', 'Zoë', 'ＡＢＣ', 'm', '0Il1']) expect(skeleton(skeleton(s))).toBe(skeleton(s));
    for (const s of ['PayPaI', 'M00N', 'x_y.z-1']) expect(usernameSkeleton(usernameSkeleton(s))).toBe(usernameSkeleton(s));
  });

  it('never yields a key with "#", which deleted accounts hold (deletedUsernameKey)', () => {
    for (const s of ['a_b', 'A.B-c', '0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ']) {
      expect(usernameSkeleton(s)).not.toContain('#');
    }
  });
});
