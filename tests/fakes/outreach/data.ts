// The data behind the fake Outreach API: resources as Outreach stores them (integer ids, camelCase
// attributes, to-one relationships by type and id), seeded by a deterministic generator so a test,
// the benchmark and the demo get the same org from the same seed. Mutators change it the way users
// of Outreach do: create, update (which bumps updatedAt, second precision like Outreach's), and
// delete (which only makes a record vanish from listings: Outreach has no deletion feed). Bad-data
// hooks replace what a record answers with anything at all, to test the connector's validation.

/** The resource types the fake serves, by their JSON:API `type` (singular) and their path (plural). */
export const OUTREACH_TYPES = {
  account: "accounts",
  prospect: "prospects",
  opportunity: "opportunities",
  opportunityStage: "opportunityStages",
  sequence: "sequences",
  sequenceStep: "sequenceSteps",
  sequenceState: "sequenceStates",
  mailing: "mailings",
  call: "calls",
  user: "users",
} as const;

export type OutreachType = keyof typeof OUTREACH_TYPES;

export type ResourceIdentifier = { type: OutreachType; id: number };

/** One stored resource. `createdAt`/`updatedAt` are also served as attributes. */
export type StoredResource = {
  type: OutreachType;
  id: number;
  createdAt: Date;
  updatedAt: Date;
  attributes: Record<string, unknown>;
  relationships: Record<string, ResourceIdentifier | null>;
  /** A bad-data hook: served in place of the resource object, as is (may be anything). */
  raw?: unknown;
};

export type OutreachDataOptions = {
  seed?: number;
  accounts?: number;
  /** Prospects per account. */
  prospectsPerAccount?: number;
  sequences?: number;
  /** Mailings per prospect that is in a sequence. */
  mailingsPerEnrollment?: number;
  callsPerAccount?: number;
  opportunitiesPerAccount?: number;
  /** When the generated history starts; every record's timestamps fall after it. */
  start?: Date;
  /** The user the token belongs to (owner of the mailbox the mailings come from). */
  user?: { email: string; firstName: string; lastName: string };
};

/** Salesforce's standard opportunity stages, as a Salesforce-synced Outreach org has them. */
export const STANDARD_STAGES: { name: string; isClosed: boolean }[] = [
  { name: "Prospecting", isClosed: false },
  { name: "Qualification", isClosed: false },
  { name: "Needs Analysis", isClosed: false },
  { name: "Proposal/Price Quote", isClosed: false },
  { name: "Negotiation/Review", isClosed: false },
  { name: "Closed Won", isClosed: true },
  { name: "Closed Lost", isClosed: true },
  // A stage an org made up: no obvious meaning.
  { name: "Champion Identified", isClosed: false },
];

export const SEQUENCE_STATES = ["active", "paused", "finished", "failed", "bounced", "pending", "opted_out"] as const;
export const DELIVERED_MAILING_STATES = ["delivered", "opened", "replied"] as const;
export const UNSENT_MAILING_STATES = ["drafted", "scheduled", "queued"] as const;

const COMPANY_WORDS = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Vandelay",
  "Stark",
  "Wayne",
  "Tyrell",
  "Cyberdyne",
];
const COMPANY_SUFFIXES = ["Labs", "Systems", "Logistics", "Health", "Analytics", "Foods", "Energy", "Robotics"];
const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Radia", "Ken", "Frances", "Leslie"];
const LAST_NAMES = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Perlman",
  "Thompson",
  "Allen",
  "Lamport",
];
const TITLES = ["VP Sales", "Head of Operations", "CTO", "Procurement Manager", "Director of IT", "CFO"];
const INDUSTRIES = ["Manufacturing", "Software", "Healthcare", "Retail", "Logistics"];
const FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com"];

/** A small, fast, deterministic PRNG (mulberry32). */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

/** Outreach keeps timestamps to the second. */
function toSecond(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

export class OutreachData {
  private readonly resources = new Map<OutreachType, Map<number, StoredResource>>();
  private readonly nextIds = new Map<OutreachType, number>();
  /** The fake's clock: what `updatedAt` becomes on a change. Tests move it forward. */
  now: Date;
  /** The id of the user the generated mailings and calls belong to. */
  readonly userId: number;

  constructor(options: OutreachDataOptions = {}) {
    const random = prng(options.seed ?? 1);
    const start = toSecond(options.start ?? new Date("2026-01-05T09:00:00Z"));
    this.now = start;
    for (const type of Object.keys(OUTREACH_TYPES) as OutreachType[]) {
      this.resources.set(type, new Map());
      this.nextIds.set(type, 1);
    }
    let clock = start.getTime();
    // Every generated record is a second or a few after the one before: ties are possible but rare,
    // as in a real org; tests that need ties make them with `update`.
    const tick = () => {
      clock += random.int(0, 3) * 1000;
      return new Date(clock);
    };
    const user = options.user ?? { email: "seller@example.com", firstName: "Sam", lastName: "Seller" };
    this.userId = this.insert("user", tick(), {
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      name: `${user.firstName} ${user.lastName}`,
    }).id;

    const stageIds = STANDARD_STAGES.map(
      (stage, index) =>
        this.insert("opportunityStage", tick(), { name: stage.name, isClosed: stage.isClosed, order: index + 1 }).id,
    );
    const sequences: { id: number; steps: number[] }[] = [];
    for (let s = 0; s < (options.sequences ?? 3); s += 1) {
      const stepCount = random.int(3, 6);
      const sequence = this.insert("sequence", tick(), {
        name: `${random.pick(["Outbound", "Inbound follow-up", "Event", "Re-engage"])} ${s + 1}`,
        sequenceStepCount: stepCount,
        enabled: true,
      });
      const steps: number[] = [];
      for (let order = 1; order <= stepCount; order += 1) {
        steps.push(
          this.insert(
            "sequenceStep",
            tick(),
            { order, stepType: order % 3 === 0 ? "call" : "auto_email" },
            { sequence: { type: "sequence", id: sequence.id } },
          ).id,
        );
      }
      sequences.push({ id: sequence.id, steps });
    }

    const accounts = options.accounts ?? 5;
    for (let a = 0; a < accounts; a += 1) {
      const name = `${COMPANY_WORDS[a % COMPANY_WORDS.length]} ${COMPANY_SUFFIXES[Math.floor(a / COMPANY_WORDS.length) % COMPANY_SUFFIXES.length]}${a >= COMPANY_WORDS.length * COMPANY_SUFFIXES.length ? ` ${a}` : ""}`;
      const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.example`;
      const account = this.insert("account", tick(), {
        name,
        domain,
        websiteUrl: `https://www.${domain}/`,
        industry: random.pick(INDUSTRIES),
        numberOfEmployees: random.int(10, 5000),
        locality: random.pick(["Western Europe", "Eastern USA", "APAC"]),
        description: `${name} makes things.`,
        tags: [],
      });
      const prospectIds: number[] = [];
      for (let p = 0; p < (options.prospectsPerAccount ?? 3); p += 1) {
        const firstName = random.pick(FIRST_NAMES);
        const lastName = random.pick(LAST_NAMES);
        const local = `${firstName}.${lastName}${a}${p}`.toLowerCase();
        // One in five uses a personal address as their primary email.
        const personal = random.next() < 0.2;
        const emails = personal ? [`${local}@${random.pick(FREE_MAIL)}`, `${local}@${domain}`] : [`${local}@${domain}`];
        const prospect = this.insert(
          "prospect",
          tick(),
          {
            firstName,
            lastName,
            name: `${firstName} ${lastName}`,
            emails,
            title: random.pick(TITLES),
            workPhones: [`+1 555 01${String(a).padStart(2, "0")}${p}`],
            mobilePhones: [],
            linkedInUrl: `https://www.linkedin.com/in/${local.replace(".", "-")}`,
          },
          { account: { type: "account", id: account.id } },
        );
        prospectIds.push(prospect.id);
      }
      for (let o = 0; o < (options.opportunitiesPerAccount ?? 1); o += 1) {
        const stageIndex = random.int(0, STANDARD_STAGES.length - 1);
        // Half of the opportunities came from Salesforce and name the Salesforce opportunity.
        const fromSalesforce = random.next() < 0.5;
        this.insert(
          "opportunity",
          tick(),
          {
            name: `${name} — ${random.pick(["Platform", "Expansion", "Pilot", "Renewal"])}`,
            amount: random.int(5, 500) * 1000,
            currencyType: "USD",
            closeDate: new Date(clock + random.int(10, 120) * 86_400_000).toISOString(),
            probability: random.int(1, 9) * 10,
            nextStep: random.pick(["Send proposal", "Book demo", null]),
            customId: fromSalesforce ? salesforceOpportunityId(random.int(1, 0xffffff)) : null,
          },
          {
            account: { type: "account", id: account.id },
            opportunityStage: { type: "opportunityStage", id: stageIds[stageIndex]! },
          },
        );
      }
      // Enrol most prospects in a sequence; each enrolment has mailings and a sequence state.
      for (const prospectId of prospectIds) {
        if (sequences.length === 0 || random.next() < 0.25) continue;
        const sequence = random.pick(sequences);
        const current = random.int(1, sequence.steps.length);
        const state = this.insert(
          "sequenceState",
          tick(),
          { state: random.pick(SEQUENCE_STATES), stateChangedAt: new Date(clock).toISOString() },
          {
            prospect: { type: "prospect", id: prospectId },
            sequence: { type: "sequence", id: sequence.id },
            sequenceStep: { type: "sequenceStep", id: sequence.steps[current - 1]! },
          },
        );
        const mailings = options.mailingsPerEnrollment ?? 2;
        for (let m = 0; m < mailings; m += 1) {
          // The last one of an enrolment may still be a draft or scheduled.
          const delivered = m < mailings - 1 || random.next() < 0.5;
          const at = tick();
          const mailingState = delivered ? random.pick(DELIVERED_MAILING_STATES) : random.pick(UNSENT_MAILING_STATES);
          this.insert(
            "mailing",
            at,
            {
              subject: m === 0 ? `Quick question about ${name}` : `Re: Quick question about ${name}`,
              bodyHtml: `<p>Hi there,</p><p>Step ${m + 1}: would a short call next week help ${name}?</p><p>${user.firstName}</p>`,
              bodyText: `Hi there,\n\nStep ${m + 1}: would a short call next week help ${name}?\n\n${user.firstName}`,
              messageId: delivered ? `<outreach-${state.id}-${m}.${seedTag(options.seed)}@mail.example.com>` : null,
              state: mailingState,
              mailingType: "sequence",
              deliveredAt: delivered ? at.toISOString() : null,
              scheduledAt: delivered ? null : new Date(clock + 86_400_000).toISOString(),
              mailboxAddress: user.email,
            },
            {
              prospect: { type: "prospect", id: prospectId },
              sequence: { type: "sequence", id: sequence.id },
              sequenceState: { type: "sequenceState", id: state.id },
              user: { type: "user", id: this.userId },
            },
          );
        }
      }
      for (let c = 0; c < (options.callsPerAccount ?? 1); c += 1) {
        if (prospectIds.length === 0) break;
        const dialed = tick();
        const answered = random.next() < 0.6;
        const seconds = answered ? random.int(30, 1800) : 0;
        this.insert(
          "call",
          dialed,
          {
            direction: random.next() < 0.8 ? "outbound" : "inbound",
            outcome: answered ? "Answered" : "Not Answered",
            note: answered ? `Talked about ${name}'s roll-out plans.` : null,
            dialedAt: dialed.toISOString(),
            answeredAt: answered ? dialed.toISOString() : null,
            completedAt: new Date(dialed.getTime() + seconds * 1000).toISOString(),
            state: "completed",
          },
          {
            prospect: { type: "prospect", id: random.pick(prospectIds) },
            user: { type: "user", id: this.userId },
          },
        );
      }
    }
    this.now = new Date(Math.max(clock, start.getTime()) + 60_000);
  }

  private insert(
    type: OutreachType,
    at: Date,
    attributes: Record<string, unknown>,
    relationships: Record<string, ResourceIdentifier | null> = {},
  ): StoredResource {
    const id = this.nextIds.get(type)!;
    this.nextIds.set(type, id + 1);
    const resource: StoredResource = {
      type,
      id,
      createdAt: toSecond(at),
      updatedAt: toSecond(at),
      attributes,
      relationships,
    };
    this.resources.get(type)!.set(id, resource);
    return resource;
  }

  /** Every live resource of a type, in no particular order. */
  all(type: OutreachType): StoredResource[] {
    return [...this.resources.get(type)!.values()];
  }

  get(type: OutreachType, id: number): StoredResource | undefined {
    return this.resources.get(type)!.get(id);
  }

  /** The user with this email, or undefined. */
  userByEmail(email: string): StoredResource | undefined {
    return this.all("user").find((user) => String(user.attributes.email).toLowerCase() === email.toLowerCase());
  }

  /** Moves the fake's clock (and so the next updatedAt) forward. */
  advance(ms: number): Date {
    this.now = new Date(this.now.getTime() + ms);
    return this.now;
  }

  /** Creates a resource now. */
  create(
    type: OutreachType,
    attributes: Record<string, unknown>,
    relationships: Record<string, ResourceIdentifier | null> = {},
  ): StoredResource {
    return this.insert(type, this.now, attributes, relationships);
  }

  /** Changes attributes/relationships of a resource and bumps its updatedAt to the clock. */
  update(
    type: OutreachType,
    id: number,
    attributes: Record<string, unknown>,
    relationships: Record<string, ResourceIdentifier | null> = {},
  ): StoredResource {
    const resource = this.get(type, id);
    if (!resource) throw new Error(`no ${type} ${id}`);
    Object.assign(resource.attributes, attributes);
    Object.assign(resource.relationships, relationships);
    resource.updatedAt = toSecond(this.now);
    return resource;
  }

  /** Deletes a resource: it is gone from every listing, and nothing says it was there. */
  delete(type: OutreachType, id: number): void {
    this.resources.get(type)!.delete(id);
  }

  /**
   * Bad data: the resource answers `raw` (any value) in listings instead of its own object. It
   * keeps its place (id, updatedAt) for filters, sorting and paging; its updatedAt is bumped.
   */
  corrupt(type: OutreachType, id: number, raw: unknown): void {
    const resource = this.get(type, id);
    if (!resource) throw new Error(`no ${type} ${id}`);
    resource.raw = raw;
    resource.updatedAt = toSecond(this.now);
  }
}

function seedTag(seed: number | undefined): string {
  return `s${seed ?? 1}`;
}

/**
 * A Salesforce Opportunity id as Salesforce's REST API gives it: 18 characters, key prefix 006,
 * with the case-safe suffix computed from the 15-character id.
 */
export function salesforceOpportunityId(n: number): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let body = "";
  let rest = n;
  for (let i = 0; i < 9; i += 1) {
    body = alphabet[rest % 62]! + body;
    rest = Math.floor(rest / 62);
  }
  const id15 = `0064x000${body}`.slice(0, 15);
  return id15 + salesforceIdSuffix(id15);
}

/** The three characters Salesforce appends to a 15-character id to make it case-insensitive-safe. */
export function salesforceIdSuffix(id15: string): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  let suffix = "";
  for (let block = 0; block < 3; block += 1) {
    let flags = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15[block * 5 + i]!;
      if (c >= "A" && c <= "Z") flags |= 1 << i;
    }
    suffix += chars[flags]!;
  }
  return suffix;
}
