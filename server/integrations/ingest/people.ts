// Who an address belongs to, before any database is asked: the user, a colleague, a personal mailbox,
// or someone outside; and, for a person we create, a first and last name from what the provider gave.
import { maxLengths } from "../../crm/limits";
import { truncateText } from "../../utils/text";
import { isFreeMailDomain } from "./free-mail";

// Deliberately loose (RFC 5322 allows far more than anyone uses) but strict enough that what we store
// is an address: one "@", no spaces or angle brackets, a dotted domain of letters, digits and hyphens.
const ADDRESS = /^[^\s@<>()[\]",;:]+@([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)$/;

/** The address lower-cased and trimmed, or null when it is not one we can store. */
export function normalizeAddress(raw: string): string | null {
  const address = raw.trim().toLowerCase();
  if (address.length === 0 || address.length > maxLengths.email) return null;
  return ADDRESS.test(address) ? address : null;
}

/** The domain of a normalized address. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1);
}

/**
 * The domain and each parent domain that still has two labels: "eu.mail.acme.com" → ["eu.mail.acme.com",
 * "mail.acme.com", "acme.com"]. An account's domain matches an address at any subdomain of it (a
 * company's regional or mail subdomains are the company); the most specific match wins.
 */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split(".");
  const found: string[] = [];
  for (let i = 0; i <= labels.length - 2; i += 1) found.push(labels.slice(i).join("."));
  return found;
}

/** An account's `domain` as people type it ("https://www.Acme.com/") reduced to "acme.com". */
export function normalizeAccountDomain(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/^www\./, "")
    .replace(/[/?#].*$/, "")
    .replace(/\.$/, "");
}

/** The user's own addresses and the domains that make someone a colleague. */
export type Self = { addresses: ReadonlySet<string>; internalDomains: readonly string[] };

export function selfFrom(ownEmails: readonly string[]): Self {
  const addresses = new Set(ownEmails.flatMap((raw) => normalizeAddress(raw) ?? []));
  const internalDomains = [...new Set([...addresses].map(domainOf))].filter((domain) => !isFreeMailDomain(domain));
  return { addresses, internalDomains };
}

/** A colleague's address: at one of the user's own (company) domains, or a subdomain of one. */
export function isInternal(self: Self, address: string): boolean {
  const domain = domainOf(address);
  return self.internalDomains.some((own) => domain === own || domain.endsWith(`.${own}`));
}

export function isPersonal(address: string): boolean {
  return isFreeMailDomain(domainOf(address));
}

const capitalize = (word: string) => (word ? word.charAt(0).toUpperCase() + word.slice(1) : word);

/**
 * First and last name for a new prospect. A display name is used as written ("Dana Reyes" → Dana /
 * Reyes; "Reyes, Dana" → Dana / Reyes; one word → first name only); without one (or when it is just the
 * address again) the local part is split on dots, underscores and hyphens ("dana.reyes" → Dana / Reyes).
 */
export function splitName(displayName: string | null, address: string): { firstName: string; lastName: string } {
  const cleaned = (displayName ?? "").replace(/["'`]/g, "").replace(/\s+/g, " ").trim();
  let first: string;
  let last: string;
  if (cleaned && !cleaned.includes("@")) {
    const comma = cleaned.indexOf(",");
    if (comma > 0) {
      last = cleaned.slice(0, comma).trim();
      first = cleaned.slice(comma + 1).trim();
    } else {
      const words = cleaned.split(" ");
      first = words.length > 1 ? words.slice(0, -1).join(" ") : words[0]!;
      last = words.length > 1 ? words[words.length - 1]! : "";
    }
  } else {
    const local = address.slice(0, address.lastIndexOf("@")).replace(/\+.*$/, "");
    const words = local
      .split(/[._-]+/)
      .filter(Boolean)
      .map(capitalize);
    first = words.length > 1 ? words.slice(0, -1).join(" ") : (words[0] ?? local);
    last = words.length > 1 ? words[words.length - 1]! : "";
  }
  if (!first) [first, last] = [last || address, ""];
  return {
    firstName: truncateText(first, maxLengths.firstName, ""),
    lastName: truncateText(last, maxLengths.lastName, ""),
  };
}

/** A display name for summaries: the name given, else the address. */
export function personLabel(name: string | null, address: string): string {
  const cleaned = (name ?? "").replace(/["']/g, "").trim();
  return cleaned && !cleaned.includes("@") ? cleaned : address;
}
