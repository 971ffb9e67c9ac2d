import unhomoglyph from 'unhomoglyph';

/**
 * The UTS #39 skeleton (https://www.unicode.org/reports/tr39/#def-skeleton): NFD, each character replaced by its
 * prototype from Unicode's confusables.txt, NFD again. Two strings that look alike have the same skeleton ("paypal",
 * "pаypal" with a Cyrillic а, "paypa1", "PayPaI" with a capital I all → "paypal"; "m" → "rn"). The mapping is the
 * `unhomoglyph` package (nodeca), which ships confusables.txt as data (Unicode 13) and applies it character by
 * character; the two NFD steps around it are the standard's.
 */
export function skeleton(value: string): string {
  return unhomoglyph(value.normalize('NFD')).normalize('NFD');
}

/**
 * The key usernames are unique by (the `usernameSkeleton` index of users): alike in look OR in case is taken. The
 * skeleton is taken before lowercasing too, because "I" looks like "l" but lowercases to "i"; lowercasing maps the
 * rest of the case pairs together, and a second skeleton pass keeps the key stable for what lowercasing produced.
 */
export function usernameSkeleton(username: string): string {
  return skeleton(skeleton(username).toLowerCase());
}
