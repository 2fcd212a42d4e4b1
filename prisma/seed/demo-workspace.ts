// The demo sales workspace: a believable book of business for one account executive, written in the
// workspace JSON format (docs/workspace-format.md) so the demo seed goes through the same importer
// as a user's own file. Everything is derived from one seeded PRNG and from DEMO_REFERENCE_DATE, so
// two runs produce the same document; the importer shifts every timestamp by now − referenceDate,
// which keeps "upcoming" meetings upcoming whenever the demo is loaded.
import {
  WORKSPACE_FORMAT,
  WORKSPACE_VERSION,
  idPrefixes,
  type activityTypes,
  opportunityStages,
  type prospectRoles,
  type recordSources,
  type WorkspaceAccount,
  type WorkspaceActivity,
  type WorkspaceConversation,
  type WorkspaceDocumentInput,
  type WorkspaceMeeting,
  type WorkspaceMessage,
  type WorkspaceNote,
  type WorkspaceOpportunity,
  type WorkspaceProspect,
} from "../../server/data-rights/workspace-format";

/** A Monday morning: every generated timestamp is placed relative to this instant. */
export const DEMO_REFERENCE_DATE = "2026-01-12T09:00:00Z";

/** The seller whose workspace this is: an AE at Northbeam, a data-observability vendor. */
export const DEMO_OWNER = { name: "Alex Morgan", email: "alex@northbeam.example" } as const;

type OpportunityStage = (typeof opportunityStages)[number];
type ProspectRole = (typeof prospectRoles)[number];
type ActivityType = (typeof activityTypes)[number];
type RecordSource = (typeof recordSources)[number];

// A fixed seed: changing it reshuffles the whole demo, so only do it on purpose.
const SEED = 0x5eed2026;
const REFERENCE_MS = Date.parse(DEMO_REFERENCE_DATE);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Northbeam colleagues who appear in the correspondence but are not prospects. */
const SOLUTIONS_ENGINEER = "Dana Kim";
const CUSTOMER_SUCCESS = "Jordan Lee";

// ---------------------------------------------------------------------------------------------
// Data tables
// ---------------------------------------------------------------------------------------------

type Tier = "strategic" | "enterprise" | "mid_market";
type Currency = "USD" | "EUR" | "GBP";

interface CompanySeed {
  name: string;
  domain: string;
  industry: string;
  employees: number;
  city: string;
  tier: Tier;
  currency: Currency;
  /** Completes "<name> …" in the account description. */
  about: string;
  /** The data problem this company feels, in its own terms. */
  pain: string;
  /** A concrete incident the pilot (or the prospect) can point to. */
  incident: string;
  /** A table name their engineers would mention. */
  table: string;
  /** Its first deal is a seven-figure one. */
  bigDeal?: boolean;
}

const COMPANIES: readonly CompanySeed[] = [
  {
    name: "Acme Logistics",
    domain: "acme-logistics.example",
    industry: "Logistics & freight",
    employees: 4200,
    city: "Chicago, IL",
    tier: "enterprise",
    currency: "USD",
    about:
      "runs a less-than-truckload freight network across 38 US terminals and sells real-time shipment tracking to shippers",
    pain: "late-arriving carrier EDI feeds that silently break the ETA predictions shippers see in the tracking portal",
    incident: "the terminal-scan feed from Memphis that stopped updating for nine hours",
    table: "shipment_events",
  },
  {
    name: "Brightwater Health",
    domain: "brightwater-health.example",
    industry: "Healthcare provider",
    employees: 12800,
    city: "Boston, MA",
    tier: "strategic",
    currency: "USD",
    about: "operates 14 hospitals and 90 outpatient clinics across New England",
    pain: "duplicate patient encounters flowing into the readmissions dashboards the quality team reports to the state",
    incident: "an EHR extract schema change that dropped the discharge_disposition column",
    table: "encounters_daily",
    bigDeal: true,
  },
  {
    name: "Cobalt Financial",
    domain: "cobalt-financial.example",
    industry: "Wealth management",
    employees: 2600,
    city: "New York, NY",
    tier: "enterprise",
    currency: "USD",
    about: "is a wealth management firm with $40B under management and 300 advisors",
    pain: "client performance reports going out with stale pricing data",
    incident: "a vendor price file that arrived with 30% fewer rows than usual",
    table: "security_prices",
  },
  {
    name: "Driftwood Retail Group",
    domain: "driftwood-retail.example",
    industry: "Retail",
    employees: 9500,
    city: "Seattle, WA",
    tier: "strategic",
    currency: "USD",
    about: "owns three outdoor and home-goods brands with 310 stores and a fast-growing e-commerce channel",
    pain: "store inventory in the e-commerce feed drifting from what is on the shelves, which drives cancelled orders",
    incident: "an inventory sync that double-counted two regions after a point-of-sale upgrade",
    table: "inventory_snapshot",
  },
  {
    name: "Evergreen Energy",
    domain: "evergreen-energy.example",
    industry: "Energy & utilities",
    employees: 6100,
    city: "Denver, CO",
    tier: "enterprise",
    currency: "USD",
    about: "is a regional utility running smart-meter infrastructure for 2.3 million customers",
    pain: "gaps in smart-meter interval data that nobody notices until the billing run",
    incident: "a 6% drop in meter-read volume from one substation that turned out to be a failed collector",
    table: "meter_intervals",
  },
  {
    name: "Foxglove Insurance",
    domain: "foxglove-insurance.example",
    industry: "Insurance",
    employees: 3400,
    city: "Hartford, CT",
    tier: "enterprise",
    currency: "USD",
    about: "writes commercial property and specialty insurance through 4,000 independent agents",
    pain: "agent commission reports built on policy tables whose schema changes every release",
    incident: "a renamed premium column that zeroed out commissions for one region in a test run",
    table: "policy_premiums",
  },
  {
    name: "Granite Peak Manufacturing",
    domain: "granitepeak-mfg.example",
    industry: "Industrial manufacturing",
    employees: 5200,
    city: "Pittsburgh, PA",
    tier: "enterprise",
    currency: "USD",
    about: "makes precision components for agricultural and construction equipment in six plants",
    pain: "plant sensor data landing late, which leaves the scrap-rate dashboard a day behind",
    incident: "the Toledo plant's MES export that silently switched time zones",
    table: "mes_production_runs",
  },
  {
    name: "Harborline Shipping",
    domain: "harborline.example",
    industry: "Maritime logistics",
    employees: 1900,
    city: "Rotterdam, Netherlands",
    tier: "enterprise",
    currency: "EUR",
    about: "operates container feeder services between North Sea and Baltic ports",
    pain: "vessel ETA and port-call data arriving out of order from three different AIS providers",
    incident: "duplicate port calls that inflated the Gdansk berth-utilisation report by 18%",
    table: "port_calls",
  },
  {
    name: "Ironclad Security",
    domain: "ironclad-security.example",
    industry: "Cybersecurity",
    employees: 780,
    city: "Austin, TX",
    tier: "mid_market",
    currency: "USD",
    about: "sells a managed detection and response service to mid-size companies",
    pain: "customer-facing SLA reports built on alert tables with no freshness checks",
    incident: "an alerts table that stopped refreshing for their largest customer over a weekend",
    table: "alert_events",
  },
  {
    name: "Juniper Learning",
    domain: "juniper-learning.example",
    industry: "Education technology",
    employees: 450,
    city: "Minneapolis, MN",
    tier: "mid_market",
    currency: "USD",
    about: "builds adaptive math and reading software used in 6,000 K-12 schools",
    pain: "district usage dashboards showing zeros whenever a nightly load fails",
    incident: "a failed nightly load that showed 400 schools with zero active students",
    table: "student_sessions",
  },
  {
    name: "Kestrel Aerospace",
    domain: "kestrel-aero.example",
    industry: "Aerospace & defense",
    employees: 7400,
    city: "Phoenix, AZ",
    tier: "strategic",
    currency: "USD",
    about: "builds avionics and flight-control systems for regional and business aircraft",
    pain: "certification evidence reports that depend on test-rig data nobody monitors",
    incident: "a test-rig export that truncated the decimal precision of torque readings",
    table: "rig_test_results",
  },
  {
    name: "Lumen Media",
    domain: "lumen-media.example",
    industry: "Media & streaming",
    employees: 1300,
    city: "Los Angeles, CA",
    tier: "enterprise",
    currency: "USD",
    about: "runs a subscription streaming service for independent film with 4 million subscribers",
    pain: "royalty statements to rights holders built on viewing data with unexplained gaps",
    incident: "a 12-hour gap in playback events from the smart-TV app",
    table: "playback_events",
  },
  {
    name: "Meridian Bank",
    domain: "meridian-bank.example",
    industry: "Banking",
    employees: 8800,
    city: "Charlotte, NC",
    tier: "strategic",
    currency: "USD",
    about: "is a regional bank with 240 branches across the Southeast",
    pain: "no column-level lineage for the regulatory capital reports, which turns every audit into a fire drill",
    incident: "a spike of nulls in the collateral-value column feeding the stress-test model",
    table: "loan_collateral",
    bigDeal: true,
  },
  {
    name: "Northwind Foods",
    domain: "northwind-foods.example",
    industry: "Food & beverage",
    employees: 3900,
    city: "Kansas City, MO",
    tier: "enterprise",
    currency: "USD",
    about: "produces private-label snacks and frozen foods for national grocery chains",
    pain: "retailer scorecards that penalise them for late shipments that were really data delays",
    incident: "a retailer EDI feed that arrived with every ship notice duplicated",
    table: "ship_notices",
  },
  {
    name: "Oakridge Pharma",
    domain: "oakridge-pharma.example",
    industry: "Pharmaceuticals",
    employees: 2200,
    city: "Raleigh, NC",
    tier: "enterprise",
    currency: "USD",
    about: "develops specialty generics and runs clinical trials at 120 sites",
    pain: "clinical trial site data landing with missing visits, which delays database lock",
    incident: "a site upload that mapped visit dates to the wrong study arm",
    table: "trial_visits",
  },
  {
    name: "Pinnacle Telecom",
    domain: "pinnacle-telecom.example",
    industry: "Telecommunications",
    employees: 11000,
    city: "Dallas, TX",
    tier: "strategic",
    currency: "USD",
    about: "provides fiber broadband and business connectivity in nine states",
    pain: "network-outage dashboards that lag real outages by hours",
    incident: "an outage-ticket table that froze during a storm while call volume tripled",
    table: "outage_tickets",
  },
  {
    name: "Quarry Analytics",
    domain: "quarry-analytics.example",
    industry: "B2B software",
    employees: 320,
    city: "San Francisco, CA",
    tier: "mid_market",
    currency: "USD",
    about: "sells a pricing-analytics product to e-commerce brands",
    pain: "customers spotting broken pricing recommendations before the data team does",
    incident: "a competitor-price scraper that started returning prices in cents instead of dollars",
    table: "competitor_prices",
  },
  {
    name: "Redwood Hospitality",
    domain: "redwood-hospitality.example",
    industry: "Hospitality",
    employees: 6700,
    city: "Las Vegas, NV",
    tier: "enterprise",
    currency: "USD",
    about: "manages 48 resort and boutique hotel properties",
    pain: "revenue-per-available-room reports that finance stopped trusting after two restatements",
    incident: "a property-management integration that double-booked revenue for three hotels",
    table: "folio_revenue",
  },
  {
    name: "Silverline Travel",
    domain: "silverline-travel.example",
    industry: "Online travel",
    employees: 1500,
    city: "London, United Kingdom",
    tier: "mid_market",
    currency: "GBP",
    about: "is an online travel agency specialising in rail and ferry holidays across Europe",
    pain: "booking data from rail operators arriving late, which breaks the daily margin reports",
    incident: "a rail operator feed that replayed the previous day's bookings",
    table: "bookings_rail",
  },
  {
    name: "Tandem Mobility",
    domain: "tandem-mobility.example",
    industry: "Micromobility",
    employees: 950,
    city: "Miami, FL",
    tier: "mid_market",
    currency: "USD",
    about: "runs e-bike and scooter sharing programs in 22 cities",
    pain: "ride and battery telemetry gaps that make city compliance reports late",
    incident: "a telemetry gap that hid 900 scooters from the Miami compliance report",
    table: "vehicle_telemetry",
  },
  {
    name: "Umbra Games",
    domain: "umbra-games.example",
    industry: "Gaming",
    employees: 600,
    city: "Montreal, Canada",
    tier: "mid_market",
    currency: "USD",
    about: "develops free-to-play mobile strategy games with 12 million monthly players",
    pain: "in-game economy dashboards breaking whenever a live event changes the event schema",
    incident: "a live-event release that renamed the currency_spent field",
    table: "economy_events",
  },
  {
    name: "Vantage Property Group",
    domain: "vantage-property.example",
    industry: "Real estate",
    employees: 1100,
    city: "Atlanta, GA",
    tier: "mid_market",
    currency: "USD",
    about: "owns and manages 60,000 apartment units across the Sun Belt",
    pain: "rent-roll and occupancy numbers that disagree between the property system and the warehouse",
    incident: "an occupancy feed that dropped 1,200 units after a property-system migration",
    table: "rent_roll",
  },
  {
    name: "Willow Creek Dental Partners",
    domain: "willowcreek-dental.example",
    industry: "Healthcare services",
    employees: 2800,
    city: "Nashville, TN",
    tier: "mid_market",
    currency: "USD",
    about: "is a dental service organisation supporting 180 practices",
    pain: "practice production reports that are wrong whenever a practice's daily export fails",
    incident: "twelve practices that stopped sending daily production files for a week",
    table: "practice_production",
  },
  {
    name: "Xenith Robotics",
    domain: "xenith-robotics.example",
    industry: "Robotics",
    employees: 540,
    city: "San Jose, CA",
    tier: "mid_market",
    currency: "USD",
    about: "builds autonomous mobile robots for warehouse picking",
    pain: "fleet telemetry pipelines that fail silently during customer deployments",
    incident: "a fleet telemetry stream that lost its timestamps for one customer site",
    table: "fleet_telemetry",
  },
  {
    name: "Yellowstone Outfitters",
    domain: "yellowstone-outfitters.example",
    industry: "E-commerce",
    employees: 380,
    city: "Salt Lake City, UT",
    tier: "mid_market",
    currency: "USD",
    about: "sells outdoor gear direct to consumers online and through two flagship stores",
    pain: "marketing attribution data breaking every time an ad platform changes its API",
    incident: "an ad-spend connector that stopped loading for six days over Black Friday",
    table: "ad_spend_daily",
  },
  {
    name: "Zephyr Payments",
    domain: "zephyr-payments.example",
    industry: "Fintech",
    employees: 880,
    city: "Dublin, Ireland",
    tier: "enterprise",
    currency: "EUR",
    about: "processes card and open-banking payments for 20,000 European merchants",
    pain: "settlement reconciliation failing when acquirer files arrive late or malformed",
    incident: "an acquirer settlement file with a trailer-record mismatch that blocked reconciliation",
    table: "settlement_lines",
  },
  {
    name: "Copperleaf Agritech",
    domain: "copperleaf-agritech.example",
    industry: "Agriculture technology",
    employees: 420,
    city: "Des Moines, IA",
    tier: "mid_market",
    currency: "USD",
    about: "sells crop-yield forecasts built on satellite and field-sensor data",
    pain: "satellite imagery jobs that fail without alerting, so yield forecasts ship on stale data",
    incident: "a tiling job that skipped two counties for a week",
    table: "field_observations",
  },
  {
    name: "Helix Genomics",
    domain: "helix-genomics.example",
    industry: "Biotechnology",
    employees: 1250,
    city: "San Diego, CA",
    tier: "enterprise",
    currency: "USD",
    about: "runs a clinical genomic sequencing lab processing 30,000 samples a month",
    pain: "lab-instrument pipelines with no checks before results reach clinicians' reports",
    incident: "a sequencer export with swapped sample barcodes, caught just before release",
    table: "sample_results",
  },
];

const FIRST_NAMES = [
  "Priya",
  "Marcus",
  "Elena",
  "James",
  "Aisha",
  "Tom",
  "Sofia",
  "David",
  "Mei",
  "Carlos",
  "Hannah",
  "Omar",
  "Grace",
  "Lukas",
  "Fatima",
  "Ryan",
  "Ana",
  "Kenji",
  "Olivia",
  "Samuel",
  "Leila",
  "Ben",
  "Nadia",
  "Victor",
  "Chloe",
  "Raj",
  "Emily",
  "Diego",
  "Ingrid",
  "Jamal",
  "Laura",
  "Tariq",
  "Sarah",
  "Noah",
  "Yuki",
  "Isabel",
  "Kwame",
  "Rachel",
  "Andrei",
  "Maya",
  "Daniel",
  "Zara",
  "Patrick",
  "Lucía",
  "Ethan",
  "Amara",
  "Hugo",
  "Megan",
  "Arjun",
  "Claire",
  "Martin",
  "Nia",
  "Felix",
  "Rosa",
  "Adam",
  "Keiko",
  "Sean",
  "Valentina",
  "Gabriel",
  "Ruth",
] as const;

const LAST_NAMES = [
  "Shah",
  "Chen",
  "Okafor",
  "Rodriguez",
  "Novak",
  "Kowalski",
  "Patel",
  "Nguyen",
  "Müller",
  "Johansson",
  "Haddad",
  "Kim",
  "O'Brien",
  "Silva",
  "Walsh",
  "Tanaka",
  "Ibrahim",
  "Fischer",
  "Garcia",
  "Lindqvist",
  "Mensah",
  "Brooks",
  "Rossi",
  "Dubois",
  "Sato",
  "Kaur",
  "Hughes",
  "Moreno",
  "Petrov",
  "Adeyemi",
  "Bennett",
  "Castillo",
  "Larsen",
  "Murphy",
  "Yamamoto",
  "Ortiz",
  "Bauer",
  "Singh",
  "Clarke",
  "Costa",
  "Andersson",
  "Reyes",
  "Mitchell",
  "Khan",
  "Schmidt",
  "Alvarez",
  "Cohen",
  "Park",
  "Foster",
  "Nakamura",
  "Ward",
  "Romero",
  "Jensen",
  "Ellis",
  "Greene",
  "Barros",
  "Hoffman",
  "Delgado",
  "Price",
  "Nowak",
] as const;

const TITLES: Record<ProspectRole, readonly string[]> = {
  champion: [
    "Director of Data Engineering",
    "Head of Analytics",
    "Senior Manager, Data Platform",
    "Director of Data & Analytics",
    "Head of Data Engineering",
  ],
  economic_buyer: ["VP of Engineering", "Chief Data Officer", "CTO", "VP, Data & Analytics", "CIO", "SVP Technology"],
  technical_evaluator: [
    "Staff Data Engineer",
    "Principal Platform Engineer",
    "Analytics Engineering Lead",
    "Senior Data Engineer",
    "Data Architect",
  ],
  blocker: [
    "Director of IT Security",
    "CISO",
    "Enterprise Architect",
    "Head of IT Governance",
    "Director of Information Security",
  ],
  user: ["Analytics Engineer", "Data Analyst", "BI Developer", "Data Engineer", "Senior Data Analyst"],
  other: ["Procurement Manager", "Senior Corporate Counsel", "IT Sourcing Lead", "Vendor Management Lead"],
};

/** Fictional competitors, so the demo never makes claims about real companies. */
const COMPETITORS = [
  "Lighthouse Data",
  "Sentinel Metrics",
  "Clearpath Observability",
  "Vigil Data",
  "Prism Monitor",
] as const;
const WAREHOUSES = ["Snowflake", "BigQuery", "Databricks", "Redshift"] as const;
const ORCHESTRATORS = ["Airflow", "Dagster", "dbt Cloud", "Prefect"] as const;
const SSO_PROVIDERS = ["Okta", "Microsoft Entra ID", "Google Workspace", "Ping Identity"] as const;
const TRIGGERS = [
  "the board asked for a data-reliability plan",
  "last quarter's incident review",
  "an audit finding in the fall",
  "our new CDO joined in September",
  "two customer escalations in October",
  "the warehouse migration last summer",
] as const;
const STAKEHOLDERS = [
  "the CFO's staff",
  "customer success",
  "the operations leads",
  "the executive team",
  "external auditors",
  "the regional managers",
] as const;
const TIME_TO_DETECT_BEFORE = ["about two days", "roughly 30 hours", "a day and a half", "almost three days"] as const;
const TIME_TO_DETECT_AFTER = ["40 minutes", "under an hour", "25 minutes", "55 minutes"] as const;
const EXPANSION_SCOPES = [
  "the finance marts",
  "the marketing data domain",
  "the EMEA warehouse",
  "the ML feature tables",
  "Cost Insights",
] as const;

const NEW_BUSINESS_DEALS = [
  "Data observability platform",
  "Pipeline monitoring rollout",
  "Data reliability program",
  "Observability pilot to production",
] as const;
/** A second open deal with no purchase yet: another team of the same company. */
const PARALLEL_DEALS = [
  "Marketing analytics rollout",
  "Finance data team pilot",
  "Customer analytics rollout",
  "Operations reporting rollout",
] as const;
const EXPANSION_DEALS = [
  "Platform expansion",
  "Lineage add-on",
  "Cost Insights module",
  "EMEA expansion",
  "Analytics team seats",
  "Data SLAs for partner reporting",
] as const;

interface LossReason {
  /** Stored on the opportunity. */
  reason: string;
  /** What the champion writes when telling the owner. */
  explanation: string;
  /** What they admit on the follow-up. */
  candid: string;
  revisit: string;
}

function lossReasons(competitor: string): LossReason[] {
  return [
    {
      reason: `Lost to ${competitor} on price`,
      explanation: `${competitor} came in well under your number and procurement would not sign off on the difference.`,
      candid: "the product was better, but the price gap was too big to defend in front of finance",
      revisit: `the autumn, before the ${competitor} contract comes up for renewal`,
    },
    {
      reason: "Budget frozen after reorganisation",
      explanation: "After the reorganisation, all new tooling spend is frozen until the next fiscal year.",
      candid: "it was nothing about the product — the budget simply disappeared",
      revisit: "the new fiscal year",
    },
    {
      reason: "No decision – project deprioritised behind the ERP migration",
      explanation: "The ERP migration has taken over the roadmap and the team has no capacity for a rollout this year.",
      candid: "nobody wanted to own a second big project while the ERP migration is running",
      revisit: "six months, once the migration is live",
    },
    {
      reason: "Built in-house on open-source data tests",
      explanation: "The platform team has decided to extend our open-source data tests instead of buying a tool.",
      candid: "the platform team wanted to build it, and I lost that argument",
      revisit: "a quarter or two, when we see how the in-house checks hold up",
    },
    {
      reason: "Failed security review: self-hosted deployment required",
      explanation:
        "Security has ruled that any tool touching the warehouse must be self-hosted, which rules out a SaaS option.",
      candid: "the self-hosting requirement came late and I could not get an exception",
      revisit: "the spring, when security revisits its SaaS policy",
    },
  ];
}

/** How many deals of each stage the demo holds: every stage several times, closed ones in both kinds. */
const STAGE_PLAN: Readonly<Record<OpportunityStage, number>> = {
  prospecting: 5,
  discovery: 6,
  demo: 5,
  evaluation: 7,
  proposal: 5,
  negotiation: 5,
  closed_won: 7,
  closed_lost: 5,
};
const OPEN_STAGES: readonly OpportunityStage[] = opportunityStages.filter((stage) => !stage.startsWith("closed_"));
const STAGE_PROBABILITY: Readonly<Record<OpportunityStage, readonly number[]>> = {
  prospecting: [10],
  discovery: [20],
  demo: [30],
  evaluation: [40, 50],
  proposal: [60, 65],
  negotiation: [75, 80, 90],
  closed_won: [100],
  closed_lost: [0],
};
/** Days from the reference date to an open deal's close date, by stage (late stages close sooner). */
const CLOSE_IN_DAYS: Readonly<Record<OpportunityStage, readonly [number, number]>> = {
  prospecting: [75, 120],
  discovery: [60, 110],
  demo: [45, 90],
  evaluation: [30, 75],
  proposal: [25, 60],
  negotiation: [20, 45],
  closed_won: [0, 0],
  closed_lost: [0, 0],
};
/** Accounts whose open deals have gone quiet: a "needs attention" dashboard must have something to show. */
const STALE_ACCOUNT_COUNT = 4;
/** A stale account's last days of contact: the re-engage sequence that got no answer. */
const STALE_SEQUENCE_DAYS = 9;
/** Future meetings, in days after the (Monday) reference date: weekdays only, several within a week. */
const UPCOMING_MEETING_DAYS = [1, 1, 2, 3, 4, 7, 8, 9, 10, 11, 15, 16, 18, 21] as const;
/** Past meetings tied to a deal's stage windows (internal reviews and reference calls come on top). */
const PAST_DEAL_MEETINGS = 40;

// ---------------------------------------------------------------------------------------------
// Randomness and ids
// ---------------------------------------------------------------------------------------------

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Google Calendar event ids use base32hex. */
const BASE32HEX = "0123456789abcdefghijklmnopqrstuv";

function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`demo workspace: index ${index} out of range (${items.length})`);
  return item;
}

/** mulberry32: tiny and good enough for demo data; the same seed always yields the same sequence. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return itemAt(items, this.int(0, items.length - 1));
  }

  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const a = itemAt(copy, i);
      copy[i] = itemAt(copy, j);
      copy[j] = a;
    }
    return copy;
  }

  string(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet.charAt(this.int(0, alphabet.length - 1));
    return out;
  }
}

type SalesforceKeyPrefix = "001" | "003" | "006" | "008" | "00T";

/**
 * Hands out file ids and provider ids, guaranteeing both are unique: file ids across the document,
 * provider ids per source (the importer's idempotency key is (source, externalId)).
 */
class Ids {
  private readonly rng: Random;
  private readonly taken = new Set<string>();

  constructor(rng: Random) {
    this.rng = rng;
  }

  file(prefix: string): string {
    for (;;) {
      const id = prefix + this.rng.string(LOWER_ALNUM, 8);
      if (this.claim(id)) return id;
    }
  }

  /** An 18-character Salesforce id: key prefix, pod, record number, and the case-safe checksum. */
  salesforce(keyPrefix: SalesforceKeyPrefix): string {
    for (;;) {
      const id15 = `${keyPrefix}5g0000${this.rng.string(BASE62, 6)}`;
      const id = id15 + salesforceChecksum(id15);
      if (this.claim(`salesforce:${id}`)) return id;
    }
  }

  /** Gmail ids are 16 hex digits whose high bits are the millisecond timestamp. */
  gmail(atMs: number): string {
    for (;;) {
      const value = (BigInt(atMs) << 20n) | BigInt(this.rng.int(0, 0xfffff));
      const id = value.toString(16).padStart(16, "0");
      if (this.claim(`gmail:${id}`)) return id;
    }
  }

  calendar(): string {
    for (;;) {
      const id = this.rng.string(BASE32HEX, 26);
      if (this.claim(`gcal:${id}`)) return id;
    }
  }

  outreach(): string {
    for (;;) {
      const id = String(this.rng.int(100_000, 999_999));
      if (this.claim(`outreach:${id}`)) return id;
    }
  }

  private claim(key: string): boolean {
    if (this.taken.has(key)) return false;
    this.taken.add(key);
    return true;
  }
}

/** Salesforce's 15→18 character suffix: one letter per 5-character chunk encoding which are upper case. */
function salesforceChecksum(id15: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= "A" && c <= "Z") bits |= 1 << i;
    }
    suffix += alphabet.charAt(bits);
  }
  return suffix;
}

// ---------------------------------------------------------------------------------------------
// Time and text helpers
// ---------------------------------------------------------------------------------------------

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** US holidays nobody sends sales email on (MM-DD). */
const HOLIDAYS = new Set(["01-01", "07-04", "11-27", "11-28", "12-24", "12-25", "12-26", "12-31"]);

/** Weekends and holidays: no email, meeting or CRM update is placed on these days. */
function isDayOff(ms: number): boolean {
  const d = new Date(ms);
  const weekday = d.getUTCDay();
  return weekday === 0 || weekday === 6 || HOLIDAYS.has(d.toISOString().slice(5, 10));
}

/** "Thursday, January 15" */
function longDate(ms: number): string {
  const d = new Date(ms);
  return `${itemAt(WEEKDAYS, d.getUTCDay())}, ${itemAt(MONTHS, d.getUTCMonth())} ${d.getUTCDate()}`;
}

/** "January 15" */
function shortDate(ms: number): string {
  const d = new Date(ms);
  return `${itemAt(MONTHS, d.getUTCMonth())} ${d.getUTCDate()}`;
}

/** The first working day on or after `ms` (same time of day), so quoted dates are never weekends or holidays. */
function nextWeekday(ms: number): number {
  let day = ms;
  while (isDayOff(day)) day += DAY;
  return day;
}

/**
 * A moment between 13:00 and 20:55 UTC (US working hours) on the day of `ms`, or on the nearest
 * earlier working day when that day is a day off or the moment would fall after `latest`.
 */
function workingMoment(rng: Random, ms: number, latest: number): number {
  let day = startOfDay(ms);
  for (;;) {
    if (!isDayOff(day)) {
      const candidate = day + rng.int(13, 20) * HOUR + rng.int(0, 11) * 5 * MINUTE;
      if (candidate <= latest) return candidate;
    }
    day -= DAY;
  }
}

/** Like workingMoment, but on the hour or half hour, as meetings are booked. */
function meetingMoment(rng: Random, ms: number, latest: number): number {
  let day = startOfDay(ms);
  for (;;) {
    if (!isDayOff(day)) {
      const candidate = day + rng.int(14, 20) * HOUR + rng.int(0, 1) * 30 * MINUTE;
      if (candidate <= latest) return candidate;
    }
    day -= DAY;
  }
}

/** `count` strictly increasing moments from `start`, squeezed so the last is no later than `end`. */
function spreadTimes(rng: Random, start: number, count: number, end: number): number[] {
  const gaps = Array.from({ length: count - 1 }, () => rng.int(40, 36 * 60) * MINUTE);
  const total = gaps.reduce((sum, gap) => sum + gap, 0);
  const room = end - start;
  const scale = total > room ? room / total : 1;
  const times = [start];
  let t = start;
  for (const gap of gaps) {
    t += Math.max(5 * MINUTE, Math.floor((gap * scale) / MINUTE) * MINUTE);
    times.push(t);
  }
  return times;
}

/**
 * Reply times for a thread: each message 40 minutes to 30 hours after the previous one, moved into
 * the US working day when it would land at night or on a weekend. Falls back to spreadTimes when
 * that would run past `end`.
 */
function replyTimes(rng: Random, start: number, count: number, end: number): number[] {
  // Busy weeks get faster replies: retry with shorter gaps before squeezing the thread.
  for (const maxGapHours of [30, 8, 3]) {
    const times = [start];
    let t = start;
    for (let i = 1; i < count; i++) {
      t += rng.int(40, maxGapHours * 60) * MINUTE;
      if (new Date(t).getUTCHours() < 12) t = startOfDay(t) + rng.int(13 * 60, 16 * 60) * MINUTE;
      if (isDayOff(t)) t = nextWeekday(startOfDay(t)) + rng.int(13 * 60, 16 * 60) * MINUTE;
      times.push(t);
    }
    if (t <= end) return times;
  }
  return spreadTimes(rng, start, count, end);
}

/** A moment uniformly between `from` and `to`, on a whole minute. */
function between(rng: Random, from: number, to: number): number {
  return from + Math.floor((rng.next() * Math.max(0, to - from)) / MINUTE) * MINUTE;
}

const CURRENCY_SYMBOLS: Readonly<Record<Currency, string>> = { USD: "$", EUR: "€", GBP: "£" };

/** "184,500": no Intl, so the output does not depend on the ICU data Node was built with. */
function groupThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "$184,500" */
function formatMoney(cents: number, currency: Currency): string {
  return CURRENCY_SYMBOLS[currency] + groupThousands(Math.round(cents / 100));
}

/** "$185k" */
function formatMoneyShort(cents: number, currency: Currency): string {
  return `${CURRENCY_SYMBOLS[currency]}${Math.round(cents / 100_000)}k`;
}

/** Lower-case ASCII letters only, for email local parts and profile slugs ("Müller" → "muller"). */
function slug(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

function stageLabel(stage: OpportunityStage): string {
  return stage.replace("_", " ");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// The model the sections are generated from
// ---------------------------------------------------------------------------------------------

/** Per-account facts that template slots draw from, so each account's correspondence differs. */
interface AccountFacts {
  warehouse: string;
  orchestrator: string;
  sso: string;
  competitor: string;
  trigger: string;
  stakeholder: string;
  region: string;
  awsRegion: string;
  tables: number;
  incidentsPerMonth: number;
  hoursPerIncident: number;
  emailStyle: "first.last" | "flast" | "first_last";
}

interface Person {
  id: string;
  first: string;
  last: string;
  full: string;
  title: string;
  email: string;
  role: ProspectRole;
  record: WorkspaceProspect;
}

interface AccountModel {
  id: string;
  seed: CompanySeed;
  facts: AccountFacts;
  source: RecordSource;
  record: WorkspaceAccount;
  plannedStages: OpportunityStage[];
  people: Person[];
  deals: DealModel[];
  /** When the account was first created in the CRM: before any of its history. */
  since: number;
  /** Nothing about this account happens after this instant (stale accounts stop weeks before the reference date). */
  cap: number;
  stale: boolean;
}

interface StageChange {
  stage: OpportunityStage;
  at: number;
}

/** The span of time a deal spent in one stage: where that stage's emails, meetings and tasks go. */
interface StageWindow {
  stage: OpportunityStage;
  from: number;
  to: number;
}

/** The numbers a pilot produced, shared by the emails and notes of one deal so they agree. */
interface PilotFigures {
  incidentsCaught: number;
  before: string;
  after: string;
  noisePercent: number;
  activeUsers: number;
  expansionScope: string;
}

interface DealModel {
  id: string;
  account: AccountModel;
  source: RecordSource;
  name: string;
  stage: OpportunityStage;
  history: StageChange[];
  windows: StageWindow[];
  amountCents: number;
  closeMs: number;
  loss: LossReason | null;
  pilot: PilotFigures;
  record: WorkspaceOpportunity;
}

/** Everything a piece of text about one deal may mention. */
interface Ctx {
  company: string;
  industry: string;
  city: string;
  seed: CompanySeed;
  facts: AccountFacts;
  deal: DealModel;
  lead: Person;
  second: Person;
  champ: Person;
  econ: Person;
  tech: Person;
  blocker: Person;
  legal: Person;
  amount: string;
  budget: string;
  bigSpend: string;
  closeDate: string;
  /** A working day `n` days after the text was written: "Thursday, January 15". */
  day: (n: number) => string;
}

function isOpen(stage: OpportunityStage): boolean {
  return stage !== "closed_won" && stage !== "closed_lost";
}

/** The first person of the account holding one of `roles` (in order of preference), else the champion. */
function personFor(account: AccountModel, roles: readonly ProspectRole[], exclude?: Person): Person {
  for (const role of roles) {
    const match = account.people.find((p) => p.role === role && p !== exclude);
    if (match) return match;
  }
  const fallback = account.people.find((p) => p !== exclude);
  if (!fallback) throw new Error(`demo workspace: ${account.seed.name} has too few people`);
  return fallback;
}

function makeCtx(deal: DealModel, lead: Person, second: Person, at: number): Ctx {
  const account = deal.account;
  const currency = account.seed.currency;
  const champ = personFor(account, ["champion"]);
  return {
    company: account.seed.name,
    industry: account.seed.industry.toLowerCase(),
    city: account.seed.city,
    seed: account.seed,
    facts: account.facts,
    deal,
    lead,
    second,
    champ,
    econ: personFor(account, ["economic_buyer"]),
    tech: personFor(account, ["technical_evaluator", "user"]),
    blocker: personFor(account, ["blocker", "technical_evaluator"]),
    legal: personFor(account, ["other", "economic_buyer"]),
    amount: formatMoney(deal.amountCents, currency),
    budget: formatMoneyShort(Math.round((deal.amountCents * 0.85) / 500_000) * 500_000, currency),
    bigSpend: `${CURRENCY_SYMBOLS[currency]}100k`,
    // A deal that slipped past its CRM close date is talked about with a new target two weeks out;
    // the stale CRM date is what an "overdue" view is for.
    closeDate: longDate(deal.closeMs >= at ? deal.closeMs : nextWeekday(startOfDay(at) + 14 * DAY)),
    day: (n) => longDate(nextWeekday(at + n * DAY)),
  };
}

// ---------------------------------------------------------------------------------------------
// Email, call and LinkedIn templates
// ---------------------------------------------------------------------------------------------

type Sender = "owner" | "lead" | "second";

interface EmailTemplate {
  key: string;
  /** Who the thread is mainly with, in order of preference. */
  leadRoles: readonly ProspectRole[];
  secondRoles: readonly ProspectRole[];
  subject: (c: Ctx) => string;
  messages: ReadonlyArray<{ from: Sender; body: (c: Ctx) => string }>;
}

const EMAIL_TEMPLATES: Readonly<Record<string, EmailTemplate>> = {
  outbound: {
    key: "outbound",
    leadRoles: ["champion", "economic_buyer"],
    secondRoles: ["technical_evaluator", "user"],
    subject: (c) => `Data reliability at ${c.company}`,
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

I work with data teams in ${c.industry} and keep hearing the same story: ${c.seed.pain}. It usually shows up as an analyst catching the problem before the pipeline does.

Northbeam monitors freshness, volume and schema on every ${c.facts.warehouse} table, and its lineage shows which dashboards a broken table feeds. A team similar to yours cut time-to-detect from two days to under an hour in their first month.

Worth 25 minutes on ${c.day(3)} or ${c.day(4)}?

Best,
Alex Morgan
Account Executive, Northbeam`,
      },
      {
        from: "lead",
        body: (c) => `Hi Alex,

Timing is better than you'd think. Since ${c.facts.trigger} this has been on my list, and we looked at ${c.facts.competitor} last year without getting far. I can do ${c.day(4)} at 11:00 ET.

Please bring someone technical: ${c.second.first} (${c.second.title}) will want to know how you connect to ${c.facts.warehouse} without copying data out.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Great, invite sent for ${c.day(4)} at 11:00 ET. I'll bring ${SOLUTIONS_ENGINEER}, our solutions engineer.

Short answer for ${c.second.first}: Northbeam reads metadata and query history through a read-only service account; no row-level data leaves ${c.facts.warehouse}. Proposed agenda:
- how incidents are found and triaged today
- where it hurts most, starting with ${c.seed.table}
- ten minutes of lineage on a sample of your ${c.facts.orchestrator} jobs

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Works for me. I'll send over the 20 tables that break most often so we can keep it concrete. ${c.second.first} is joining too.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Thanks ${c.lead.first}, got the list. The ${c.facts.orchestrator} jobs feeding ${c.seed.table} stand out; we'll start there. See you both on ${c.day(4)}.

Alex`,
      },
    ],
  },
  discoveryRecap: {
    key: "discoveryRecap",
    leadRoles: ["champion"],
    secondRoles: ["technical_evaluator"],
    subject: (c) => `Recap: ${c.company} discovery call`,
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

Thanks for the time today. My notes, so you can correct anything I got wrong:
- Problem: ${c.seed.pain}. Latest example: ${c.seed.incident}.
- Impact: roughly ${c.facts.hoursPerIncident} engineer-hours per incident and ${c.facts.incidentsPerMonth} incidents a month, plus the trust hit with ${c.facts.stakeholder}.
- Stack: ${c.facts.warehouse} and ${c.facts.orchestrator}, about ${c.facts.tables} production tables.
- Process: ${c.econ.full} (${c.econ.title}) owns the budget; the security review goes through ${c.blocker.full}.
- Timing: you'd like something live by ${c.closeDate}.

Next step I suggested: a demo for you, ${c.second.first} and two of the analysts on ${c.day(5)}.

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Alex, that's accurate. One correction: it's closer to ${c.facts.incidentsPerMonth + 3} incidents a month if you count the ones the analysts fix quietly. On budget, ${c.econ.first} has about ${c.budget} set aside for data tooling this year, but it isn't earmarked, so we'll need a business case.

${c.day(5)} works. I'll add ${c.second.first}.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Very helpful, thank you. I'll build the business case around incident hours (${c.facts.hoursPerIncident} hours x ${c.facts.incidentsPerMonth + 3} incidents a month) and send you a draft before the demo so ${c.econ.first} sees numbers rather than adjectives.

Invite for ${c.day(5)} is out.

Alex`,
      },
      {
        from: "lead",
        body: (c) => `Sounds good. Please keep it to one page: ${c.econ.first} doesn't read past that.

${c.lead.first}`,
      },
    ],
  },
  scheduling: {
    key: "scheduling",
    leadRoles: ["champion", "technical_evaluator"],
    secondRoles: ["technical_evaluator", "user"],
    subject: (c) => `Scheduling: ${c.company} technical deep dive`,
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

Following up on ${c.second.first}'s request for a deeper technical session. Could any of these work?
- ${c.day(2)}, 10:00–11:00 ET
- ${c.day(3)}, 14:00–15:00 ET
- ${c.day(6)}, 11:00–12:00 ET

${SOLUTIONS_ENGINEER} from our solutions team will cover the ${c.facts.warehouse} connector, lineage, and alert routing into Slack and PagerDuty.

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `The second slot works for both of us. Can ${SOLUTIONS_ENGINEER.split(" ")[0]} also cover how monitors are defined as code? We keep everything in git and ${c.second.first} won't accept click-ops.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Yes: monitors can be declared in YAML next to your ${c.facts.orchestrator} code and deployed from CI, and we'll show a pull request end to end. Invite for ${c.day(3)} at 14:00 ET is on its way.

Alex`,
      },
      {
        from: "second",
        body: (
          c,
        ) => `Thanks Alex. Please also bring an example of a custom SQL monitor: we have business rules around ${c.seed.table} that generic checks won't catch.

${c.second.first}`,
      },
    ],
  },
  demoFollowUp: {
    key: "demoFollowUp",
    leadRoles: ["champion"],
    secondRoles: ["technical_evaluator", "user"],
    subject: () => "Northbeam demo recording + answers on lineage",
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

Thanks to you and the team for today. The recording is at https://share.northbeam.example/r/${slug(c.company).slice(0, 10)}-demo (it expires in 30 days).

Answers to the questions we parked:
- Lineage is column-level across ${c.facts.warehouse} and ${c.facts.orchestrator}, and it reaches the dashboards your analysts use today.
- Alerts route to Slack, PagerDuty or email, per domain owner.
- Pricing is based on monitored tables, not seats; more once we agree scope.

Suggested next step: a two-week pilot on ${c.facts.tables} tables with success criteria we write together. Does ${c.day(3)} work to agree them?

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Thanks Alex. The team liked the lineage view; ${c.second.first} called it the first demo that didn't need a whiteboard. Two concerns before we commit to a pilot:
1. ${c.facts.competitor} offered a free 30-day trial, so I need a reason for a shorter, structured one.
2. Security will ask about the service account's permissions before anything touches ${c.facts.warehouse}.

${c.day(3)} works.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Both fair. On 1: a structured pilot with written success criteria ends in a decision instead of a dashboard nobody opens. On 2: I'll send ${c.blocker.first} the permission list and our SOC 2 Type II report under NDA today.

Draft success criteria:
- detect at least 3 real incidents on ${c.seed.table} and friends before a stakeholder reports them
- bring time-to-detect under 1 hour on the monitored tables
- fewer than 10% noisy alerts by week two

Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `That's a reasonable list. I'll ask ${c.blocker.first} to review the permissions now so we don't lose a week on it.

${c.lead.first}`,
      },
    ],
  },
  securityReview: {
    key: "securityReview",
    leadRoles: ["blocker", "technical_evaluator"],
    secondRoles: ["champion"],
    subject: () => "Security review: SOC 2, SSO and data processing",
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

${c.champ.first} mentioned you're running the security review for the Northbeam pilot. To save you time, here is everything up front:
- SOC 2 Type II report (period ending September 30) and bridge letter
- our completed SIG Lite questionnaire
- the summary of this year's independent penetration test
- the DPA and subprocessor list

Northbeam supports SAML SSO with ${c.facts.sso} and SCIM provisioning on every plan. Happy to set up a call with our security team if anything needs discussion.

Best,
Alex`,
      },
      {
        from: "lead",
        body: (c) => `Alex, thanks for sending these up front. Questions:
1. Where is our metadata stored, and can it stay in ${c.facts.region}?
2. Does the service account need any write access in ${c.facts.warehouse}?
3. What is your incident notification window?
4. Can we enforce ${c.facts.sso} MFA and disable password login entirely?

I need answers by ${c.day(4)} to make the review board on ${c.day(7)}.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (c) => `Answers below:
1. Metadata is stored in ${c.facts.region} (AWS ${c.facts.awsRegion}) and never leaves that region; backups stay there too.
2. No write access. The role needs usage on the warehouse and read access to information schema and query history only.
3. We notify within 48 hours of confirming an incident affecting your data; it's in section 7 of the DPA.
4. Yes. With SSO enforced, password login is disabled for ${c.seed.domain} and MFA is whatever ${c.facts.sso} enforces.

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `That covers it. Last item: legal wants our own security addendum attached to the order form instead of your DPA. Can your team review it?

${c.lead.first}`,
      },
      {
        from: "owner",
        body: () => `Of course. Send it over and I'll get it to our counsel today; turnaround is usually three business days. I'll flag anything that conflicts with the DPA rather than just redlining it.

Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Sent. The review board approved the pilot on the condition that the addendum is signed before production. Thanks for being quick on this.

${c.lead.first}`,
      },
    ],
  },
  pilotResults: {
    key: "pilotResults",
    leadRoles: ["champion"],
    secondRoles: ["technical_evaluator"],
    subject: (c) => `Pilot results – week 2 (${c.company})`,
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

Two weeks in, here is where the pilot stands against the criteria we agreed:
- Coverage: ${c.facts.tables} tables monitored across ${c.facts.warehouse}.
- Detection: ${c.deal.pilot.incidentsCaught} real incidents caught, including ${c.seed.incident}. None were reported by a stakeholder first.
- Time-to-detect: down from ${c.deal.pilot.before} to ${c.deal.pilot.after} on average.
- Noise: ${c.deal.pilot.noisePercent}% of alerts marked not useful, down from 22% in week one after tuning.

${c.second.first} suggested adding ${c.deal.pilot.expansionScope} in week three; I think that's the right call.

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `This is great. That catch on ${c.seed.table} alone got ${c.econ.first}'s attention; it would have cost us a weekend. Can you put these numbers into a short summary I can forward?

${c.lead.first}`,
      },
      {
        from: "second",
        body: (
          c,
        ) => `Adding to that: alert routing to our on-call channel works well. One gap: monitors on views built from ${c.seed.table} still need manual thresholds. Is that on the roadmap?

${c.second.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `${c.second.first}, yes: dynamic thresholds for views ship in the February release, and until then ${SOLUTIONS_ENGINEER} can set seasonal thresholds for you tomorrow.

${c.lead.first}, one-page summary attached. I'd suggest a 30-minute readout with ${c.econ.first} on ${c.day(6)} so the pricing conversation starts from these results.

Alex`,
      },
      {
        from: "lead",
        body: (c) => `Booked the readout with ${c.econ.first} for ${c.day(6)}. Thanks both.

${c.lead.first}`,
      },
    ],
  },
  pricing: {
    key: "pricing",
    leadRoles: ["economic_buyer", "champion"],
    secondRoles: ["champion"],
    subject: (c) => `Northbeam proposal for ${c.company}`,
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

As promised, the proposal for ${c.company}:
- Northbeam platform for up to ${c.facts.tables * 4} monitored tables, with lineage and data SLAs
- unlimited viewers, SSO with ${c.facts.sso}, premium support
- annual price: ${c.amount}, billed annually

A 3-year term brings the annual price down by 12%, and this offer is valid until ${c.closeDate}. Implementation is included: our onboarding team will have the pilot scope in production within four weeks of signature.

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Thanks Alex. Straight feedback: we have a quote from ${c.facts.competitor} that is about 20% lower for similar coverage, and ${c.budget} is what I have approved for this year. I'd rather go with you based on the pilot, but I need to get closer to that number.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (c) => `Appreciate the candour. Two options that keep the scope intact:
1. A 3-year term with the 12% discount, paid annually.
2. A 1-year term starting with the ${c.facts.tables} pilot tables, expanding at the same unit price in Q3.

What I can't do is drop lineage: it's what caught ${c.seed.incident}. Could we review both with ${c.champ.first} on ${c.day(3)}?

Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Option 1 is interesting if finance accepts a multi-year commitment. Let me check with our CFO and come back by ${c.day(5)}.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Thanks. To help with that conversation, I've attached a one-page ROI summary: ${c.facts.incidentsPerMonth} incidents a month at ${c.facts.hoursPerIncident} engineer-hours each, before counting the cost of ${c.facts.stakeholder} acting on bad numbers.

Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Update: finance is fine with 3 years if we can pay annually and get a termination-for-convenience clause after year one. Can you live with that? We want this signed by ${c.closeDate}.

${c.lead.first}`,
      },
    ],
  },
  mutualPlan: {
    key: "mutualPlan",
    leadRoles: ["economic_buyer"],
    secondRoles: ["champion"],
    subject: (c) => `Mutual plan to go live by ${c.closeDate}`,
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

Thanks for the time with ${c.champ.first} and me. As discussed, here is the plan working back from ${c.closeDate}:
- ${c.day(2)}: security addendum signed off by ${c.blocker.first}
- ${c.day(5)}: final pricing approved by finance
- ${c.day(9)}: order form signed
- ${c.day(16)}: kickoff, ${c.facts.sso} SSO configured
- first 30 days: ${c.facts.tables} critical tables monitored, alert routing live

Is there anything here that doesn't match how approvals really work at ${c.company}?

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Alex, mostly right. Anything over ${c.bigSpend} also needs sign-off from our CFO, which happens in the Tuesday investment meeting, so give that step another week. Otherwise fine.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Updated the plan with the investment meeting on ${c.day(8)}. ${c.second.first}, could you help me prepare the one-page summary for it?

Alex`,
      },
      {
        from: "second",
        body: (
          c,
        ) => `Yes. I'll write the problem section with the incident numbers from the pilot; Alex, please add pricing and the implementation timeline.

${c.second.first}`,
      },
    ],
  },
  procurement: {
    key: "procurement",
    leadRoles: ["other", "economic_buyer"],
    secondRoles: ["champion"],
    subject: (c) => `${c.company} order form and MSA redlines`,
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

Attached are the order form (${c.amount} per year, 3-year term, start date ${c.day(21)}) and our MSA. ${c.champ.first} mentioned you're handling the paperwork on your side.

To keep to the ${c.closeDate} target we'd need redlines by ${c.day(5)}.

Best,
Alex`,
      },
      {
        from: "lead",
        body: (c) => `Hi Alex,

Redlines attached. Main points:
- Payment terms: net 60 instead of net 30.
- Liability cap: 2x annual fees instead of 1x.
- Auto-renewal: 90 days' notice rather than 30.
- The logo-usage clause needs to go.

The PO also needs a vendor registration in our procurement system first; the invite is on its way.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: () => `Thanks for the quick turnaround. Our counsel can accept net 60, the 90-day notice and removing logo rights. On liability we can go to 1.5x annual fees, with a 3x carve-out for breaches of confidentiality. Updated draft attached.

Vendor registration is done: our tax form and insurance certificate are uploaded.

Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `1.5x with the carve-out is acceptable. I'll route the final version for signature; ${c.econ.first} is the signatory and is travelling until ${c.day(4)}, so expect the e-signature request early the week after.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Perfect. I'll send the e-signature envelope to ${c.econ.first} with you in copy. Thanks for making this easy.

Alex`,
      },
    ],
  },
  kickoff: {
    key: "kickoff",
    leadRoles: ["champion"],
    secondRoles: ["technical_evaluator", "user"],
    subject: () => "Welcome to Northbeam – onboarding kickoff",
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

Thank you for choosing Northbeam, and congratulations to you and ${c.second.first} on getting this over the line. Introducing ${CUSTOMER_SUCCESS}, your customer success manager, who will run onboarding with ${SOLUTIONS_ENGINEER}.

Proposed kickoff: ${c.day(3)}, 45 minutes. Before then it would help to have:
- an admin who can configure ${c.facts.sso} SSO and SCIM
- the read-only ${c.facts.warehouse} service account
- the ${c.facts.tables} tables from the pilot that go live first

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Thanks Alex, excited to get going. ${c.second.first} will be our admin and already has the service account. Can we aim to have alerting on ${c.seed.table} live before the end of the month?

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Yes: ${CUSTOMER_SUCCESS.split(" ")[0]}'s plan has alert routing live in week two, starting with ${c.seed.table}. I'll stay close through the first 90 days, and we'll review results together at the first QBR.

Alex`,
      },
      {
        from: "second",
        body: (
          c,
        ) => `Service account and SCIM group are ready. I've also invited two analysts from the reporting team so they see alerts on ${c.seed.table} from day one.

${c.second.first}`,
      },
    ],
  },
  quarterlyReview: {
    key: "quarterlyReview",
    leadRoles: ["economic_buyer", "champion"],
    secondRoles: ["champion"],
    subject: (c) => `${c.company} quarterly review and renewal planning`,
    messages: [
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

${CUSTOMER_SUCCESS} and I would like to set up your quarterly review. Highlights so far:
- ${c.deal.pilot.incidentsCaught * 3} incidents caught before they reached ${c.facts.stakeholder}
- median time-to-detect of ${c.deal.pilot.after}
- ${c.deal.pilot.activeUsers} active users across data engineering and analytics

We'd also like to discuss adding ${c.deal.pilot.expansionScope}. Would ${c.day(5)} work?

Best,
Alex`,
      },
      {
        from: "lead",
        body: (
          c,
        ) => `Hi Alex, ${c.day(5)} works. ${c.second.first} has been asking about ${c.deal.pilot.expansionScope}, so bring a proposal. For the renewal, I'd like to discuss moving to a multi-year term if the price holds.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: () => `Great. I'll bring a proposal for the expansion with both a 1-year and a 3-year option so you can compare. Agenda and usage report to follow two days before.

Alex`,
      },
    ],
  },
  lost: {
    key: "lost",
    leadRoles: ["champion"],
    secondRoles: ["economic_buyer"],
    subject: () => "Re: Northbeam evaluation – decision",
    messages: [
      {
        from: "lead",
        body: (c) => `Hi Alex,

I wanted to tell you directly: we've decided not to move forward with Northbeam. ${c.deal.loss?.explanation ?? ""}

Thank you for the effort you and ${SOLUTIONS_ENGINEER.split(" ")[0]} put into this. It was a hard call for me personally.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (c) => `Hi ${c.lead.first},

Thanks for telling me directly; I appreciate it. Would you be open to 15 minutes to share what tipped the decision? It helps us more than you'd think.

If things change I'd be glad to pick this back up; your pilot configuration stays available for 90 days.

Best,
Alex`,
      },
      {
        from: "lead",
        body: (c) => `Happy to do 15 minutes next week. Honestly, ${c.deal.loss?.candid ?? "it was a close call"}.

${c.lead.first}`,
      },
      {
        from: "owner",
        body: (
          c,
        ) => `Thank you, that's useful to hear. I'll check back in ${c.deal.loss?.revisit ?? "a few months"}. Good luck with ${c.seed.table} in the meantime.

Alex`,
      },
    ],
  },
};

/** Which threads a deal has while it sits in a stage, and how likely each window is to get one. */
const EMAILS_BY_STAGE: Readonly<Record<OpportunityStage, { keys: readonly string[]; chance: number }>> = {
  prospecting: { keys: ["outbound"], chance: 0.15 },
  discovery: { keys: ["discoveryRecap", "scheduling"], chance: 0.2 },
  demo: { keys: ["demoFollowUp", "scheduling"], chance: 0.25 },
  evaluation: { keys: ["securityReview", "pilotResults"], chance: 0.3 },
  proposal: { keys: ["pricing", "mutualPlan"], chance: 0.3 },
  negotiation: { keys: ["procurement", "mutualPlan"], chance: 0.35 },
  closed_won: { keys: ["kickoff", "quarterlyReview"], chance: 0.5 },
  closed_lost: { keys: ["lost"], chance: 1 },
};

interface CallTopic {
  topic: string;
  roles: readonly ProspectRole[];
  body: (c: Ctx) => string;
}

const CALL_TOPICS: Readonly<Partial<Record<OpportunityStage, CallTopic>>> = {
  discovery: {
    topic: "intro and qualification",
    roles: ["champion"],
    body: (c) =>
      `Call with ${c.lead.full} (${c.lead.title}), 30 minutes. ${c.lead.first} confirmed the main problem is ${c.seed.pain}. Today they rely on hand-written SQL checks and looked at ${c.facts.competitor} last year. Budget: ${c.econ.first} has roughly ${c.budget} for data tooling. Next: demo on ${c.day(4)} with ${c.tech.first}.`,
  },
  demo: {
    topic: "demo follow-up",
    roles: ["technical_evaluator", "champion"],
    body: (c) =>
      `Call with ${c.lead.full}, 20 minutes. ${c.lead.first} wants monitors defined as code next to the ${c.facts.orchestrator} repo and asked whether we support ${c.facts.warehouse} query tags for cost attribution (yes). Agreed pilot scope: ${c.facts.tables} tables around ${c.seed.table}. ${c.lead.first} will get the read-only service account approved by ${c.day(3)}.`,
  },
  evaluation: {
    topic: "pilot check-in",
    roles: ["champion", "technical_evaluator"],
    body: (c) =>
      `Pilot check-in with ${c.lead.full}, 25 minutes. ${c.deal.pilot.incidentsCaught} incidents caught so far, including ${c.seed.incident}. Noise is down to ${c.deal.pilot.noisePercent}%. Risk: ${c.blocker.first} has not signed off on the security questionnaire yet. ${c.lead.first} will chase it before the readout on ${c.day(5)}.`,
  },
  proposal: {
    topic: "pricing walkthrough",
    roles: ["economic_buyer", "champion"],
    body: (c) =>
      `Pricing call with ${c.lead.full}, 30 minutes. Walked through the ${c.amount} proposal. ${c.lead.first} pushed back on price and mentioned ${c.facts.competitor} is about 20% cheaper. Offered the 3-year option at 12% off. ${c.lead.first} will take it to the CFO; decision expected by ${c.closeDate}.`,
  },
  negotiation: {
    topic: "procurement timeline",
    roles: ["other", "economic_buyer"],
    body: (c) =>
      `Call with ${c.lead.full} about procurement. Open items: net 60 payment terms (accepted), liability cap (we offered 1.5x), vendor registration (done). Signature expected from ${c.econ.first} by ${c.closeDate}; PO follows within a week of signature.`,
  },
  closed_won: {
    topic: "onboarding check-in",
    roles: ["champion", "technical_evaluator"],
    body: (c) =>
      `Onboarding check-in with ${c.lead.full}. SSO with ${c.facts.sso} is live, ${c.facts.tables} tables monitored, alerts routed to the on-call channel. ${c.lead.first} asked about adding ${c.deal.pilot.expansionScope} next quarter: flagged to ${CUSTOMER_SUCCESS} as an expansion lead.`,
  },
};

interface LinkedInTemplate {
  roles: readonly ProspectRole[];
  subject: (c: Ctx) => string;
  messages: ReadonlyArray<{ from: Sender; body: (c: Ctx) => string }>;
}

const LINKEDIN_TEMPLATES: readonly LinkedInTemplate[] = [
  {
    roles: ["economic_buyer"],
    subject: (c) => `LinkedIn: connecting with ${c.lead.full}`,
    messages: [
      {
        from: "owner",
        body: (c) =>
          `Hi ${c.lead.first}, I'm working with ${c.champ.first} and the data team at ${c.company} on ${c.seed.table} reliability. Would be glad to connect, and to share what other ${c.industry} teams have seen in the first 90 days.`,
      },
      {
        from: "lead",
        body: (c) =>
          `Thanks Alex, happy to connect. ${c.champ.first} mentioned the project. Send me the two-line version of the business case before we meet.`,
      },
      {
        from: "owner",
        body: (c) =>
          `Here it is: ${c.facts.incidentsPerMonth} data incidents a month at ~${c.facts.hoursPerIncident} engineer-hours each, and ${c.facts.stakeholder} acting on stale numbers. Northbeam cuts detection to under an hour; the pilot will prove it on ${c.facts.tables} tables.`,
      },
    ],
  },
  {
    roles: ["technical_evaluator", "user"],
    subject: (c) => `LinkedIn: question from ${c.lead.full}`,
    messages: [
      {
        from: "lead",
        body: (c) =>
          `Hi Alex, saw your post on monitors-as-code. Does Northbeam handle ${c.facts.orchestrator} deployments where the same models run in three environments? That's our setup at ${c.company}.`,
      },
      {
        from: "owner",
        body: (c) =>
          `Hi ${c.lead.first}, yes: monitors are scoped per environment and promoted with the same pull request as the model. Happy to show you with ${c.champ.first} in the room; would ${c.day(3)} work?`,
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Meeting kinds
// ---------------------------------------------------------------------------------------------

interface MeetingKind {
  /** Follows the account name in the title: "Acme Logistics – technical deep dive". */
  title: string;
  minutes: number;
  roles: readonly ProspectRole[];
  /** Bullets written after the meeting. */
  notes: (c: Ctx, attendees: readonly Person[]) => string;
  /** The prep note written before an upcoming one. */
  prep: (c: Ctx, attendees: readonly Person[]) => string;
}

function names(people: readonly Person[]): string {
  return people.length === 0 ? "Northbeam team only" : people.map((p) => p.full).join(", ");
}

function firstNames(people: readonly Person[]): string {
  const list = people.map((p) => p.first);
  if (list.length <= 1) return list.join("");
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1] ?? ""}`;
}

const MEETING_KINDS: Readonly<Record<string, MeetingKind>> = {
  intro: {
    title: "intro call",
    minutes: 30,
    roles: ["champion"],
    notes: (c, a) => `Attendees: ${names(a)}; Alex Morgan
- ${c.champ.first} owns data platform reliability; reports to ${c.econ.full}.
- Pain: ${c.seed.pain}.
- Stack: ${c.facts.warehouse} + ${c.facts.orchestrator}, ~${c.facts.tables} production tables.
- Interested, but wants to see lineage before involving the wider team.
- Next: discovery session with ${c.tech.first}; Alex to send two customer stories from ${c.industry}.`,
    prep: (c, a) => `Prep for intro call with ${firstNames(a) || c.champ.first}
Agenda
- their incident process today and who gets paged
- how ${c.seed.table} feeds reporting for ${c.facts.stakeholder}
Prep
- read ${c.company}'s last engineering blog post on the ${c.facts.warehouse} migration
Goal: agree a discovery session with ${c.tech.first} in the room.`,
  },
  discovery: {
    title: "discovery call",
    minutes: 45,
    roles: ["champion", "technical_evaluator"],
    notes: (c, a) => `Attendees: ${names(a)}; Alex Morgan, ${SOLUTIONS_ENGINEER}
- ${c.tech.first} owns the ${c.facts.orchestrator} jobs; ${c.champ.first} owns the roadmap.
- Pain: ${c.seed.pain}. Most recent: ${c.seed.incident}.
- ~${c.facts.tables} production tables on ${c.facts.warehouse}; about ${c.facts.incidentsPerMonth} incidents a month.
- Decision: ${c.econ.full} signs; security review by ${c.blocker.full}.
- Competition: looked at ${c.facts.competitor} last year, stalled on pricing.
- Next: demo for the wider team; Alex to send recap and a one-page business case.`,
    prep: (c, a) => `Prep for discovery with ${firstNames(a) || c.champ.first}
Agenda
- impact: hours per incident, who notices first
- decision process and budget owner (${c.econ.first}?)
- timeline: anything tied to ${c.closeDate}?
Goal: qualified next step, ideally a demo with ${c.tech.first}.`,
  },
  demo: {
    title: "product demo",
    minutes: 60,
    roles: ["champion", "technical_evaluator", "user"],
    notes: (c, a) => `Attendees: ${names(a)}; Alex Morgan, ${SOLUTIONS_ENGINEER}
- Demoed freshness and volume monitors on a sample of ${c.seed.table}, then column-level lineage into their dashboards.
- ${c.tech.first} liked monitors-as-code; asked about ${c.facts.warehouse} cost of the metadata queries (negligible, read-only).
- ${c.champ.first}: "this would have caught ${c.seed.incident}".
- Concern: ${c.facts.competitor} is offering a free 30-day trial.
- Decision: move to a structured two-week pilot on ${c.facts.tables} tables.
- Next: Alex to send recording and draft success criteria.`,
    prep: (c, a) => `Prep for the demo with ${firstNames(a) || "the data team"}
Agenda
- 5 min: recap of ${c.seed.pain}
- 25 min: monitors on ${c.seed.table}, alert routing, lineage
- 15 min: monitors-as-code in their ${c.facts.orchestrator} repo
- 10 min: pilot proposal
Prep: ask ${SOLUTIONS_ENGINEER} to load a ${c.industry} sample dataset.`,
  },
  deepDive: {
    title: "technical deep dive",
    minutes: 60,
    roles: ["technical_evaluator", "user"],
    notes: (c, a) => `Attendees: ${names(a)}; ${SOLUTIONS_ENGINEER}, Alex Morgan
- Walked through the ${c.facts.warehouse} connector and the read-only role.
- ${c.tech.first} wants custom SQL monitors for business rules on ${c.seed.table}; showed two examples.
- Agreed alert routing: domain owners in Slack, P1 incidents to PagerDuty.
- Open question: environments; they run dev, staging and prod separately.
- Next: ${SOLUTIONS_ENGINEER} to send a sample monitors YAML for their repo.`,
    prep: (c, a) => `Prep for the technical deep dive with ${firstNames(a) || c.tech.first}
- bring example custom SQL monitor for ${c.seed.table}
- explain read-only permissions in ${c.facts.warehouse}
- show a pull request adding monitors from CI
Goal: ${c.tech.first} comfortable enough to recommend the pilot.`,
  },
  security: {
    title: "security review",
    minutes: 45,
    roles: ["blocker", "technical_evaluator"],
    notes: (c, a) => `Attendees: ${names(a)}; Northbeam security team, Alex Morgan
- ${c.blocker.first} reviewed the SOC 2 Type II report and pen-test summary; no findings open.
- Data residency: metadata stays in ${c.facts.region} (${c.facts.awsRegion}). Accepted.
- SSO with ${c.facts.sso} enforced, password login disabled; SCIM for provisioning.
- Open: their security addendum versus our DPA; legal to compare.
- Decision: pilot approved on read-only access. Production needs the addendum signed.`,
    prep: (c, a) => `Prep for the security review with ${firstNames(a) || c.blocker.first}
- send SIG Lite answers 24h ahead
- bring data-flow diagram showing metadata-only access
- expect questions on ${c.facts.sso} MFA and subprocessors
Goal: written approval for the pilot.`,
  },
  pilotKickoff: {
    title: "pilot kickoff",
    minutes: 30,
    roles: ["champion", "technical_evaluator"],
    notes: (c, a) => `Attendees: ${names(a)}; ${SOLUTIONS_ENGINEER}, Alex Morgan
- Pilot scope: ${c.facts.tables} tables around ${c.seed.table}, two weeks.
- Success criteria: at least 3 real incidents caught first, time-to-detect under 1 hour, under 10% noisy alerts.
- ${c.tech.first} created the service account during the call.
- Check-ins every Tuesday; readout with ${c.econ.first} at the end.`,
    prep: (c, a) => `Prep for the pilot kickoff with ${firstNames(a) || c.champ.first}
- confirm the table list and success criteria in writing
- service account must be ready before the call
Goal: monitors live the same day.`,
  },
  pilotReadout: {
    title: "pilot readout",
    minutes: 45,
    roles: ["champion", "economic_buyer"],
    notes: (c, a) => `Attendees: ${names(a)}; Alex Morgan, ${SOLUTIONS_ENGINEER}
- Results: ${c.deal.pilot.incidentsCaught} incidents caught, time-to-detect from ${c.deal.pilot.before} to ${c.deal.pilot.after}, ${c.deal.pilot.noisePercent}% noise.
- ${c.econ.first} asked what it costs to cover everything; answer: proposal this week.
- ${c.champ.first} wants ${c.deal.pilot.expansionScope} in phase two.
- Decision: proceed to commercial discussion, target signature by ${c.closeDate}.`,
    prep: (c, a) => `Prep for the pilot readout with ${firstNames(a) || c.econ.first}
- one slide per success criterion with the numbers
- lead with ${c.seed.incident}
- have the pricing options ready in case ${c.econ.first} asks
Goal: verbal yes to move to proposal.`,
  },
  pricing: {
    title: "pricing review",
    minutes: 45,
    roles: ["economic_buyer", "champion"],
    notes: (c, a) => `Attendees: ${names(a)}; Alex Morgan
- Walked through the ${c.amount} proposal.
- ${c.econ.first} compared with ${c.facts.competitor}'s quote (about 20% lower).
- Options discussed: 3-year at 12% off, or phased 1-year starting with the pilot scope.
- ${c.econ.first} leans to 3 years if payment is annual; CFO approval needed above ${c.bigSpend}.
- Next: Alex to get deal desk approval; ${c.champ.first} to prepare the investment memo.`,
    prep: (c, a) => `Prep for the pricing review with ${firstNames(a) || c.econ.first}
- walk-away: no discount beyond 12% without a multi-year term
- competitor: ${c.facts.competitor}, expect a 20% lower quote
- bring the ROI one-pager (${c.facts.incidentsPerMonth} incidents/month, ${c.facts.hoursPerIncident}h each)
Goal: agreed structure and a date for signature.`,
  },
  exec: {
    title: "executive alignment",
    minutes: 30,
    roles: ["economic_buyer", "champion"],
    notes: (c, a) => `Attendees: ${names(a)}; Alex Morgan, Northbeam VP Sales
- ${c.econ.first} framed the project around ${c.facts.trigger}.
- Agreed mutual plan to ${c.closeDate}; CFO investment meeting is the gating step.
- ${c.econ.first} asked for a named customer success manager: introduced ${CUSTOMER_SUCCESS}.
- Next: Alex to circulate the mutual plan today.`,
    prep: (c, a) => `Prep for executive alignment with ${firstNames(a) || c.econ.first}
- 3 slides: problem in their words, pilot results, plan to ${c.closeDate}
- ask directly about other projects competing for the same budget
Goal: ${c.econ.first} commits to the signature date.`,
  },
  contract: {
    title: "contract walkthrough",
    minutes: 30,
    roles: ["other", "economic_buyer", "blocker"],
    notes: (c, a) => `Attendees: ${names(a)}; Alex Morgan, Northbeam counsel
- Went through the MSA redlines: net 60 accepted, 90-day renewal notice accepted, logo clause removed.
- Liability: settled on 1.5x fees with a 3x confidentiality carve-out.
- ${c.legal.first} to route for signature to ${c.econ.first}; PO to follow.
- Target: signed by ${c.closeDate}.`,
    prep: (c, a) => `Prep for the contract walkthrough with ${firstNames(a) || c.legal.first}
- counsel to join for the liability discussion
- know our limits: 1.5x cap, 3x carve-out for confidentiality
- confirm who signs (${c.econ.first}) and the PO process
Goal: final redlines agreed on the call.`,
  },
  onboarding: {
    title: "onboarding kickoff",
    minutes: 45,
    roles: ["champion", "technical_evaluator", "user"],
    notes: (c, a) => `Attendees: ${names(a)}; ${CUSTOMER_SUCCESS}, ${SOLUTIONS_ENGINEER}, Alex Morgan
- ${c.facts.sso} SSO and SCIM configured during the call.
- Phase 1: ${c.facts.tables} tables from the pilot, alert routing to the on-call channel.
- Phase 2 (next quarter): ${c.deal.pilot.expansionScope}.
- ${CUSTOMER_SUCCESS.split(" ")[0]} runs weekly check-ins for the first six weeks.`,
    prep: (c, a) => `Prep for onboarding kickoff with ${firstNames(a) || c.champ.first}
- ${CUSTOMER_SUCCESS.split(" ")[0]} leads; Alex introduces and steps back
- confirm admins for ${c.facts.sso}
Goal: phase 1 scope and dates agreed.`,
  },
  qbr: {
    title: "quarterly business review",
    minutes: 60,
    roles: ["economic_buyer", "champion"],
    notes: (c, a) => `Attendees: ${names(a)}; ${CUSTOMER_SUCCESS}, Alex Morgan
- ${c.deal.pilot.incidentsCaught * 3} incidents caught this quarter; median time-to-detect ${c.deal.pilot.after}.
- ${c.deal.pilot.activeUsers} active users; adoption strongest in analytics engineering.
- ${c.econ.first} open to adding ${c.deal.pilot.expansionScope}; wants a proposal before budget planning.
- Renewal: leaning multi-year if the price holds.`,
    prep: (c, a) => `Prep for the QBR with ${firstNames(a) || c.econ.first}
- usage report and incident log from ${CUSTOMER_SUCCESS.split(" ")[0]}
- expansion proposal for ${c.deal.pilot.expansionScope}
Goal: expansion opportunity qualified before their budget cycle.`,
  },
};

function meetingKind(key: string): MeetingKind {
  const kind = MEETING_KINDS[key];
  if (!kind) throw new Error(`demo workspace: unknown meeting kind ${key}`);
  return kind;
}

const PAST_KINDS_BY_STAGE: Readonly<Partial<Record<OpportunityStage, readonly string[]>>> = {
  prospecting: ["intro"],
  discovery: ["discovery"],
  demo: ["demo", "deepDive"],
  evaluation: ["pilotKickoff", "security", "pilotReadout", "deepDive"],
  proposal: ["pricing", "exec"],
  negotiation: ["contract", "exec"],
  closed_won: ["onboarding", "qbr"],
};
const UPCOMING_KINDS_BY_STAGE: Readonly<Partial<Record<OpportunityStage, readonly string[]>>> = {
  prospecting: ["intro"],
  discovery: ["discovery", "demo"],
  demo: ["deepDive", "pilotKickoff"],
  evaluation: ["pilotReadout", "security"],
  proposal: ["pricing", "exec"],
  negotiation: ["contract", "exec"],
};

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

function planAccounts(rng: Random, ids: Ids): AccountModel[] {
  const stageSlots = rng.shuffle(
    (Object.entries(STAGE_PLAN) as Array<[OpportunityStage, number]>).flatMap(([stage, count]) =>
      Array.from({ length: count }, () => stage),
    ),
  );
  // A few accounts were typed in by hand rather than synced from the CRM.
  const manualIndexes = new Set(
    rng.shuffle(COMPANIES.map((_, i) => i).filter((i) => !itemAt(COMPANIES, i).bigDeal)).slice(0, 4),
  );

  const accounts = COMPANIES.map((seed, index): AccountModel => {
    const source: RecordSource = manualIndexes.has(index) ? "manual" : "salesforce";
    const since = REFERENCE_MS - rng.int(400, 520) * DAY - rng.int(0, 8 * 60) * MINUTE;
    const id = ids.file(idPrefixes.accounts);
    return {
      id,
      seed,
      facts: accountFacts(rng, seed),
      source,
      record: {
        id,
        createdAt: iso(since),
        updatedAt: iso(since),
        source,
        externalId: source === "salesforce" ? ids.salesforce("001") : null,
        name: seed.name,
        domain: seed.domain,
        industry: seed.industry,
        employeeCount: seed.employees,
        hqCity: seed.city,
        tier: seed.tier,
        description: null,
        ownerNotes: null,
      },
      plannedStages: [itemAt(stageSlots, index)],
      people: [],
      deals: [],
      since,
      cap: REFERENCE_MS - HOUR,
      stale: false,
    };
  });

  // The remaining deals go to accounts picked at random: those accounts have a second deal.
  const extraOwners = rng.shuffle(accounts).slice(0, stageSlots.length - accounts.length);
  extraOwners.forEach((account, k) => account.plannedStages.push(itemAt(stageSlots, accounts.length + k)));

  markStaleAccounts(rng, accounts);
  return accounts;
}

function accountFacts(rng: Random, seed: CompanySeed): AccountFacts {
  const region =
    seed.currency === "USD"
      ? { region: "the US", awsRegion: "us-east-1" }
      : seed.currency === "GBP"
        ? { region: "the UK", awsRegion: "eu-west-2" }
        : { region: "the EU", awsRegion: "eu-central-1" };
  return {
    warehouse: rng.pick(WAREHOUSES),
    orchestrator: rng.pick(ORCHESTRATORS),
    sso: rng.pick(SSO_PROVIDERS),
    competitor: rng.pick(COMPETITORS),
    trigger: rng.pick(TRIGGERS),
    stakeholder: rng.pick(STAKEHOLDERS),
    ...region,
    tables: rng.int(6, 24) * 10,
    incidentsPerMonth: rng.int(4, 14),
    hoursPerIncident: rng.int(6, 30),
    emailStyle: rng.pick(["first.last", "flast", "first_last"] as const),
  };
}

/** Stale accounts have an open mid-funnel deal and no activity in the last 16–38 days. */
function markStaleAccounts(rng: Random, accounts: AccountModel[]): void {
  const stallable = new Set<OpportunityStage>(["discovery", "demo", "evaluation", "proposal", "negotiation"]);
  const candidates = accounts.filter((a) => !a.seed.bigDeal && a.plannedStages.some((s) => stallable.has(s)));
  for (const account of rng.shuffle(candidates).slice(0, STALE_ACCOUNT_COUNT)) {
    account.stale = true;
    const lastTouch = REFERENCE_MS - rng.int(16, 38) * DAY;
    account.cap = workingMoment(rng, lastTouch, lastTouch);
  }
}

function describeAccount(account: AccountModel): string {
  const { seed, facts } = account;
  return `${seed.name} ${seed.about}. About ${groupThousands(seed.employees)} employees, headquartered in ${seed.city}. The data team runs ${facts.warehouse} with ${facts.orchestrator} and around ${facts.tables} production tables.`;
}

function ownerNotesFor(account: AccountModel): string {
  const champ = personFor(account, ["champion"]);
  const econ = personFor(account, ["economic_buyer"]);
  const blocker = personFor(account, ["blocker", "technical_evaluator"]);
  const lines = [
    `Champion: ${champ.full} (${champ.title}). Budget holder: ${econ.full}.`,
    `Security review goes through ${blocker.full}. SSO via ${account.facts.sso}.`,
    `Competing with ${account.facts.competitor}. Why now: ${account.facts.trigger}.`,
  ];
  if (account.stale) lines.push("Gone quiet: re-engage through the economic buyer.");
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Prospects
// ---------------------------------------------------------------------------------------------

function buildPeople(rng: Random, ids: Ids, accounts: AccountModel[]): void {
  const usedNames = new Set<string>();
  // Phone numbers come from the fictional 555-01xx range, one per person, until it runs out.
  const usPhones = rng.shuffle(Array.from({ length: 100 }, (_, i) => `+1-555-01${String(i).padStart(2, "0")}`));
  const ukPhones = rng.shuffle(Array.from({ length: 100 }, (_, i) => `+44-20-7946-0${String(i).padStart(3, "0")}`));

  for (const account of accounts) {
    const extraCount =
      account.seed.tier === "strategic" ? 3 : account.seed.tier === "enterprise" ? rng.int(1, 2) : rng.int(0, 1);
    const extras = rng.shuffle<ProspectRole>(["blocker", "other", "user", "user", "technical_evaluator"]);
    const roles: ProspectRole[] = ["champion", "economic_buyer", "technical_evaluator", ...extras.slice(0, extraCount)];
    // Accounts in late stages need someone from procurement or legal on the thread.
    if (account.plannedStages.some((s) => s === "negotiation") && !roles.includes("other")) roles.push("other");
    const usedLocals = new Set<string>();
    const usedTitles = new Set<string>();
    const usedFirsts = new Set<string>();
    const usedLasts = new Set<string>();

    for (const role of roles) {
      let first: string;
      let last: string;
      do {
        first = rng.pick(FIRST_NAMES);
        last = rng.pick(LAST_NAMES);
      } while (usedNames.has(`${first} ${last}`) || usedFirsts.has(first) || usedLasts.has(last));
      usedNames.add(`${first} ${last}`);
      usedFirsts.add(first);
      usedLasts.add(last);

      const title = rng.shuffle(TITLES[role]).find((t) => !usedTitles.has(t)) ?? rng.pick(TITLES[role]);
      usedTitles.add(title);

      const style = account.facts.emailStyle;
      let local =
        style === "first.last"
          ? `${slug(first)}.${slug(last)}`
          : style === "flast"
            ? `${slug(first).charAt(0)}${slug(last)}`
            : `${slug(first)}_${slug(last)}`;
      if (usedLocals.has(local)) local = `${slug(first)}.${slug(last)}`;
      usedLocals.add(local);

      const phonePool = account.seed.currency === "GBP" ? ukPhones : account.seed.currency === "USD" ? usPhones : [];
      const phone = rng.chance(0.85) ? (phonePool.pop() ?? null) : null;
      const source: RecordSource = account.source === "salesforce" && rng.chance(0.88) ? "salesforce" : "manual";
      const createdAt = account.since + rng.int(0, 3 * 24 * 60) * MINUTE;
      const id = ids.file(idPrefixes.prospects);
      const record: WorkspaceProspect = {
        id,
        createdAt: iso(createdAt),
        updatedAt: iso(between(rng, createdAt, account.cap)),
        source,
        externalId: source === "salesforce" ? ids.salesforce("003") : null,
        accountId: account.id,
        firstName: first,
        lastName: last,
        title,
        email: `${local}@${account.seed.domain}`,
        phone,
        linkedinUrl: `https://linkedin.example/in/${slug(first)}-${slug(last)}-${rng.string(LOWER_ALNUM, 6)}`,
        role,
        status: "active",
      };
      account.people.push({
        id,
        first,
        last,
        full: `${first} ${last}`,
        title,
        email: record.email ?? "",
        role,
        record,
      });
    }
  }
  // One stalled deal has a story: its champion moved on, which is why it went quiet.
  const staleAccount = accounts.find((a) => a.stale);
  if (staleAccount) personFor(staleAccount, ["champion"]).record.status = "left_company";
}

/**
 * Everyone else is active unless the timeline says otherwise: people last heard from months ago may
 * have left, and people whose latest touch is weeks old (often an unanswered sequence) are
 * unresponsive. Nobody with an upcoming meeting is either.
 */
function assignStatuses(
  rng: Random,
  accounts: AccountModel[],
  activities: readonly WorkspaceActivity[],
  meetings: readonly WorkspaceMeeting[],
): void {
  const lastSeen = new Map<string, { at: string; type: ActivityType }>();
  for (const activity of activities) {
    if (!activity.prospectId) continue;
    const seen = lastSeen.get(activity.prospectId);
    if (!seen || seen.at < activity.at) lastSeen.set(activity.prospectId, { at: activity.at, type: activity.type });
  }
  const booked = new Set(meetings.filter((m) => m.startsAt > DEMO_REFERENCE_DATE).flatMap((m) => m.attendees ?? []));
  const candidates = accounts
    .flatMap((a) => a.people)
    .filter((p) => p.role !== "champion" && p.record.status === "active" && !booked.has(p.id));
  const silentSince = (p: Person, days: number) => (lastSeen.get(p.id)?.at ?? "") <= iso(REFERENCE_MS - days * DAY);

  const leavers = rng.shuffle(candidates.filter((p) => p.role !== "economic_buyer" && silentSince(p, 60))).slice(0, 2);
  for (const person of leavers) person.record.status = "left_company";

  const ignoredSequence = (p: Person) => lastSeen.get(p.id)?.type === "sequence_step";
  const quiet = candidates.filter((p) => p.record.status === "active" && silentSince(p, 21));
  const unresponsive = [
    ...rng.shuffle(quiet.filter(ignoredSequence)),
    ...rng.shuffle(quiet.filter((p) => !ignoredSequence(p))),
  ];
  for (const person of unresponsive.slice(0, 7)) person.record.status = "unresponsive";
}

// ---------------------------------------------------------------------------------------------
// Opportunities
// ---------------------------------------------------------------------------------------------

function buildDeals(rng: Random, ids: Ids, accounts: AccountModel[]): DealModel[] {
  const deals: DealModel[] = [];
  for (const account of accounts) {
    // Closed deals first: they are the older ones, and a won deal turns the others into expansions.
    const order = (s: OpportunityStage) => (s === "closed_won" ? 0 : s === "closed_lost" ? 1 : 2);
    const stages = [...account.plannedStages].sort((a, b) => order(a) - order(b));
    const hasWon = stages.includes("closed_won");
    const dealNames = rng.shuffle(NEW_BUSINESS_DEALS);
    const expansions = rng.shuffle(EXPANSION_DEALS);
    const parallels = rng.shuffle(PARALLEL_DEALS);
    let notBefore = Number.NEGATIVE_INFINITY;

    stages.forEach((stage, index) => {
      const isExpansion = hasWon && index > 0;
      // After a lost deal the next one is a second attempt at new business; next to an open one it is another team's.
      const previous = stages[index - 1];
      const label = isExpansion
        ? itemAt(expansions, index)
        : previous !== undefined && isOpen(previous)
          ? itemAt(parallels, index)
          : itemAt(dealNames, index);
      const name = `${account.seed.name} – ${label}`;
      const followedByAnother = index < stages.length - 1;
      const history = planHistory(rng, account, stage, notBefore, followedByAnother);
      // The next deal (an expansion, or a second attempt) starts after this one closed.
      if (!isOpen(stage)) notBefore = itemAt(history, history.length - 1).at + 7 * DAY;
      const deal: DealModel = {
        id: ids.file(idPrefixes.opportunities),
        account,
        source: account.source === "salesforce" && rng.chance(0.92) ? "salesforce" : "manual",
        name,
        stage,
        history,
        windows: [],
        amountCents: dealAmount(rng, account, index === 0 && account.seed.bigDeal === true, isExpansion),
        closeMs: 0,
        loss: stage === "closed_lost" ? rng.pick(lossReasons(account.facts.competitor)) : null,
        pilot: {
          incidentsCaught: rng.int(4, 17),
          before: rng.pick(TIME_TO_DETECT_BEFORE),
          after: rng.pick(TIME_TO_DETECT_AFTER),
          noisePercent: rng.int(4, 9),
          activeUsers: rng.int(12, 80),
          expansionScope: rng.pick(EXPANSION_SCOPES),
        },
        record: placeholderOpportunity(),
      };
      deal.windows = stageWindows(deal);
      account.deals.push(deal);
      deals.push(deal);
    });
  }

  assignCloseDates(rng, deals);
  for (const deal of deals) deal.record = opportunityRecord(rng, ids, deal);
  return deals;
}

/** Replaced by opportunityRecord once close dates are known. */
function placeholderOpportunity(): WorkspaceOpportunity {
  return { id: "opp_pending", createdAt: "", updatedAt: "", source: "manual", name: "pending", stage: "prospecting" };
}

/**
 * The stages a deal went through, oldest first, ending at `stage`. Built backwards from the latest
 * change so that open deals moved recently (or, in stale accounts, weeks ago) and closed deals closed
 * within the last seven months — at least two months ago when another deal of the account follows.
 * Nothing happens before `notBefore` (an earlier deal's close): later deals enter the funnel further
 * down instead, as expansions do.
 */
function planHistory(
  rng: Random,
  account: AccountModel,
  stage: OpportunityStage,
  notBefore: number,
  followedByAnother: boolean,
): StageChange[] {
  let path: OpportunityStage[];
  if (stage === "closed_won") {
    path = [...OPEN_STAGES, "closed_won"];
  } else if (stage === "closed_lost") {
    const lostFrom = rng.pick(["discovery", "demo", "evaluation", "proposal", "negotiation"] as const);
    path = [...OPEN_STAGES.slice(0, OPEN_STAGES.indexOf(lostFrom) + 1), "closed_lost"];
  } else {
    path = OPEN_STAGES.slice(0, OPEN_STAGES.indexOf(stage) + 1);
  }
  // Inbound deals skip prospecting.
  if (path.length > 2 && rng.chance(0.25)) path = path.slice(1);

  let latest = isOpen(stage)
    ? account.cap - (account.stale ? rng.int(12, 24) : rng.int(2, 24)) * DAY
    : account.cap - rng.int(followedByAnother ? 60 : 8, 200) * DAY;
  if (!isOpen(stage) && latest < notBefore + 20 * DAY)
    latest = Math.min(notBefore + rng.int(20, 40) * DAY, account.cap - 8 * DAY);
  const times: number[] = [workingMoment(rng, latest, latest)];
  for (let i = path.length - 2; i >= 0; i--) {
    const later = itemAt(times, 0);
    times.unshift(workingMoment(rng, later - rng.int(5, 21) * DAY, later - DAY));
  }
  while (path.length > 2 && itemAt(times, 0) < notBefore) {
    path = path.slice(1);
    times.shift();
  }
  if (itemAt(times, 0) < notBefore) {
    const second = itemAt(times, 1);
    times[0] = workingMoment(rng, notBefore + (second - notBefore) / 2, second - HOUR);
  }
  return path.map((s, i) => ({ stage: s, at: itemAt(times, i) }));
}

function stageWindows(deal: DealModel): StageWindow[] {
  const { history, account } = deal;
  return history.map((change, i): StageWindow => {
    const next = history[i + 1];
    if (next) return { stage: change.stage, from: change.at, to: next.at };
    if (change.stage === "closed_won")
      return { stage: change.stage, from: change.at, to: Math.min(account.cap, change.at + 80 * DAY) };
    // The "we went another way" exchange happens in the days before the deal is marked lost.
    if (change.stage === "closed_lost") return { stage: change.stage, from: change.at - 5 * DAY, to: change.at };
    return { stage: change.stage, from: change.at, to: account.cap };
  });
}

function dealAmount(rng: Random, account: AccountModel, big: boolean, expansion: boolean): number {
  const dollarsRange: Readonly<Record<Tier, readonly [number, number]>> = {
    strategic: [150_000, 600_000],
    enterprise: [60_000, 250_000],
    mid_market: [24_000, 90_000],
  };
  let dollars: number;
  if (big) {
    dollars = rng.int(220, 320) * 5_000; // $1.1M–$1.6M
  } else {
    const [min, max] = dollarsRange[account.seed.tier];
    dollars = rng.int(min, max);
    if (expansion) dollars = Math.max(18_000, dollars * (0.35 + rng.next() * 0.35));
  }
  return Math.round(dollars / 500) * 500 * 100;
}

/**
 * Close dates: closed deals on the day they closed; open deals ahead by stage, except that a few are
 * already overdue (stalled deals first) and a few close later this month.
 */
function assignCloseDates(rng: Random, deals: DealModel[]): void {
  const late = deals.filter((d) => d.stage === "evaluation" || d.stage === "proposal" || d.stage === "negotiation");
  const overdue = new Set(
    [...late.filter((d) => d.account.stale), ...late.filter((d) => !d.account.stale)].slice(0, 3),
  );
  const thisMonth = new Set(
    deals
      .filter((d) => (d.stage === "proposal" || d.stage === "negotiation") && !overdue.has(d) && !d.account.stale)
      .slice(0, 4),
  );
  const today = startOfDay(REFERENCE_MS);
  for (const deal of deals) {
    const last = itemAt(deal.history, deal.history.length - 1);
    if (!isOpen(deal.stage)) {
      deal.closeMs = startOfDay(last.at);
    } else if (overdue.has(deal)) {
      deal.closeMs = nextWeekday(today - rng.int(4, 20) * DAY);
    } else if (thisMonth.has(deal)) {
      deal.closeMs = nextWeekday(today + rng.int(3, 17) * DAY); // January 15–30
    } else {
      const [min, max] = CLOSE_IN_DAYS[deal.stage];
      deal.closeMs = nextWeekday(today + rng.int(min, max) * DAY);
    }
  }
}

function defaultNextStep(deal: DealModel): string | null {
  const c = makeCtx(
    deal,
    personFor(deal.account, ["champion"]),
    personFor(deal.account, ["technical_evaluator"]),
    REFERENCE_MS,
  );
  if (deal.account.stale && isOpen(deal.stage)) {
    return `Re-engage: no reply from ${c.champ.first} since ${shortDate(deal.account.cap)}; try ${c.econ.first} directly`;
  }
  switch (deal.stage) {
    case "prospecting":
      return `Follow up with ${c.champ.first} on the outbound sequence and book a discovery call`;
    case "discovery":
      return `Book the demo with ${c.champ.first} and ${c.tech.first}`;
    case "demo":
      return `Agree pilot success criteria with ${c.tech.first}; send SOC 2 report to ${c.blocker.first}`;
    case "evaluation":
      return `Pilot readout with ${c.champ.first} and ${c.econ.first}; security questionnaire due from ${c.blocker.first}`;
    case "proposal":
      return `Walk ${c.econ.first} through the 1-year vs 3-year pricing options`;
    case "negotiation":
      return `Redlines back from ${c.legal.first}; signature from ${c.econ.first} by ${shortDate(deal.closeMs)}`;
    case "closed_won":
      return `QBR with ${c.econ.first}; qualify expansion into ${deal.pilot.expansionScope}`;
    case "closed_lost":
      return `Revisit in ${deal.loss?.revisit ?? "six months"}`;
  }
}

function opportunityRecord(rng: Random, ids: Ids, deal: DealModel): WorkspaceOpportunity {
  const first = itemAt(deal.history, 0);
  const last = itemAt(deal.history, deal.history.length - 1);
  const updated = isOpen(deal.stage)
    ? between(rng, last.at, deal.account.cap)
    : Math.min(deal.account.cap, last.at + rng.int(0, 48) * HOUR);
  return {
    id: deal.id,
    createdAt: iso(first.at),
    updatedAt: iso(Math.max(updated, last.at)),
    source: deal.source,
    externalId: deal.source === "salesforce" ? ids.salesforce("006") : null,
    accountId: deal.account.id,
    name: deal.name,
    stage: deal.stage,
    amount: deal.amountCents,
    currency: deal.account.seed.currency,
    closeDate: isoDate(deal.closeMs),
    probability: rng.pick(STAGE_PROBABILITY[deal.stage]),
    nextStep: defaultNextStep(deal),
    lossReason: deal.loss?.reason ?? null,
    stageHistory: deal.history.map((h) => ({ stage: h.stage, at: iso(h.at) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Activities (shared helper)
// ---------------------------------------------------------------------------------------------

interface ActivityInput {
  type: ActivityType;
  at: number;
  source: RecordSource;
  externalId: string | null;
  account: AccountModel;
  person?: Person | null;
  deal?: DealModel | null;
  summary: string;
}

function makeActivity(ids: Ids, input: ActivityInput): WorkspaceActivity {
  return {
    id: ids.file(idPrefixes.activities),
    createdAt: iso(input.at),
    updatedAt: iso(input.at),
    source: input.source,
    externalId: input.source === "manual" ? null : input.externalId,
    type: input.type,
    at: iso(input.at),
    accountId: input.account.id,
    prospectId: input.person?.id ?? null,
    opportunityId: input.deal?.id ?? null,
    summary: input.summary,
  };
}

/** Calls and CRM tasks live in Salesforce as Task records when the account is synced from there. */
function taskSource(
  rng: Random,
  ids: Ids,
  account: AccountModel,
  salesforceShare: number,
): [RecordSource, string | null] {
  if (account.source === "salesforce" && rng.chance(salesforceShare)) return ["salesforce", ids.salesforce("00T")];
  return ["manual", null];
}

// ---------------------------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------------------------

interface ConversationPlan {
  deal: DealModel;
  lead: Person;
  second: Person;
  start: number;
  end: number;
}

/** Picks the thread's two people: `lead` by the template's roles, `second` somebody else. */
function castFor(
  deal: DealModel,
  leadRoles: readonly ProspectRole[],
  secondRoles: readonly ProspectRole[],
): [Person, Person] {
  const lead = personFor(deal.account, leadRoles);
  const second = personFor(deal.account, secondRoles, lead);
  return [lead, second];
}

function buildEmailThreads(
  rng: Random,
  ids: Ids,
  deals: DealModel[],
  activities: WorkspaceActivity[],
): WorkspaceConversation[] {
  const threads: WorkspaceConversation[] = [];
  for (const deal of deals) {
    const used = new Set<string>();
    deal.windows.forEach((window, index) => {
      const plan = EMAILS_BY_STAGE[window.stage];
      const isCurrent = index === deal.windows.length - 1;
      const wanted = isCurrent && isOpen(deal.stage) ? 1 : plan.chance;
      // Evaluation windows are long and busy: security and pilot threads often both happen.
      const count = (rng.chance(wanted) ? 1 : 0) + (window.stage === "evaluation" && rng.chance(0.2) ? 1 : 0);
      for (const key of rng.shuffle(plan.keys.filter((k) => !used.has(k))).slice(0, count)) {
        const template = EMAIL_TEMPLATES[key];
        if (!template) continue;
        used.add(key);
        const [lead, second] = castFor(deal, template.leadRoles, template.secondRoles);
        const latestStart =
          window.to - (deal.account.stale && isCurrent ? STALE_SEQUENCE_DAYS * DAY + 3 * DAY : 2 * HOUR);
        const start = workingMoment(
          rng,
          between(rng, window.from, window.from + (window.to - window.from) * 0.5),
          latestStart,
        );
        // A stale deal's last thread ends with the owner's unanswered message, ten days before the
        // re-engage sequence (the account's last touch) gives up.
        const endsUnanswered = deal.account.stale && isCurrent;
        const end = endsUnanswered ? window.to - STALE_SEQUENCE_DAYS * DAY : window.to;
        const threadStart = Math.min(start, workingMoment(rng, end - 3 * DAY, end - 2 * HOUR));
        threads.push(
          emailThread(rng, ids, template, { deal, lead, second, start: threadStart, end }, endsUnanswered, activities),
        );
      }
    });
  }
  return threads;
}

function emailThread(
  rng: Random,
  ids: Ids,
  template: EmailTemplate,
  plan: ConversationPlan,
  endsUnanswered: boolean,
  activities: WorkspaceActivity[],
): WorkspaceConversation {
  const { deal, lead, second } = plan;
  const account = deal.account;
  let count = Math.min(template.messages.length, rng.pick([2, 3, 3, 4, 4, 5, 5, 6]));
  if (endsUnanswered) {
    while (count > 2 && itemAt(template.messages, count - 1).from !== "owner") count--;
  }
  const steps = template.messages.slice(0, count);
  const ccSecond = steps.some((m) => m.from === "second") || rng.chance(0.35);
  const times = replyTimes(rng, plan.start, count, plan.end);
  const ctx = makeCtx(deal, lead, second, plan.start);
  const subject = template.subject(ctx);

  const messages: WorkspaceMessage[] = steps.map((step, i) => {
    const sentAt = itemAt(times, i);
    const sender = step.from === "owner" ? null : step.from === "lead" ? lead : second;
    const recipients: string[] =
      sender === null
        ? [lead.email, ...(ccSecond ? [second.email] : [])]
        : [DEMO_OWNER.email, ...(ccSecond ? [sender === lead ? second.email : lead.email] : [])];
    const summarySubject = i === 0 || subject.startsWith("Re: ") ? subject : `Re: ${subject}`;
    activities.push(
      makeActivity(ids, {
        type: sender === null ? "email_sent" : "email_received",
        at: sentAt,
        source: "gmail",
        externalId: ids.gmail(sentAt),
        account,
        person: sender ?? lead,
        deal,
        summary:
          sender === null
            ? `Email sent to ${lead.full}: ${summarySubject}`
            : `Email received from ${sender.full}: ${summarySubject}`,
      }),
    );
    return {
      id: ids.file(idPrefixes.messages),
      from: sender === null ? DEMO_OWNER.email : sender.email,
      to: recipients,
      sentAt: iso(sentAt),
      body: step.body(ctx),
      externalId: ids.gmail(sentAt),
    };
  });

  const first = itemAt(times, 0);
  const last = itemAt(times, times.length - 1);
  return {
    id: ids.file(idPrefixes.conversations),
    createdAt: iso(first),
    updatedAt: iso(last),
    source: "gmail",
    externalId: ids.gmail(first),
    accountId: account.id,
    opportunityId: deal.id,
    channel: "email",
    subject,
    participants: [DEMO_OWNER.email, lead.id, ...(ccSecond ? [second.id] : [])],
    messages,
  };
}

/** Logged calls: a conversation holding the owner's call summary, plus the CRM's call_logged task. */
function buildCalls(
  rng: Random,
  ids: Ids,
  deals: DealModel[],
  activities: WorkspaceActivity[],
): WorkspaceConversation[] {
  const calls: WorkspaceConversation[] = [];
  const slots = deals.flatMap((deal) =>
    deal.windows.filter((w) => CALL_TOPICS[w.stage]).map((window) => ({ deal, window })),
  );
  for (const { deal, window } of rng.shuffle(slots).slice(0, 11)) {
    const topic = CALL_TOPICS[window.stage];
    if (!topic) continue;
    const [lead, second] = castFor(deal, topic.roles, ["champion", "technical_evaluator"]);
    const at = workingMoment(rng, between(rng, window.from, window.to), window.to - HOUR);
    const ctx = makeCtx(deal, lead, second, at);
    const [source, externalId] = taskSource(rng, ids, deal.account, 0.8);
    activities.push(
      makeActivity(ids, {
        type: "call_logged",
        at,
        source,
        externalId,
        account: deal.account,
        person: lead,
        deal,
        summary: `Call logged with ${lead.full}: ${topic.topic}`,
      }),
    );
    calls.push({
      id: ids.file(idPrefixes.conversations),
      createdAt: iso(at),
      updatedAt: iso(at),
      source: "manual",
      externalId: null,
      accountId: deal.account.id,
      opportunityId: deal.id,
      channel: "call",
      subject: `Call with ${lead.full}: ${topic.topic}`,
      participants: [DEMO_OWNER.email, lead.id],
      messages: [
        {
          id: ids.file(idPrefixes.messages),
          from: DEMO_OWNER.email,
          to: [lead.email],
          sentAt: iso(at),
          body: topic.body(ctx),
          externalId: null,
        },
      ],
    });
  }
  return calls;
}

function buildLinkedInConversations(rng: Random, ids: Ids, deals: DealModel[]): WorkspaceConversation[] {
  const early = deals.filter((d) => isOpen(d.stage) || d.stage === "closed_won");
  return rng
    .shuffle(early)
    .slice(0, 8)
    .map((deal, index): WorkspaceConversation => {
      const template = itemAt(LINKEDIN_TEMPLATES, index % LINKEDIN_TEMPLATES.length);
      const [lead, second] = castFor(deal, template.roles, ["champion"]);
      const window = itemAt(deal.windows, 0);
      const start = workingMoment(rng, between(rng, window.from, window.to), window.to - 2 * HOUR);
      const times = replyTimes(rng, start, template.messages.length, window.to);
      const ctx = makeCtx(deal, lead, second, start);
      return {
        id: ids.file(idPrefixes.conversations),
        createdAt: iso(start),
        updatedAt: iso(itemAt(times, times.length - 1)),
        source: "manual",
        externalId: null,
        accountId: deal.account.id,
        opportunityId: deal.id,
        channel: "linkedin",
        subject: template.subject(ctx),
        participants: [DEMO_OWNER.email, lead.id],
        messages: template.messages.map((step, i) => {
          const fromOwner = step.from === "owner";
          return {
            id: ids.file(idPrefixes.messages),
            from: fromOwner ? DEMO_OWNER.email : lead.email,
            to: fromOwner ? [lead.email] : [DEMO_OWNER.email],
            sentAt: iso(itemAt(times, i)),
            body: step.body(ctx),
            externalId: null,
          };
        }),
      };
    });
}

// ---------------------------------------------------------------------------------------------
// Meetings and notes
// ---------------------------------------------------------------------------------------------

interface MeetingsAndNotes {
  meetings: WorkspaceMeeting[];
  notes: WorkspaceNote[];
}

function attendeesFor(rng: Random, account: AccountModel, roles: readonly ProspectRole[]): Person[] {
  const picked: Person[] = [];
  for (const role of roles) {
    const person = account.people.find((p) => p.role === role && !picked.includes(p));
    if (person) picked.push(person);
  }
  if (picked.length === 0) picked.push(personFor(account, ["champion"]));
  return picked.slice(0, rng.chance(0.3) ? 2 : 3);
}

function meetingLocation(rng: Random, account: AccountModel): string {
  if (rng.chance(0.2))
    return `${account.seed.name} office, ${account.seed.city}, conference room ${rng.int(2, 14)}${rng.pick(["A", "B", "C"])}`;
  if (rng.chance(0.7))
    return `https://meet.example/${rng.string("abcdefghijklmnopqrstuvwxyz", 3)}-${rng.string("abcdefghijklmnopqrstuvwxyz", 4)}-${rng.string("abcdefghijklmnopqrstuvwxyz", 3)}`;
  return `https://zoom.example/j/${rng.int(81_000, 89_999)}${rng.int(10_000, 99_999)}`;
}

interface MeetingSpec {
  deal: DealModel;
  title: string;
  start: number;
  minutes: number;
  attendees: Person[];
  location: string;
  noteBody: string;
  upcoming: boolean;
}

function buildMeetings(rng: Random, ids: Ids, deals: DealModel[], activities: WorkspaceActivity[]): MeetingsAndNotes {
  const specs: MeetingSpec[] = [
    ...pastMeetingSpecs(rng, deals),
    ...internalReviewSpecs(rng, deals),
    ...referenceCallSpecs(rng, deals),
    ...upcomingMeetingSpecs(rng, deals),
  ];
  const meetings: WorkspaceMeeting[] = [];
  const notes: WorkspaceNote[] = [];
  for (const spec of specs) {
    const { deal } = spec;
    const account = deal.account;
    const end = spec.start + spec.minutes * MINUTE;
    // Invites go out a few days ahead; upcoming ones were all booked before the reference date.
    const bookBy = Math.min(spec.start - rng.int(2, 9) * DAY, REFERENCE_MS - rng.int(2, 72) * HOUR);
    const booked = workingMoment(rng, bookBy, bookBy);
    const inPerson = !spec.location.startsWith("https://");
    const source: RecordSource = inPerson && rng.chance(0.5) ? "manual" : "gcal";
    const meetingId = ids.file(idPrefixes.meetings);
    const noteId = ids.file(idPrefixes.notes);
    meetings.push({
      id: meetingId,
      createdAt: iso(booked),
      updatedAt: iso(booked),
      source,
      externalId: source === "gcal" ? ids.calendar() : null,
      accountId: account.id,
      opportunityId: deal.id,
      title: spec.title,
      startsAt: iso(spec.start),
      endsAt: iso(end),
      attendees: spec.attendees.map((p) => p.id),
      location: spec.location,
      notesId: noteId,
    });

    // Past meetings get their notes right after; upcoming ones have a prep note written beforehand.
    const noteAt = spec.upcoming
      ? Math.max(booked, workingMoment(rng, booked + rng.int(1, 48) * HOUR, REFERENCE_MS - HOUR))
      : Math.min(end + rng.int(15, 120) * MINUTE, account.cap);
    notes.push({
      id: noteId,
      createdAt: iso(noteAt),
      updatedAt: iso(noteAt),
      source: "manual",
      externalId: null,
      meetingId,
      accountId: account.id,
      opportunityId: deal.id,
      prospectId: null,
      body: spec.noteBody,
    });
    activities.push(
      makeActivity(ids, {
        type: "note_added",
        at: noteAt,
        source: "manual",
        externalId: null,
        account,
        person: spec.attendees[0] ?? null,
        deal,
        summary: `Note added: ${spec.upcoming ? "prep for " : ""}${spec.title}`,
      }),
    );
    if (!spec.upcoming) {
      activities.push(
        makeActivity(ids, {
          type: "meeting_held",
          at: end,
          source,
          externalId: source === "gcal" ? ids.calendar() : null,
          account,
          person: spec.attendees.find((p) => p.record.accountId === account.id) ?? null,
          deal,
          summary: `Meeting held: ${spec.title} with ${names(spec.attendees)}`,
        }),
      );
    }
  }
  return { meetings, notes };
}

/** One meeting in a stage window, placed so it ends (and its notes are written) inside the window. */
function pastMeetingSpecs(rng: Random, deals: DealModel[]): MeetingSpec[] {
  const slots = deals.flatMap((deal) =>
    deal.windows.filter((w) => PAST_KINDS_BY_STAGE[w.stage] && w.to - w.from > DAY).map((window) => ({ deal, window })),
  );
  return rng
    .shuffle(slots)
    .slice(0, PAST_DEAL_MEETINGS)
    .map(({ deal, window }) => {
      const chosen = meetingKind(rng.pick(PAST_KINDS_BY_STAGE[window.stage] ?? []));
      const start = meetingMoment(
        rng,
        between(rng, window.from, window.to),
        window.to - chosen.minutes * MINUTE - 3 * HOUR,
      );
      const attendees = attendeesFor(rng, deal.account, chosen.roles);
      const ctx = makeCtx(deal, itemAt(attendees, 0), personFor(deal.account, ["technical_evaluator"]), start);
      return {
        deal,
        title: `${deal.account.seed.name} – ${chosen.title}`,
        start,
        minutes: chosen.minutes,
        attendees,
        location: meetingLocation(rng, deal.account),
        noteBody: chosen.notes(ctx, attendees),
        upcoming: false,
      };
    });
}

/** Internal deal reviews: calendar events with no prospect attending. */
function internalReviewSpecs(rng: Random, deals: DealModel[]): MeetingSpec[] {
  const candidates = deals.filter(
    (d) => d.stage === "proposal" || d.stage === "negotiation" || d.stage === "evaluation",
  );
  return rng
    .shuffle(candidates)
    .slice(0, 3)
    .map((deal) => {
      const window = itemAt(deal.windows, deal.windows.length - 1);
      const start = meetingMoment(rng, between(rng, window.from, window.to), window.to - 4 * HOUR);
      const c = makeCtx(
        deal,
        personFor(deal.account, ["champion"]),
        personFor(deal.account, ["economic_buyer"]),
        start,
      );
      return {
        deal,
        title: `${deal.account.seed.name} – internal deal review`,
        start,
        minutes: 30,
        attendees: [],
        location: "https://meet.example/nbm-deal-desk",
        noteBody: `Internal review of ${deal.name} (${c.amount}, ${stageLabel(deal.stage)}, close ${isoDate(deal.closeMs)})
- Champion ${c.champ.full} is strong; no direct line to ${c.econ.full} yet.
- Competition: ${c.facts.competitor}, likely undercutting on price.
- Risk: security addendum with ${c.blocker.first} could slip the date.
- Asks: deal desk approval for a 12% multi-year discount; ${SOLUTIONS_ENGINEER} for pilot support.`,
        upcoming: false,
      };
    });
}

/** Reference calls: a happy customer (another account's champion) talks to a prospect. */
function referenceCallSpecs(rng: Random, deals: DealModel[]): MeetingSpec[] {
  const references = deals.filter((d) => d.stage === "closed_won" && !d.account.stale);
  const askers = deals.filter((d) => (d.stage === "evaluation" || d.stage === "proposal") && !d.account.stale);
  return rng
    .shuffle(askers)
    .slice(0, 2)
    .map((deal, i) => {
      const reference = itemAt(references, i % references.length);
      const refPerson = personFor(reference.account, ["champion"]);
      const champ = personFor(deal.account, ["champion"]);
      const window = itemAt(deal.windows, deal.windows.length - 1);
      const start = meetingMoment(rng, between(rng, window.from, window.to), window.to - 4 * HOUR);
      return {
        deal,
        title: `${deal.account.seed.name} – reference call with ${reference.account.seed.name}`,
        start,
        minutes: 30,
        attendees: [champ, refPerson],
        location: `https://meet.example/ref-${rng.string("abcdefghijklmnopqrstuvwxyz", 3)}-${rng.string("abcdefghijklmnopqrstuvwxyz", 4)}`,
        noteBody: `Attendees: ${champ.full} (${deal.account.seed.name}), ${refPerson.full} (${reference.account.seed.name}); Alex Morgan
- ${refPerson.first} described their rollout: ${reference.account.facts.tables} tables in the first month, alert routing by domain.
- ${champ.first} asked about alert fatigue; ${refPerson.first}: noise dropped below 10% after two weeks of tuning.
- ${refPerson.first} would choose Northbeam again; lineage was the deciding feature for them.
- Next: ${champ.first} to share the notes with ${personFor(deal.account, ["economic_buyer"]).first}.`,
        upcoming: false,
      };
    });
}

/** Meetings after the reference date, for open deals in accounts that are still active. */
function upcomingMeetingSpecs(rng: Random, deals: DealModel[]): MeetingSpec[] {
  const open = rng.shuffle(deals.filter((d) => isOpen(d.stage) && !d.account.stale));
  const today = startOfDay(REFERENCE_MS);
  const scheduled = new Set<DealModel>();
  return UPCOMING_MEETING_DAYS.map((days, i) => {
    const deal = itemAt(open, i % open.length);
    const kind = meetingKind(rng.pick(UPCOMING_KINDS_BY_STAGE[deal.stage] ?? ["discovery"]));
    const day = nextWeekday(today + days * DAY);
    const start = day + rng.int(14, 20) * HOUR + rng.int(0, 1) * 30 * MINUTE;
    const attendees = attendeesFor(rng, deal.account, kind.roles);
    const ctx = makeCtx(deal, itemAt(attendees, 0), personFor(deal.account, ["technical_evaluator"]), REFERENCE_MS);
    // The days are in ascending order, so a deal's next step names its earliest upcoming meeting.
    if (!scheduled.has(deal))
      deal.record.nextStep = `${capitalize(kind.title)} on ${longDate(start)} with ${firstNames(attendees)}`;
    scheduled.add(deal);
    return {
      deal,
      title: `${deal.account.seed.name} – ${kind.title}`,
      start,
      minutes: kind.minutes,
      attendees,
      location: meetingLocation(rng, deal.account),
      noteBody: kind.prep(ctx, attendees),
      upcoming: true,
    };
  });
}

interface AccountNoteTemplate {
  headline: string;
  applies: (a: AccountModel) => boolean;
  body: (c: Ctx, a: AccountModel) => string;
}

const ACCOUNT_NOTES: readonly AccountNoteTemplate[] = [
  {
    headline: "gone quiet",
    applies: (a) => a.stale,
    body: (c, a) =>
      `Stalled: ${c.champ.full} has not answered my last email, and ${c.econ.first} ignored the whole re-engage sequence.${c.champ.record.status === "left_company" ? ` Heard ${c.champ.first} has left ${c.company}; need a new sponsor.` : ""} Options: go to ${c.econ.full} directly with the business case, or through ${c.tech.first}, who has been the most engaged so far. Close date ${shortDate(a.deals.find((d) => isOpen(d.stage))?.closeMs ?? a.cap)} at risk.`,
  },
  {
    headline: "org map",
    applies: () => true,
    body: (c) =>
      `Org map: ${c.champ.full} (${c.champ.title}) is our champion and reports to ${c.econ.full} (${c.econ.title}). ${c.blocker.full} runs security reviews and has a soft spot for ${c.facts.competitor}'s self-hosted option. ${c.tech.full} is the hands-on evaluator.`,
  },
  {
    headline: "competitive intel",
    applies: () => true,
    body: (c) =>
      `Competitive: ${c.facts.competitor} is offering ${c.company} a free 30-day trial and 25% off year one. Our edge: column-level lineage into their dashboards and monitors-as-code in the ${c.facts.orchestrator} repo. Don't match the discount without a multi-year term.`,
  },
  {
    headline: "renewal risk",
    applies: (a) => a.deals.some((d) => d.stage === "closed_won"),
    body: (c) =>
      `Renewal watch: usage dipped after one of the analysts left the data team. ${CUSTOMER_SUCCESS} to run a re-onboarding session; raise ${c.deal.pilot.expansionScope} at the next QBR with ${c.econ.first}.`,
  },
  {
    headline: "budget",
    applies: (a) => a.deals.some((d) => isOpen(d.stage)),
    body: (c) =>
      `Budget: ${c.econ.first} confirmed roughly ${c.budget} for data tooling this fiscal year. Anything above ${c.bigSpend} goes to the CFO's Tuesday investment meeting. Target date ${c.closeDate}.`,
  },
];

function buildAccountNotes(
  rng: Random,
  ids: Ids,
  accounts: AccountModel[],
  activities: WorkspaceActivity[],
): WorkspaceNote[] {
  const notes: WorkspaceNote[] = [];
  const chosen = [...accounts.filter((a) => a.stale), ...rng.shuffle(accounts.filter((a) => !a.stale)).slice(0, 10)];
  for (const account of chosen) {
    const templates = ACCOUNT_NOTES.filter((t) => t.applies(account));
    const template = account.stale ? itemAt(templates, 0) : rng.pick(templates);
    const deal = account.deals.find((d) => isOpen(d.stage)) ?? itemAt(account.deals, 0);
    const at = account.stale
      ? account.cap
      : workingMoment(rng, between(rng, account.cap - 40 * DAY, account.cap), account.cap);
    const c = makeCtx(deal, personFor(account, ["champion"]), personFor(account, ["technical_evaluator"]), at);
    const id = ids.file(idPrefixes.notes);
    notes.push({
      id,
      createdAt: iso(at),
      updatedAt: iso(at),
      source: "manual",
      externalId: null,
      meetingId: null,
      accountId: account.id,
      opportunityId: template.headline === "org map" ? null : deal.id,
      prospectId: template.headline === "org map" ? c.champ.id : null,
      body: template.body(c, account),
    });
    activities.push(
      makeActivity(ids, {
        type: "note_added",
        at,
        source: "manual",
        externalId: null,
        account,
        person: template.headline === "org map" ? c.champ : null,
        deal: template.headline === "org map" ? null : deal,
        summary: `Note added on ${account.seed.name}: ${template.headline}`,
      }),
    );
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------
// Timeline-only activities: stage changes, sequences, tasks, quick calls
// ---------------------------------------------------------------------------------------------

function stageChangeActivities(ids: Ids, deals: DealModel[]): WorkspaceActivity[] {
  return deals.flatMap((deal) =>
    deal.history.map((change, i) => {
      const previous = deal.history[i - 1];
      return makeActivity(ids, {
        type: "stage_changed",
        at: change.at,
        source: deal.source,
        externalId: deal.source === "salesforce" ? ids.salesforce("008") : null,
        account: deal.account,
        deal,
        summary: previous
          ? `Stage changed from ${stageLabel(previous.stage)} to ${stageLabel(change.stage)} on ${deal.name}`
          : `Opportunity created in ${stageLabel(change.stage)}: ${deal.name}`,
      });
    }),
  );
}

function quarterLabel(ms: number): string {
  return `Q${Math.floor(new Date(ms).getUTCMonth() / 3) + 1}`;
}

interface SequenceRun {
  name: (at: number) => string;
  steps: number;
  subjects: readonly string[];
}

const SEQUENCES: Readonly<Record<"outbound" | "nurture" | "reengage" | "renewal", SequenceRun>> = {
  outbound: {
    name: (at) => `${quarterLabel(at)} outbound – data leaders`,
    steps: 5,
    subjects: [
      "Quick question about data incidents",
      "How {company} could catch broken tables first",
      "Lineage in 10 minutes",
      "A customer story from {industry}",
      "Should I close the loop?",
    ],
  },
  nurture: {
    name: () => "Post-demo nurture",
    steps: 3,
    subjects: [
      "Demo recording and next steps",
      "Monitors-as-code example for {company}",
      "Pilot success criteria template",
    ],
  },
  reengage: {
    name: () => "Re-engage – stalled deals",
    steps: 4,
    subjects: [
      "Still a priority at {company}?",
      "The one-page business case",
      "New: dynamic thresholds for views",
      "Closing the file for now",
    ],
  },
  renewal: {
    name: () => "Renewal heads-up",
    steps: 2,
    subjects: ["Your Northbeam renewal is coming up", "Usage report ahead of the QBR"],
  },
};

function sequenceActivities(rng: Random, ids: Ids, deals: DealModel[]): WorkspaceActivity[] {
  const out: WorkspaceActivity[] = [];
  const run = (deal: DealModel, sequence: SequenceRun, person: Person, from: number, to: number, stepsSent: number) => {
    let at = workingMoment(rng, from, to);
    const name = sequence.name(at);
    for (let step = 1; step <= stepsSent && at <= to; step++) {
      const subject = itemAt(sequence.subjects, step - 1)
        .replace("{company}", deal.account.seed.name)
        .replace("{industry}", deal.account.seed.industry.toLowerCase());
      out.push(
        makeActivity(ids, {
          type: "sequence_step",
          at,
          source: "outreach",
          externalId: ids.outreach(),
          account: deal.account,
          person,
          deal: null,
          summary: `Sequence step ${step} of '${name}' sent to ${person.full}: "${subject}"`,
        }),
      );
      at = at + rng.int(2, 4) * DAY + rng.int(0, 90) * MINUTE;
      at = nextWeekday(at);
    }
  };

  for (const deal of deals) {
    const first = itemAt(deal.windows, 0);
    // Outbound opens an account, so it only precedes the account's first deal.
    const opensAccount = deal.account.deals.every((other) => itemAt(other.history, 0).at >= first.from);
    if (first.stage === "prospecting" && opensAccount && rng.chance(0.6)) {
      const person = personFor(deal.account, rng.chance(0.5) ? ["economic_buyer"] : ["champion"]);
      run(deal, SEQUENCES.outbound, person, first.from - 12 * DAY, first.to, rng.int(2, 5));
    }
    const demo = deal.windows.find((w) => w.stage === "demo");
    if (demo && rng.chance(0.3)) {
      run(
        deal,
        SEQUENCES.nurture,
        personFor(deal.account, ["user", "technical_evaluator"]),
        demo.from + DAY,
        demo.to,
        3,
      );
    }
    if (deal.account.stale && isOpen(deal.stage)) {
      const cap = deal.account.cap;
      run(
        deal,
        SEQUENCES.reengage,
        personFor(deal.account, ["economic_buyer"]),
        cap - STALE_SEQUENCE_DAYS * DAY,
        cap,
        4,
      );
    }
    const won = deal.windows.find((w) => w.stage === "closed_won");
    if (won && won.to - won.from > 30 * DAY) {
      run(deal, SEQUENCES.renewal, personFor(deal.account, ["economic_buyer"]), won.from + 25 * DAY, won.to, 2);
    }
  }
  return out;
}

const TASKS_BY_STAGE: Readonly<Record<OpportunityStage, ReadonlyArray<(c: Ctx) => [string, Person]>>> = {
  prospecting: [
    (c) => [`research org chart for ${c.company}`, c.champ],
    (c) => [`add ${c.econ.full} to the outbound sequence`, c.econ],
  ],
  discovery: [
    (c) => [`send discovery recap to ${c.champ.full}`, c.champ],
    (c) => [`build one-page business case for ${c.econ.full}`, c.econ],
  ],
  demo: [
    (c) => [`send demo recording to ${c.champ.full}`, c.champ],
    (c) => [`share pilot success criteria with ${c.tech.full}`, c.tech],
  ],
  evaluation: [
    (c) => [`send security questionnaire to ${c.blocker.full}`, c.blocker],
    (c) => [`share SOC 2 report under NDA with ${c.blocker.full}`, c.blocker],
    (c) => [`set up pilot workspace for ${c.tech.full}`, c.tech],
  ],
  proposal: [
    (c) => [`prepare 1-year vs 3-year pricing options for ${c.econ.full}`, c.econ],
    (c) => [`get deal desk approval for the 12% multi-year discount (${c.company})`, c.econ],
  ],
  negotiation: [
    (c) => [`send order form to ${c.legal.full}`, c.legal],
    (c) => [`complete vendor registration in ${c.company}'s procurement portal`, c.legal],
  ],
  closed_won: [
    (c) => [`hand over ${c.company} to customer success (${CUSTOMER_SUCCESS})`, c.champ],
    (c) => [`schedule first QBR with ${c.econ.full}`, c.econ],
  ],
  closed_lost: [
    (c) => [`log loss reason and competitor intel for ${c.company}`, c.champ],
    (c) => [`set reminder to revisit ${c.company} in six months`, c.champ],
  ],
};

function taskActivities(rng: Random, ids: Ids, deals: DealModel[]): WorkspaceActivity[] {
  const out: WorkspaceActivity[] = [];
  for (const deal of deals) {
    for (const window of deal.windows) {
      if (!rng.chance(window.stage === "closed_lost" ? 0.8 : 0.3)) continue;
      const at = workingMoment(rng, between(rng, window.from, window.to), window.to);
      const ctx = makeCtx(
        deal,
        personFor(deal.account, ["champion"]),
        personFor(deal.account, ["technical_evaluator"]),
        at,
      );
      const [text, person] = rng.pick(TASKS_BY_STAGE[window.stage])(ctx);
      const [source, externalId] = taskSource(rng, ids, deal.account, 0.35);
      out.push(
        makeActivity(ids, {
          type: "task_completed",
          at,
          source,
          externalId,
          account: deal.account,
          person,
          deal,
          summary: `Task completed: ${text}`,
        }),
      );
    }
  }
  return out;
}

/** Short calls that never became a conversation: voicemails and quick check-ins. */
function quickCallActivities(rng: Random, ids: Ids, deals: DealModel[]): WorkspaceActivity[] {
  const topics = [
    "left voicemail about the pilot timeline",
    "quick check-in on the security questionnaire",
    "confirmed attendees for next week",
    "left voicemail about the proposal",
    "walked through the order form changes",
  ];
  return rng
    .shuffle(deals.filter((d) => isOpen(d.stage)))
    .slice(0, 10)
    .map((deal) => {
      const window = itemAt(deal.windows, deal.windows.length - 1);
      const person = personFor(
        deal.account,
        rng.chance(0.5) ? ["champion"] : ["economic_buyer", "technical_evaluator"],
      );
      const at = workingMoment(rng, between(rng, window.from, window.to), window.to);
      const [source, externalId] = taskSource(rng, ids, deal.account, 0.8);
      return makeActivity(ids, {
        type: "call_logged",
        at,
        source,
        externalId,
        account: deal.account,
        person,
        deal,
        summary: `Call logged with ${person.full}: ${rng.pick(topics)}`,
      });
    });
}

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

function byTimeThenId<T extends { id: string }>(time: (item: T) => string) {
  return (a: T, b: T) => time(a).localeCompare(time(b)) || a.id.localeCompare(b.id);
}

/** Accounts were last touched when their latest record was; stale ones weeks ago. */
function finishAccounts(rng: Random, accounts: AccountModel[]): void {
  for (const account of accounts) {
    account.record.description = describeAccount(account);
    account.record.ownerNotes = ownerNotesFor(account);
    account.record.updatedAt = iso(Math.max(account.since, account.cap - rng.int(0, 4 * 24) * HOUR));
  }
}

/** The demo workspace document; the same every time it is called. */
export function generateDemoWorkspace(): WorkspaceDocumentInput {
  const rng = new Random(SEED);
  const ids = new Ids(rng);

  const accounts = planAccounts(rng, ids);
  buildPeople(rng, ids, accounts);
  const deals = buildDeals(rng, ids, accounts);

  const activities: WorkspaceActivity[] = [];
  const conversations = [
    ...buildEmailThreads(rng, ids, deals, activities),
    ...buildCalls(rng, ids, deals, activities),
    ...buildLinkedInConversations(rng, ids, deals),
  ];
  const { meetings, notes } = buildMeetings(rng, ids, deals, activities);
  notes.push(...buildAccountNotes(rng, ids, accounts, activities));
  activities.push(
    ...stageChangeActivities(ids, deals),
    ...sequenceActivities(rng, ids, deals),
    ...taskActivities(rng, ids, deals),
    ...quickCallActivities(rng, ids, deals),
  );
  assignStatuses(rng, accounts, activities, meetings);
  finishAccounts(rng, accounts);

  return {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    exportedAt: DEMO_REFERENCE_DATE,
    referenceDate: DEMO_REFERENCE_DATE,
    owner: { name: DEMO_OWNER.name, email: DEMO_OWNER.email },
    accounts: accounts.map((a) => a.record),
    prospects: accounts.flatMap((a) => a.people.map((p) => p.record)),
    opportunities: deals.map((d) => d.record),
    conversations: conversations.sort(byTimeThenId((c) => c.createdAt)),
    meetings: meetings.sort(byTimeThenId((m) => m.startsAt)),
    notes: notes.sort(byTimeThenId((n) => n.createdAt)),
    activities: activities.sort(byTimeThenId((a) => a.at)),
  };
}
