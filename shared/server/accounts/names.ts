/**
 * When two names are one account: compared in Unicode NFC after case
 * folding, so "Kyle", "kyle" and "KYLE" are one account, and so are two
 * spellings that differ only in normalisation. The account keeps the
 * spelling it was registered with for display.
 */

/**
 * The key an account is stored and compared under. Upper- then lower-casing
 * folds what lower-casing alone leaves apart ("ß" and "SS", final and medial
 * sigma); NFC before and after, since case mapping can denormalise.
 */
export function accountKey(name: string): string {
  return name.normalize("NFC").toUpperCase().toLowerCase().normalize("NFC");
}
