import { ObjectId } from 'mongodb';

/** API ids are the 24-hex string form of ObjectIds; they are validated by zod (`Id`) before reaching here. */
export function oid(id: string): ObjectId {
  return new ObjectId(id);
}

export function newId(): string {
  return new ObjectId().toHexString();
}

export function isoOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
