// What the record pickers (components/record-pickers.tsx) offer: the first 100 of the user's accounts,
// deals and people by name (the API's page limit), plus the records a form already refers to, so a
// preselected or current choice never falls off the list and is lost on saving.
import type { AccountChoice, DealChoice, PersonChoice } from "../components/record-pickers";
import { isMissing } from "./api-errors.server";
import { personName } from "./format";
import type { ServerApi } from "./trpc.server";

/** How many records a picker lists (the API's largest page). */
export const PICKER_CHOICES = 100;

/** A record the form refers to, or null when it is not the user's (a stale or hand-edited link). */
async function ifTheirs<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/**
 * The accounts a form's select offers, plus `include` when it is the user's and beyond those.
 * `selected` is `include` when it is the user's, else ""; `accountsCut` says more accounts exist
 * than are listed.
 */
export async function accountChoices(
  api: ServerApi,
  include?: string | null,
): Promise<{ accounts: AccountChoice[]; accountsCut: boolean; selected: string }> {
  const page = await api.accounts.list({ limit: PICKER_CHOICES, sort: "name" });
  const accounts = page.items.map((a) => ({ id: a.id, name: a.name }));
  const accountsCut = page.total > page.items.length;
  if (!include) return { accounts, accountsCut, selected: "" };
  if (accounts.some((a) => a.id === include)) return { accounts, accountsCut, selected: include };
  const extra = await ifTheirs(api.accounts.get({ id: include }));
  if (!extra) return { accounts, accountsCut, selected: "" };
  accounts.push({ id: extra.id, name: extra.name });
  accounts.sort((a, b) => a.name.localeCompare(b.name, "en"));
  return { accounts, accountsCut, selected: extra.id };
}

type DealRecord = { id: string; name: string; account?: { id: string; name: string } | null };

function dealChoice(deal: DealRecord): DealChoice {
  return { id: deal.id, name: deal.name, accountId: deal.account?.id ?? null, accountName: deal.account?.name ?? null };
}

/** The deals a form's select offers, plus `include` (the current or preselected one) when it is the user's. */
export async function dealChoices(api: ServerApi, include?: string | null): Promise<DealChoice[]> {
  const page = await api.opportunities.list({ limit: PICKER_CHOICES, sort: "name", state: "all" });
  const deals = page.items.map(dealChoice);
  if (include && !deals.some((d) => d.id === include)) {
    const extra = await ifTheirs(api.opportunities.get({ id: include }));
    if (extra) deals.push(dealChoice(extra));
  }
  return deals;
}

type PersonRecord = { id: string; firstName: string; lastName: string; account?: { name: string } | null };

function personChoice(person: PersonRecord): PersonChoice {
  return { id: person.id, name: personName(person), accountName: person.account?.name ?? null };
}

/** The people a form offers as checkboxes, plus those already chosen. */
export async function peopleChoices(api: ServerApi, chosen: readonly PersonRecord[] = []): Promise<PersonChoice[]> {
  const page = await api.prospects.list({ limit: PICKER_CHOICES, sort: "name" });
  const people = page.items.map(personChoice);
  for (const person of chosen) if (!people.some((p) => p.id === person.id)) people.push(personChoice(person));
  return people;
}
