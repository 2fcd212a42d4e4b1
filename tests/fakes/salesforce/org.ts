// A fake Salesforce org: the records the fake REST API (./api.ts) answers from, generated
// deterministically from a seed and sizes, with mutators for tests (create, update, delete to the
// recycle bin, purge) and hooks for bad data. Each object's records are kept sorted by
// (SystemModstamp, Id), the order incremental sync reads them in, so `WHERE SystemModstamp > x ORDER
// BY SystemModstamp, Id` starts with a binary search instead of a scan and a sort. Datetimes are held
// as epoch milliseconds and rendered in Salesforce's format by the API.

export type FieldType =
  | "id"
  | "reference"
  | "string"
  | "textarea"
  | "picklist"
  | "email"
  | "url"
  | "phone"
  | "boolean"
  | "int"
  | "double"
  | "currency"
  | "percent"
  | "date"
  | "datetime";

export type FieldValue = string | number | boolean | null;
export type SObjectRecord = { Id: string; SystemModstamp: number; IsDeleted: boolean; [field: string]: FieldValue };

export type ObjectSchema = { keyPrefix: string; fields: Record<string, FieldType> };

const COMMON: Record<string, FieldType> = {
  Id: "id",
  IsDeleted: "boolean",
  SystemModstamp: "datetime",
  CreatedDate: "datetime",
  LastModifiedDate: "datetime",
};

/** The objects and fields the fake knows; a query naming anything else is refused like Salesforce does. */
export function orgSchema(multiCurrency: boolean): Record<string, ObjectSchema> {
  const currency: Record<string, FieldType> = multiCurrency ? { CurrencyIsoCode: "picklist" } : {};
  return {
    Organization: {
      keyPrefix: "00D",
      fields: { ...COMMON, Name: "string", DefaultCurrencyIsoCode: "picklist", OrganizationType: "picklist" },
    },
    User: {
      keyPrefix: "005",
      fields: { ...COMMON, Name: "string", Email: "email", Username: "string", IsActive: "boolean" },
    },
    OpportunityStage: {
      keyPrefix: "01J",
      fields: {
        ...COMMON,
        ApiName: "string",
        MasterLabel: "string",
        IsActive: "boolean",
        IsClosed: "boolean",
        IsWon: "boolean",
        DefaultProbability: "percent",
        SortOrder: "int",
        ForecastCategoryName: "picklist",
      },
    },
    Account: {
      keyPrefix: "001",
      fields: {
        ...COMMON,
        ...currency,
        Name: "string",
        Website: "url",
        Industry: "picklist",
        NumberOfEmployees: "int",
        BillingCity: "string",
        Rating: "picklist",
        Description: "textarea",
        OwnerId: "reference",
      },
    },
    Contact: {
      keyPrefix: "003",
      fields: {
        ...COMMON,
        FirstName: "string",
        LastName: "string",
        Email: "email",
        Title: "string",
        Phone: "phone",
        AccountId: "reference",
        OwnerId: "reference",
      },
    },
    Lead: {
      keyPrefix: "00Q",
      fields: {
        ...COMMON,
        FirstName: "string",
        LastName: "string",
        Email: "email",
        Title: "string",
        Phone: "phone",
        Company: "string",
        Status: "picklist",
        IsConverted: "boolean",
        OwnerId: "reference",
      },
    },
    Opportunity: {
      keyPrefix: "006",
      fields: {
        ...COMMON,
        ...currency,
        Name: "string",
        AccountId: "reference",
        StageName: "picklist",
        Amount: "currency",
        CloseDate: "date",
        Probability: "percent",
        NextStep: "string",
        IsClosed: "boolean",
        IsWon: "boolean",
        OwnerId: "reference",
      },
    },
    OpportunityContactRole: {
      keyPrefix: "00K",
      fields: {
        ...COMMON,
        OpportunityId: "reference",
        ContactId: "reference",
        Role: "picklist",
        IsPrimary: "boolean",
      },
    },
    OpportunityHistory: {
      keyPrefix: "008",
      fields: {
        ...COMMON,
        OpportunityId: "reference",
        StageName: "picklist",
        Amount: "currency",
        CloseDate: "date",
        Probability: "percent",
      },
    },
    Task: {
      keyPrefix: "00T",
      fields: {
        ...COMMON,
        Subject: "string",
        Description: "textarea",
        Status: "picklist",
        IsClosed: "boolean",
        TaskSubtype: "picklist",
        ActivityDate: "date",
        CompletedDateTime: "datetime",
        CallDurationInSeconds: "int",
        CallType: "picklist",
        CallDisposition: "string",
        WhoId: "reference",
        WhatId: "reference",
        AccountId: "reference",
        OwnerId: "reference",
      },
    },
    Event: {
      keyPrefix: "00U",
      fields: {
        ...COMMON,
        Subject: "string",
        Description: "textarea",
        Location: "string",
        StartDateTime: "datetime",
        EndDateTime: "datetime",
        IsAllDayEvent: "boolean",
        WhoId: "reference",
        WhatId: "reference",
        AccountId: "reference",
        OwnerId: "reference",
      },
    },
  };
}

export type OrgSizes = {
  accounts: number;
  contactsPerAccount: number;
  leads: number;
  opportunities: number;
  tasks: number;
  events: number;
};

export type FakeOrgOptions = {
  seed?: number;
  sizes?: Partial<OrgSizes>;
  multiCurrency?: boolean;
  defaultCurrency?: string;
  /** The org's clock at the end of generation (epoch ms); mutations move it forward. */
  now?: number;
};

const DEFAULT_SIZES: OrgSizes = {
  accounts: 20,
  contactsPerAccount: 3,
  leads: 10,
  opportunities: 15,
  tasks: 60,
  events: 10,
};

/** Salesforce's standard stages, plus a custom open stage that maps onto none of ours. */
export const STANDARD_STAGES: {
  label: string;
  closed: boolean;
  won: boolean;
  probability: number;
  active?: boolean;
}[] = [
  { label: "Prospecting", closed: false, won: false, probability: 10 },
  { label: "Qualification", closed: false, won: false, probability: 10 },
  { label: "Needs Analysis", closed: false, won: false, probability: 20 },
  { label: "Value Proposition", closed: false, won: false, probability: 50 },
  { label: "Id. Decision Makers", closed: false, won: false, probability: 60 },
  { label: "Perception Analysis", closed: false, won: false, probability: 70 },
  { label: "Proposal/Price Quote", closed: false, won: false, probability: 75 },
  { label: "Negotiation/Review", closed: false, won: false, probability: 90 },
  { label: "Legal Review (Custom)", closed: false, won: false, probability: 80 },
  { label: "Closed Won", closed: true, won: true, probability: 100 },
  { label: "Closed Lost", closed: true, won: false, probability: 0 },
  { label: "Closed - Duplicate", closed: true, won: false, probability: 0 },
];

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/** Salesforce's 18-character id: the 15-character case-sensitive id and a 3-character case checksum. */
export function salesforceId(keyPrefix: string, counter: number): string {
  let body = "";
  let n = counter;
  for (let i = 0; i < 10; i += 1) {
    body = BASE62[n % 62] + body;
    n = Math.floor(n / 62);
  }
  const id15 = `${keyPrefix}Hs${body}`;
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15[chunk * 5 + i]!;
      if (c >= "A" && c <= "Z") bits |= 1 << i;
    }
    suffix += SUFFIX[bits];
  }
  return id15 + suffix;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

const FIRST = ["Ada", "Ben", "Chloé", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam"];
const LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "O'Brien", "Novak", "Haddad", "Kowalski", "Reyes"];
const WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Soylent"];
const SUFFIXES = ["Corp", "Labs", "Systems", "Group", "Analytics", "Logistics", "Health", "Foods"];
const INDUSTRIES = ["Technology", "Healthcare", "Manufacturing", "Retail", "Finance", "Energy", null];
const CITIES = ["Berlin", "Austin", "Lyon", "Osaka", "Toronto", "Lagos", "Melbourne", null];
const TITLES = ["VP Sales", "CTO", "Head of Operations", "Procurement Lead", "CFO", "Engineering Manager", null];
const ROLES = ["Decision Maker", "Economic Buyer", "Technical Buyer", "Influencer", "Evaluator", null];
const SUBTYPES = ["Call", "Email", "Task", null];

/** One object's records, sorted by (SystemModstamp, Id), with an index by Id. */
export class ObjectTable {
  readonly sorted: SObjectRecord[] = [];
  readonly byId = new Map<string, SObjectRecord>();

  constructor(
    readonly name: string,
    readonly schema: ObjectSchema,
  ) {}

  /** The first position whose record sorts at or after (modstamp, id). */
  position(modstamp: number, id: string): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const r = this.sorted[mid]!;
      if (r.SystemModstamp < modstamp || (r.SystemModstamp === modstamp && r.Id < id)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The first position with SystemModstamp >= modstamp. */
  lowerBound(modstamp: number): number {
    return this.position(modstamp, "");
  }

  insert(record: SObjectRecord): void {
    const at = this.position(record.SystemModstamp, record.Id);
    if (at === this.sorted.length) this.sorted.push(record);
    else this.sorted.splice(at, 0, record);
    this.byId.set(record.Id, record);
  }

  remove(record: SObjectRecord): void {
    const at = this.position(record.SystemModstamp, record.Id);
    if (this.sorted[at] !== record) throw new Error(`${record.Id} is not where its SystemModstamp says`);
    this.sorted.splice(at, 1);
    this.byId.delete(record.Id);
  }
}

export class FakeOrg {
  readonly schema: Record<string, ObjectSchema>;
  readonly tables = new Map<string, ObjectTable>();
  readonly multiCurrency: boolean;
  readonly defaultCurrency: string;
  /** The org's clock (epoch ms): every mutation stamps records with it and moves it on. */
  clock: number;
  private counters = new Map<string, number>();

  constructor(options: FakeOrgOptions = {}) {
    this.multiCurrency = options.multiCurrency ?? false;
    this.defaultCurrency = options.defaultCurrency ?? "USD";
    this.schema = orgSchema(this.multiCurrency);
    for (const [name, schema] of Object.entries(this.schema)) this.tables.set(name, new ObjectTable(name, schema));
    this.clock = options.now ?? Date.UTC(2026, 5, 1, 12, 0, 0);
    generate(this, { ...DEFAULT_SIZES, ...options.sizes }, options.seed ?? 1);
  }

  table(objectName: string): ObjectTable {
    const table = this.tables.get(objectName);
    if (!table) throw new Error(`No such object: ${objectName}`);
    return table;
  }

  nextId(objectName: string): string {
    const n = (this.counters.get(objectName) ?? 0) + 1;
    this.counters.set(objectName, n);
    return salesforceId(this.table(objectName).schema.keyPrefix, n);
  }

  /** Moves the clock on by `ms` (one second by default) and returns the new time. */
  tick(ms = 1000): number {
    this.clock += ms;
    return this.clock;
  }

  /** Live records (not in the recycle bin) of an object, in (SystemModstamp, Id) order. */
  live(objectName: string): SObjectRecord[] {
    return this.table(objectName).sorted.filter((r) => !r.IsDeleted);
  }

  get(id: string): SObjectRecord | undefined {
    for (const table of this.tables.values()) {
      const record = table.byId.get(id);
      if (record) return record;
    }
    return undefined;
  }

  /** Creates a record stamped now (or at `at`, for tests of ties); returns it. */
  create(objectName: string, fields: Record<string, FieldValue>, at?: number): SObjectRecord {
    const stamp = at ?? this.tick();
    const record: SObjectRecord = {
      Id: this.nextId(objectName),
      IsDeleted: false,
      CreatedDate: stamp,
      LastModifiedDate: stamp,
      ...fields,
      SystemModstamp: stamp,
    };
    this.table(objectName).insert(record);
    return record;
  }

  /** Changes fields and bumps SystemModstamp (to `at` when given, for tests of ties). */
  update(id: string, fields: Record<string, FieldValue>, at?: number): SObjectRecord {
    const { table, record } = this.locate(id);
    table.remove(record);
    Object.assign(record, fields);
    record.SystemModstamp = at ?? this.tick();
    record.LastModifiedDate = record.SystemModstamp;
    table.insert(record);
    return record;
  }

  /** To the recycle bin: IsDeleted = true, visible to queryAll only. */
  delete(id: string): void {
    this.update(id, { IsDeleted: true });
  }

  /** Gone from the recycle bin too (emptied, or 15 days passed): visible to nothing. */
  purge(id: string): void {
    const { table, record } = this.locate(id);
    table.remove(record);
  }

  /**
   * Bad data, as real orgs have it: sets a field to any value without the checks an update would
   * make and without moving SystemModstamp (a required field emptied by an integration user, a
   * picklist value a managed package added, a huge text field).
   */
  corrupt(id: string, fields: Record<string, FieldValue>): void {
    Object.assign(this.locate(id).record, fields);
  }

  private locate(id: string): { table: ObjectTable; record: SObjectRecord } {
    for (const table of this.tables.values()) {
      const record = table.byId.get(id);
      if (record) return { table, record };
    }
    throw new Error(`No record ${id}`);
  }

  /** Record counts per object (live, deleted), for tests and the benchmark. */
  counts(): Record<string, { live: number; deleted: number }> {
    const out: Record<string, { live: number; deleted: number }> = {};
    for (const [name, table] of this.tables) {
      let deleted = 0;
      for (const r of table.sorted) if (r.IsDeleted) deleted += 1;
      out[name] = { live: table.sorted.length - deleted, deleted };
    }
    return out;
  }
}

/**
 * Fills the org: an Organization and users, the stage picklist, then accounts with website domains,
 * contacts with emails at those domains, leads, opportunities with contact roles and stage history,
 * tasks (calls, emails, to-dos; some still open) and events. Records are stamped in batches that
 * share a SystemModstamp (as a bulk load does), so ties on SystemModstamp are common, as in real orgs.
 */
function generate(org: FakeOrg, sizes: OrgSizes, seed: number): void {
  const rnd = prng(seed);
  const total =
    sizes.accounts * (1 + sizes.contactsPerAccount) +
    sizes.leads +
    sizes.opportunities * 4 +
    sizes.tasks +
    sizes.events;
  const start = org.clock - Math.max(1, Math.ceil(total / 25)) * 1000 - 60_000;
  let stamp = start;
  let inBatch = 0;
  const nextStamp = () => {
    if (++inBatch >= 25) {
      inBatch = 0;
      stamp += 1000;
    }
    return stamp;
  };
  // Records are pushed in (stamp, id) order per object, so tables need no sorting.
  const add = (objectName: string, fields: Record<string, FieldValue>) => {
    const at = nextStamp();
    const record: SObjectRecord = {
      Id: org.nextId(objectName),
      IsDeleted: false,
      CreatedDate: at,
      LastModifiedDate: at,
      ...fields,
      SystemModstamp: at,
    };
    const table = org.table(objectName);
    table.sorted.push(record);
    table.byId.set(record.Id, record);
    return record;
  };

  add("Organization", {
    Name: "Fake Org Inc.",
    DefaultCurrencyIsoCode: org.defaultCurrency,
    OrganizationType: "Enterprise Edition",
  });
  const owner = add("User", {
    Name: "Sam Seller",
    Email: "sam@fakeorg.example",
    Username: "sam@fakeorg.example.sfdc",
    IsActive: true,
  });
  add("User", {
    Name: "Ola Admin",
    Email: "ola@fakeorg.example",
    Username: "ola@fakeorg.example.sfdc",
    IsActive: true,
  });
  STANDARD_STAGES.forEach((stage, index) =>
    add("OpportunityStage", {
      ApiName: stage.label,
      MasterLabel: stage.label,
      IsActive: stage.active ?? true,
      IsClosed: stage.closed,
      IsWon: stage.won,
      DefaultProbability: stage.probability,
      SortOrder: index + 1,
      ForecastCategoryName: stage.won ? "Closed" : stage.closed ? "Omitted" : "Pipeline",
    }),
  );

  const accounts: { id: string; domain: string; contacts: string[] }[] = [];
  for (let i = 0; i < sizes.accounts; i += 1) {
    const name = `${rnd.pick(WORDS)} ${rnd.pick(SUFFIXES)} ${i + 1}`;
    const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example`;
    const account = add("Account", {
      Name: name,
      Website: rnd.next() < 0.5 ? `https://www.${domain}` : domain,
      Industry: rnd.pick(INDUSTRIES),
      NumberOfEmployees: rnd.next() < 0.8 ? 10 + rnd.int(5000) : null,
      BillingCity: rnd.pick(CITIES),
      Rating: rnd.pick(["Hot", "Warm", "Cold", null]),
      Description: rnd.next() < 0.3 ? `${name} buys through a yearly tender.` : null,
      OwnerId: owner.Id,
      ...(org.multiCurrency ? { CurrencyIsoCode: rnd.pick(["USD", "EUR", "JPY"]) } : {}),
    });
    accounts.push({ id: account.Id, domain, contacts: [] });
  }
  for (const account of accounts) {
    for (let c = 0; c < sizes.contactsPerAccount; c += 1) {
      const first = rnd.pick(FIRST);
      const last = rnd.pick(LAST);
      const contact = add("Contact", {
        FirstName: first,
        LastName: last,
        Email: `${first}.${last}.${c}`.toLowerCase().replace(/[^a-z0-9.]/g, "") + `@${account.domain}`,
        Title: rnd.pick(TITLES),
        Phone: rnd.next() < 0.6 ? `+1 555 ${String(1000 + rnd.int(9000))}` : null,
        AccountId: account.id,
        OwnerId: owner.Id,
      });
      account.contacts.push(contact.Id);
    }
  }
  const leads: string[] = [];
  for (let i = 0; i < sizes.leads; i += 1) {
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    const company = `${rnd.pick(WORDS)} ${rnd.pick(SUFFIXES)} Lead ${i + 1}`;
    const lead = add("Lead", {
      FirstName: first,
      LastName: last,
      Email: `${first.toLowerCase().replace(/[^a-z]/g, "")}@${company.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example`,
      Title: rnd.pick(TITLES),
      Phone: null,
      Company: company,
      Status: rnd.pick(["Open - Not Contacted", "Working - Contacted"]),
      IsConverted: false,
      OwnerId: owner.Id,
    });
    leads.push(lead.Id);
  }
  const opportunities: { id: string; account: (typeof accounts)[number] }[] = [];
  const openStages = STANDARD_STAGES.filter((s) => !s.closed);
  for (let i = 0; i < sizes.opportunities && accounts.length > 0; i += 1) {
    const account = accounts[i % accounts.length]!;
    const stage = rnd.next() < 0.25 ? rnd.pick(STANDARD_STAGES) : rnd.pick(openStages);
    const closeMonth = 1 + rnd.int(12);
    const opportunity = add("Opportunity", {
      Name: `${account.domain.split(".")[0]} — deal ${i + 1}`,
      AccountId: account.id,
      StageName: stage.label,
      Amount: rnd.next() < 0.9 ? Math.round(rnd.next() * 20_000_000) / 100 : null,
      CloseDate: `2026-${String(closeMonth).padStart(2, "0")}-${String(1 + rnd.int(28)).padStart(2, "0")}`,
      Probability: stage.probability,
      NextStep: rnd.next() < 0.5 ? "Send the security questionnaire" : null,
      IsClosed: stage.closed,
      IsWon: stage.won,
      OwnerId: owner.Id,
      ...(org.multiCurrency ? { CurrencyIsoCode: rnd.pick(["USD", "EUR", "JPY"]) } : {}),
    });
    opportunities.push({ id: opportunity.Id, account });
  }
  for (const { id, account } of opportunities) {
    const contact = account.contacts.length > 0 ? rnd.pick(account.contacts) : null;
    if (contact)
      add("OpportunityContactRole", { OpportunityId: id, ContactId: contact, Role: rnd.pick(ROLES), IsPrimary: true });
  }
  for (const { id } of opportunities) {
    const first = STANDARD_STAGES[rnd.int(3)]!;
    const opportunity = org.table("Opportunity").byId.get(id)!;
    for (const stageName of new Set([first.label, String(opportunity.StageName)])) {
      add("OpportunityHistory", {
        OpportunityId: id,
        StageName: stageName,
        Amount: opportunity.Amount ?? null,
        CloseDate: opportunity.CloseDate ?? null,
        Probability: opportunity.Probability ?? null,
      });
    }
  }
  for (let i = 0; i < sizes.tasks && accounts.length > 0; i += 1) {
    const account = accounts[rnd.int(accounts.length)]!;
    const subtype = rnd.pick(SUBTYPES);
    const closed = rnd.next() < 0.85;
    const whoId = rnd.next() < 0.9 && account.contacts.length > 0 ? rnd.pick(account.contacts) : (leads[0] ?? null);
    const opportunity = rnd.next() < 0.3 && opportunities.length > 0 ? rnd.pick(opportunities).id : null;
    const day = 1 + rnd.int(28);
    add("Task", {
      Subject: subtype === "Call" ? "Call" : subtype === "Email" ? "Email: Following up" : "Send pricing",
      Description: rnd.next() < 0.5 ? "Discussed the rollout plan and next steps." : null,
      Status: closed ? "Completed" : "Not Started",
      IsClosed: closed,
      TaskSubtype: subtype,
      ActivityDate: `2026-05-${String(day).padStart(2, "0")}`,
      CompletedDateTime: closed ? Date.UTC(2026, 4, day, 9 + rnd.int(8)) : null,
      CallDurationInSeconds: subtype === "Call" ? 60 + rnd.int(1800) : null,
      CallType: subtype === "Call" ? rnd.pick(["Inbound", "Outbound"]) : null,
      CallDisposition: subtype === "Call" ? rnd.pick(["Connected", "Left voicemail"]) : null,
      WhoId: whoId,
      WhatId: opportunity ?? account.id,
      AccountId: account.id,
      OwnerId: owner.Id,
    });
  }
  for (let i = 0; i < sizes.events && accounts.length > 0; i += 1) {
    const account = accounts[rnd.int(accounts.length)]!;
    const startsAt = Date.UTC(2026, 5, 1 + rnd.int(28), 8 + rnd.int(8));
    add("Event", {
      Subject: "Discovery call",
      Description: null,
      Location: rnd.next() < 0.5 ? "Zoom" : null,
      StartDateTime: startsAt,
      EndDateTime: startsAt + 30 * 60_000,
      IsAllDayEvent: false,
      WhoId: account.contacts[0] ?? null,
      WhatId: account.id,
      AccountId: account.id,
      OwnerId: owner.Id,
    });
  }
  org.clock = Math.max(org.clock, stamp + 1000);
}
