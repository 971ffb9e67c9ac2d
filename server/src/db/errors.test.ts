import { describe, expect, it } from 'vitest';
import { isDuplicateKey } from './errors';

describe('isDuplicateKey', () => {
  it('when MongoDB refuses a write by a unique index (11000), then it is a duplicate key', () => {
    expect(isDuplicateKey({ code: 11000, message: 'E11000 duplicate key error collection: db.users' })).toBe(true);
  });

  it("when the stand-in refuses an update by a unique index (InternalError with SQLite's message), then it is one too", () => {
    const ferret = {
      code: 1,
      codeName: 'InternalError',
      message:
        "[collection.go:177 sqlite.(*collection).UpdateAll.func1] constraint failed: UNIQUE constraint failed: index 'users_1' (2067)",
    };
    expect(isDuplicateKey(ferret)).toBe(true);
  });

  it('when another error comes, then it is not', () => {
    expect(isDuplicateKey({ code: 1, message: 'InternalError: disk I/O error' })).toBe(false);
    expect(isDuplicateKey({ code: 50, message: 'MaxTimeMSExpired' })).toBe(false);
    expect(isDuplicateKey(new Error('UNIQUE constraint failed'))).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
    expect(isDuplicateKey('E11000')).toBe(false);
  });
});
