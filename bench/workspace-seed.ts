// Seeds one user with a large workspace for the HTTP benchmark (bench/workspace-http.ts), entirely
// in set-based SQL: every table is one INSERT … SELECT over generate_series, so 840,000 rows (with
// their generated tsvector columns and GIN indexes) take about a minute on two cores. Most of it is
// spent on messages and activities (their tsvectors and indexes).
//
// Shape of the data, chosen so the benchmarked queries do realistic work:
// - ids are text like the app's cuids, but derived from (kind, n) by md5, so a row can point at
//   "account 42" without a lookup and ids are spread over the key space the way cuids are;
// - accounts get people, deals and conversations unevenly (a few big customers, a long tail);
// - deals span all 8 stages, amounts are log-uniform ($5k–$1M), close dates run ±180 days around
//   today, and about one open deal in seven is past its close date;
// - email bodies are a few sentences drawn from a pool of sentences whose words follow a Zipf
//   distribution over VOCABULARY (rank r is drawn with probability ~1/r), so a full-text query for
//   a common word matches a realistic share of rows; one message in 337 carries a rare word;
// - activities cover the last two years, denser towards today, linked to accounts, people and deals;
// - meetings cover the last two years plus the next few weeks, with ~1% in the next 7 days.
import type { SqlExecutor } from "../server/db/sql";

export const SEED_SIZES = {
  accounts: 10_000,
  prospects: 50_000,
  opportunities: 20_000,
  conversations: 20_000,
  messages: 200_000,
  meetings: 20_000,
  notes: 20_000,
  activities: 500_000,
} as const;

export const BENCH_USER = {
  id: "cbenchuser000000000000001",
  email: "bench.seller@northbeam.example",
  name: "Bench Seller",
};

/** The word the search route is benchmarked with: a frequent domain word (rank 43 of VOCABULARY). */
export const COMMON_SEARCH_WORD = "pricing";

/** Sentences in the pool message, note and description bodies are assembled from. */
const SENTENCE_POOL = 20_000;

/**
 * Words by descending frequency. Stop words come first, as in real mail (the english text-search
 * configuration drops them); the sales vocabulary follows, so "pricing" is common but far from
 * ubiquitous.
 */
const VOCABULARY = [
  // 30 stop words
  "the",
  "to",
  "and",
  "we",
  "you",
  "a",
  "of",
  "for",
  "on",
  "in",
  "is",
  "this",
  "that",
  "with",
  "our",
  "it",
  "be",
  "can",
  "will",
  "your",
  "are",
  "at",
  "have",
  "as",
  "from",
  "next",
  "if",
  "so",
  "all",
  "about",
  // the sales vocabulary, most frequent first
  "team",
  "call",
  "week",
  "meeting",
  "time",
  "thanks",
  "proposal",
  "contract",
  "update",
  "review",
  "follow",
  "demo",
  "pricing",
  "question",
  "security",
  "plan",
  "budget",
  "timeline",
  "quarter",
  "renewal",
  "integration",
  "customer",
  "product",
  "rollout",
  "pilot",
  "legal",
  "procurement",
  "onboarding",
  "feedback",
  "support",
  "decision",
  "approval",
  "terms",
  "discount",
  "license",
  "seats",
  "usage",
  "data",
  "platform",
  "report",
  "dashboard",
  "workflow",
  "migration",
  "deadline",
  "agenda",
  "stakeholder",
  "champion",
  "executive",
  "sponsor",
  "invoice",
  "payment",
  "signature",
  "order",
  "quote",
  "forecast",
  "pipeline",
  "deal",
  "scope",
  "requirements",
  "success",
  "metrics",
  "value",
  "savings",
  "risk",
  "compliance",
  "audit",
  "questionnaire",
  "soc2",
  "gdpr",
  "sso",
  "api",
  "export",
  "import",
  "sync",
  "calendar",
  "slack",
  "salesforce",
  "analytics",
  "training",
  "workshop",
  "kickoff",
  "implementation",
  "consultant",
  "partner",
  "reseller",
  "competitor",
  "comparison",
  "evaluation",
  "trial",
  "benchmark",
  "performance",
  "latency",
  "uptime",
  "sla",
  "incident",
  "escalation",
  "ticket",
  "feature",
  "roadmap",
  "release",
  "beta",
  "tier",
  "enterprise",
  "expansion",
  "upsell",
  "churn",
  "retention",
  "adoption",
  "engagement",
  "headcount",
  "board",
  "finance",
  "cfo",
  "cto",
  "vp",
  "director",
  "manager",
  "engineer",
  "admin",
  "architecture",
  "infrastructure",
  "cloud",
  "region",
  "hosting",
  "encryption",
  "backup",
  "archiving",
  "permissions",
  "roles",
  "provisioning",
  "scim",
  "okta",
  "webhook",
  "sandbox",
  "staging",
  "production",
  "cutover",
  "deployment",
  "rollback",
  "milestone",
  "checklist",
  "handoff",
  "redlines",
  "msa",
  "dpa",
  "nda",
  "order form",
  "purchase",
  "vendor",
  "supplier",
  "registration",
  "portal",
  "net30",
  "annual",
  "monthly",
  "multi-year",
  "ramp",
  "credit",
  "refund",
  "overage",
  "allowance",
  "quota",
  "commission",
  "territory",
  "account",
  "opportunity",
  "prospect",
  "lead",
  "inbound",
  "outbound",
  "sequence",
  "cadence",
  "reminder",
  "voicemail",
  "linkedin",
  "conference",
  "webinar",
  "booth",
  "lunch",
  "dinner",
  "travel",
  "offsite",
  "holiday",
  "vacation",
  "reorg",
  "layoffs",
  "hiring",
  "acquisition",
  "merger",
  "funding",
  "ipo",
  "regulation",
  "hipaa",
  "pci",
  "iso",
  "pentest",
  "vulnerability",
  "patch",
  "throughput",
  "scale",
  "capacity",
] as const;

/** Words that occur in a handful of messages each: the needle-in-a-haystack searches. */
const RARE_WORDS = [
  "zeppelin",
  "quokka",
  "obsidian",
  "marzipan",
  "xylophone",
  "fjord",
  "kumquat",
  "sasquatch",
  "origami",
  "tundra",
  "saffron",
  "gondola",
  "bonsai",
  "kazoo",
  "mongoose",
  "pagoda",
  "quasar",
  "walrus",
  "yodel",
  "zircon",
  "axolotl",
  "bagpipe",
  "cassowary",
  "dirigible",
  "flamingo",
  "geyser",
  "hammock",
  "iguana",
  "jackal",
  "kiwifruit",
  "lemur",
  "narwhal",
  "ocelot",
  "platypus",
  "quill",
  "rhubarb",
  "sherpa",
  "toucan",
  "ukulele",
  "vicuna",
];

const FIRST_NAMES = [
  "Alex",
  "Sam",
  "Jordan",
  "Taylor",
  "Morgan",
  "Casey",
  "Riley",
  "Jamie",
  "Avery",
  "Quinn",
  "Priya",
  "Wei",
  "Mateo",
  "Sofia",
  "Liam",
  "Olivia",
  "Noah",
  "Emma",
  "Lucas",
  "Mia",
  "Hiro",
  "Yuki",
  "Amara",
  "Kofi",
  "Fatima",
  "Omar",
  "Elena",
  "Ivan",
  "Lena",
  "Jonas",
  "Chloe",
  "Ethan",
  "Zoe",
  "Ravi",
  "Ana",
  "Diego",
  "Grace",
  "Henry",
  "Isla",
  "Jack",
];
const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Lee",
  "Walker",
  "Hall",
  "Allen",
  "Young",
  "King",
  "Wright",
  "Scott",
  "Green",
  "Baker",
  "Adams",
  "Nelson",
  "Hill",
  "Campbell",
  "Mitchell",
  "Roberts",
  "Carter",
  "Phillips",
  "Evans",
  "Turner",
  "Nakamura",
  "Okafor",
  "Schmidt",
  "Rossi",
  "Dubois",
  "Novak",
  "Kowalski",
  "Larsen",
  "Silva",
  "Chen",
  "Patel",
  "Kim",
  "Singh",
  "Murphy",
  "Cohen",
];
const TITLES = [
  "VP of Sales",
  "Head of Revenue Operations",
  "CTO",
  "CFO",
  "Director of IT",
  "Security Engineer",
  "Procurement Manager",
  "Head of Data",
  "Engineering Manager",
  "Product Manager",
  "Chief of Staff",
  "IT Administrator",
  "General Counsel",
  "VP of Engineering",
  "Operations Lead",
  "Solutions Architect",
  "Finance Manager",
  "Head of Customer Success",
];
// 50 × 50 × 4 = 10,000 distinct company names.
const NAME_PREFIXES = [
  "Acme",
  "Northwind",
  "Blue",
  "Summit",
  "Granite",
  "Silver",
  "Bright",
  "Iron",
  "Cedar",
  "Harbor",
  "Atlas",
  "Nova",
  "Pioneer",
  "Evergreen",
  "Redwood",
  "Falcon",
  "Polar",
  "Crescent",
  "Orbit",
  "Vertex",
  "Quantum",
  "Sterling",
  "Maple",
  "Oak",
  "Lumen",
  "Horizon",
  "Beacon",
  "Cobalt",
  "Sierra",
  "Delta",
  "Echo",
  "Juniper",
  "Keystone",
  "Lighthouse",
  "Meridian",
  "Nimbus",
  "Onyx",
  "Prairie",
  "Riverside",
  "Sapphire",
  "Tidal",
  "Upland",
  "Vanguard",
  "Willow",
  "Zenith",
  "Aurora",
  "Basalt",
  "Copper",
  "Driftwood",
  "Ember",
];
const NAME_ROOTS = [
  "Analytics",
  "Logistics",
  "Health",
  "Robotics",
  "Foods",
  "Energy",
  "Capital",
  "Software",
  "Networks",
  "Media",
  "Labs",
  "Dynamics",
  "Freight",
  "Retail",
  "Insurance",
  "Biotech",
  "Learning",
  "Security",
  "Payments",
  "Cloud",
  "Devices",
  "Motors",
  "Pharma",
  "Textiles",
  "Travel",
  "Realty",
  "Foundry",
  "Aerospace",
  "Marine",
  "Mining",
  "Telecom",
  "Studios",
  "Brewing",
  "Outdoor",
  "Apparel",
  "Clinics",
  "Legal",
  "Consulting",
  "Semiconductors",
  "Water",
  "Solar",
  "Wind",
  "Grid",
  "Data",
  "Vision",
  "Sensors",
  "Materials",
  "Chemicals",
  "Farms",
  "Transit",
];
const NAME_FORMS = ["Inc", "Group", "Co", "Holdings"];
const INDUSTRIES = [
  "Software",
  "Logistics",
  "Healthcare",
  "Manufacturing",
  "Financial Services",
  "Retail",
  "Education",
  "Energy",
  "Media",
  "Telecommunications",
  "Biotech",
  "Insurance",
  "Real Estate",
  "Transportation",
  "Hospitality",
];
const CITIES = [
  "San Francisco",
  "New York",
  "Austin",
  "Chicago",
  "Boston",
  "Seattle",
  "Denver",
  "Atlanta",
  "Toronto",
  "London",
  "Berlin",
  "Paris",
  "Amsterdam",
  "Dublin",
  "Stockholm",
  "Madrid",
  "Singapore",
  "Sydney",
  "Tokyo",
  "Bangalore",
];
const DEAL_PRODUCTS = [
  "Platform",
  "Analytics add-on",
  "Enterprise license",
  "Pilot",
  "Renewal",
  "Expansion",
  "Security package",
  "Data connectors",
  "Premium support",
  "Seat upgrade",
  "Multi-year renewal",
  "EMEA rollout",
];
const LOSS_REASONS = [
  "Went with a competitor on price.",
  "No budget this year.",
  "Project deprioritised after a reorg.",
  "Security review failed on data residency.",
  "Champion left the company.",
  "Chose to build in-house.",
];
const SUBJECTS = [
  "Pricing for next year",
  "Security questionnaire",
  "Contract redlines",
  "Follow-up from the demo",
  "Renewal terms",
  "Pilot success criteria",
  "Intro call",
  "Proposal draft",
  "Onboarding plan",
  "Integration questions",
  "SSO setup",
  "Budget approval",
  "Procurement paperwork",
  "Quarterly business review",
  "Roadmap preview",
  "Invoice question",
  "Data export",
  "Order form",
  "Kickoff agenda",
  "Executive sponsor intro",
];
const MEETING_KINDS = [
  "Discovery call",
  "Demo",
  "Pricing review",
  "Security review",
  "Executive briefing",
  "Pilot kickoff",
  "Quarterly business review",
  "Contract walkthrough",
  "Technical deep dive",
  "Onboarding session",
];
const LOCATIONS = ["Zoom", "Google Meet", "Microsoft Teams", "Phone", "Their office", "Our office"];
/** What activities are about. Two of twenty mention pricing, as in a real timeline. */
const TOPICS = [
  "pricing",
  "the security review",
  "renewal terms",
  "the pilot",
  "contract redlines",
  "the onboarding plan",
  "integration questions",
  "budget approval",
  "the proposal",
  "next steps",
  "SSO setup",
  "the data export",
  "the order form",
  "seat count",
  "the roadmap",
  "volume pricing",
  "the invoice",
  "the kickoff agenda",
  "the executive sponsor",
  "success criteria",
];

type SeedStep = { label: string; sql: string; params?: unknown[] };

/** Zipf draw of a 1-based rank among n words: exp(U·ln(n+1)) is log-uniform, so P(r) ≈ 1/r. */
const zipfRank = (n: string) => `least(${n}, floor(exp(random() * ln(${n} + 1)))::int)`;
/** A uniform pick from an array parameter. */
const pick = (array: string) => `(${array})[1 + floor(random() * cardinality(${array}))::int]`;

function seedSteps(): SeedStep[] {
  const user = BENCH_USER.id;
  return [
    {
      label: "helpers",
      // Ids: 'c' + 24 hex digits, like the app's 25-character cuids. IMMUTABLE so it inlines.
      sql: `CREATE FUNCTION pg_temp.bid(kind text, n bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
              AS $$ SELECT 'c' || left(md5(kind || ':' || n), 24) $$`,
    },
    {
      label: "sentence pool table",
      sql: `CREATE TEMP TABLE sentences (id int PRIMARY KEY, text text NOT NULL)`,
    },
    {
      label: "sentence pool",
      sql: `INSERT INTO sentences
            SELECT s, upper(left(words, 1)) || substr(words, 2) || '.'
              FROM (SELECT s, string_agg(($1::text[])[${zipfRank("cardinality($1::text[])")}], ' ') AS words
                      FROM generate_series(1, ${SENTENCE_POOL}) s, generate_series(1, 6 + s % 9) w
                     GROUP BY s) drawn`,
      params: [[...VOCABULARY]],
    },
    {
      label: "user",
      sql: `INSERT INTO users (id, email, name, "emailVerifiedAt", "createdAt", "updatedAt")
            VALUES ($1, $2, $3, now(), now() - interval '2 years', now())`,
      params: [user, BENCH_USER.email, BENCH_USER.name],
    },
    {
      label: "accounts",
      sql: `INSERT INTO accounts (id, "userId", name, domain, industry, "employeeCount", "hqCity", tier, description,
                                  "ownerNotes", "createdAt", "updatedAt")
            SELECT pg_temp.bid('account', i), $1, name,
                   lower(regexp_replace(name, '[^A-Za-z0-9]+', '', 'g')) || '.example',
                   ${pick("$5::text[]")}, round(10 * exp(random() * ln(5000)))::int, ${pick("$6::text[]")},
                   (ARRAY['strategic', 'enterprise', 'mid_market', 'smb'])[1 + width_bucket(random(), ARRAY[0.05, 0.25, 0.6])],
                   description.text, CASE WHEN i % 4 = 0 THEN notes.text END, created, created + random() * (now() - created)
              FROM (SELECT i,
                           ($2::text[])[1 + i % 50] || ' ' || ($3::text[])[1 + (i / 50) % 50] || ' ' || ($4::text[])[1 + (i / 2500) % 4] AS name,
                           now() - random() * interval '730 days' AS created,
                           1 + floor(random() * ${SENTENCE_POOL})::int AS p1, 1 + floor(random() * ${SENTENCE_POOL})::int AS p2
                      FROM generate_series(0, ${SEED_SIZES.accounts - 1}) i) t
              JOIN sentences description ON description.id = t.p1
              JOIN sentences notes ON notes.id = t.p2`,
      params: [user, NAME_PREFIXES, NAME_ROOTS, NAME_FORMS, INDUSTRIES, CITIES],
    },
    {
      label: "prospects",
      sql: `INSERT INTO prospects (id, "userId", "accountId", "firstName", "lastName", title, email, phone, role, status,
                                   "createdAt", "updatedAt")
            SELECT pg_temp.bid('prospect', i), $1, a.id, first, last, ${pick("$4::text[]")},
                   lower(first || '.' || last || CASE WHEN i % 7 = 0 THEN (i % 100)::text ELSE '' END) || '@' || coalesce(a.domain, 'mail.example'),
                   CASE WHEN i % 3 = 0 THEN '+1 555 ' || lpad((i % 10000)::text, 4, '0') END,
                   (ARRAY['champion', 'economic_buyer', 'technical_evaluator', 'blocker', 'user', 'other']::"ProspectRole"[])
                     [1 + width_bucket(random(), ARRAY[0.10, 0.18, 0.33, 0.36, 0.66])],
                   (ARRAY['active', 'unresponsive', 'left_company'])[1 + width_bucket(random(), ARRAY[0.85, 0.95])],
                   created, created + random() * (now() - created)
              FROM (SELECT i, ${pick("$2::text[]")} AS first, ${pick("$3::text[]")} AS last,
                           -- squared: low-numbered accounts are the big customers with many people
                           CASE WHEN i % 50 <> 0 THEN 1 + floor(power(random(), 2) * ${SEED_SIZES.accounts})::int - 1 END AS account,
                           now() - random() * interval '730 days' AS created
                      FROM generate_series(1, ${SEED_SIZES.prospects}) i) t
              LEFT JOIN accounts a ON a.id = pg_temp.bid('account', t.account)`,
      params: [user, FIRST_NAMES, LAST_NAMES, TITLES],
    },
    {
      label: "opportunities",
      sql: `INSERT INTO opportunities (id, "userId", "accountId", name, stage, amount, currency, "closeDate", probability,
                                       "nextStep", "lossReason", "createdAt", "updatedAt")
            SELECT pg_temp.bid('opportunity', i), $1, a.id, a.name || ' — ' || ${pick("$2::text[]")}, stage,
                   (round(exp(ln(5000) + random() * ln(200))) * 100)::bigint,
                   (ARRAY['USD', 'EUR', 'GBP'])[1 + width_bucket(random(), ARRAY[0.85, 0.95])],
                   close_date,
                   CASE stage WHEN 'prospecting' THEN 10 WHEN 'discovery' THEN 20 WHEN 'demo' THEN 30 WHEN 'evaluation' THEN 40
                              WHEN 'proposal' THEN 60 WHEN 'negotiation' THEN 80 WHEN 'closed_won' THEN 100 ELSE 0 END,
                   CASE WHEN stage NOT IN ('closed_won', 'closed_lost') THEN s.text END,
                   CASE WHEN stage = 'closed_lost' THEN ${pick("$3::text[]")} END,
                   created, created + random() * (now() - created)
              FROM (SELECT *, least(now(), close_date - (30 + random() * 300) * interval '1 day') AS created
                      FROM (SELECT i, account, stage, next_step,
                                   -- closed deals closed in the last 180 days; open ones close from
                                   -- 30 days ago to 180 days ahead (so ~1 in 7 is overdue)
                                   CASE WHEN stage IN ('closed_won', 'closed_lost') THEN current_date - floor(r * 180)::int
                                        ELSE current_date - 30 + floor(r * 210)::int END AS close_date
                              FROM (SELECT i, 1 + floor(power(random(), 1.5) * ${SEED_SIZES.accounts})::int - 1 AS account,
                                           (ARRAY['prospecting', 'discovery', 'demo', 'evaluation', 'proposal', 'negotiation',
                                                  'closed_won', 'closed_lost']::"OpportunityStage"[])
                                             [1 + width_bucket(random(), ARRAY[0.15, 0.30, 0.42, 0.52, 0.60, 0.65, 0.82])] AS stage,
                                           random() AS r, 1 + floor(random() * ${SENTENCE_POOL})::int AS next_step
                                      FROM generate_series(1, ${SEED_SIZES.opportunities}) i) drawn) dated) t
              JOIN accounts a ON a.id = pg_temp.bid('account', t.account)
              JOIN sentences s ON s.id = t.next_step`,
      params: [user, DEAL_PRODUCTS, LOSS_REASONS],
    },
    {
      label: "conversations",
      sql: `INSERT INTO conversations (id, "userId", "accountId", "opportunityId", channel, subject, "createdAt", "updatedAt")
            SELECT pg_temp.bid('conversation', i), $1, coalesce(o."accountId", pg_temp.bid('account', t.account)), o.id,
                   'email'::"ConversationChannel",
                   CASE WHEN random() < 0.6 THEN 'Re: ' ELSE '' END || ${pick("$2::text[]")}, created, created
              FROM (SELECT i, 1 + floor(power(random(), 1.5) * ${SEED_SIZES.accounts})::int - 1 AS account,
                           CASE WHEN random() < 0.5 THEN 1 + floor(random() * ${SEED_SIZES.opportunities})::int END AS opportunity,
                           now() - random() * interval '730 days' AS created
                      FROM generate_series(1, ${SEED_SIZES.conversations}) i) t
              LEFT JOIN opportunities o ON o.id = pg_temp.bid('opportunity', t.opportunity)`,
      params: [user, SUBJECTS],
    },
    {
      label: "messages",
      // Conversation c gets the messages m with floor(N·(m/M)^1.3) = c: from ~100 messages in the
      // first threads down to ~8 in the last, exactly M in all.
      sql: `INSERT INTO messages (id, "userId", "conversationId", "fromEmail", "toEmails", "sentAt", body, source, "createdAt")
            SELECT pg_temp.bid('message', m), $1, c.id,
                   CASE WHEN m % 2 = 0 THEN $2 ELSE contact END,
                   ARRAY[CASE WHEN m % 2 = 0 THEN contact ELSE $2 END],
                   c."createdAt" + r * least(interval '60 days', now() - c."createdAt"),
                   'Hi ' || first || ',' || E'\\n\\n' || s1.text || ' ' || s2.text
                     || CASE WHEN n >= 3 THEN ' ' || s3.text ELSE '' END
                     || CASE WHEN n >= 4 THEN ' ' || s4.text ELSE '' END
                     || CASE WHEN n >= 5 THEN ' ' || s5.text ELSE '' END
                     || CASE WHEN m % 337 = 0 THEN ' P.S. The ' || ($4::text[])[1 + (m / 337) % cardinality($4::text[])] || ' story made my day.' ELSE '' END
                     || E'\\n\\nBest,\\n' || CASE WHEN m % 2 = 0 THEN $5 ELSE first END,
                   'gmail'::"RecordSource",
                   c."createdAt" + r * least(interval '60 days', now() - c."createdAt")
              FROM (SELECT m, 1 + floor(${SEED_SIZES.conversations} * power((m - 1)::float8 / ${SEED_SIZES.messages}, 1.3))::int AS conversation,
                           ${pick("$3::text[]")} AS first, random() AS r, 2 + floor(random() * 4)::int AS n,
                           1 + floor(random() * ${SENTENCE_POOL})::int AS p1, 1 + floor(random() * ${SENTENCE_POOL})::int AS p2,
                           1 + floor(random() * ${SENTENCE_POOL})::int AS p3, 1 + floor(random() * ${SENTENCE_POOL})::int AS p4,
                           1 + floor(random() * ${SENTENCE_POOL})::int AS p5
                      FROM generate_series(1, ${SEED_SIZES.messages}) m) t
              JOIN conversations c ON c.id = pg_temp.bid('conversation', t.conversation)
              LEFT JOIN accounts a ON a.id = c."accountId"
              CROSS JOIN LATERAL (SELECT lower(t.first) || '@' || coalesce(a.domain, 'mail.example') AS contact) x
              JOIN sentences s1 ON s1.id = p1 JOIN sentences s2 ON s2.id = p2 JOIN sentences s3 ON s3.id = p3
              JOIN sentences s4 ON s4.id = p4 JOIN sentences s5 ON s5.id = p5`,
      params: [user, BENCH_USER.email, FIRST_NAMES, RARE_WORDS, BENCH_USER.name.split(" ")[0]],
    },
    {
      label: "conversation last message",
      sql: `UPDATE conversations c SET "lastMessageAt" = last.at, "updatedAt" = last.at
              FROM (SELECT "conversationId", max("sentAt") AS at FROM messages GROUP BY 1) last
             WHERE last."conversationId" = c.id`,
    },
    {
      label: "meetings",
      // Every 100th meeting is in the next 7 days; the rest fall from two years ago to three weeks ahead.
      sql: `INSERT INTO meetings (id, "userId", "accountId", "opportunityId", title, "startsAt", "endsAt", location, source,
                                  "createdAt", "updatedAt")
            SELECT pg_temp.bid('meeting', i), $1, o."accountId", CASE WHEN r < 0.6 THEN o.id END,
                   ${pick("$2::text[]")} || ': ' || coalesce(a.name, 'TBD'), starts, starts + (30 + 30 * floor(r * 2)) * interval '1 minute',
                   ${pick("$3::text[]")}, 'gcal'::"RecordSource", least(now(), starts - interval '7 days'), least(now(), starts - interval '7 days')
              FROM (SELECT i, random() AS r, 1 + floor(random() * ${SEED_SIZES.opportunities})::int AS opportunity,
                           CASE WHEN i % 100 = 0 THEN date_trunc('hour', now()) + (1 + floor(random() * 160)) * interval '1 hour'
                                ELSE date_trunc('hour', now() - interval '730 days' + random() * interval '750 days') END AS starts
                      FROM generate_series(1, ${SEED_SIZES.meetings}) i) t
              JOIN opportunities o ON o.id = pg_temp.bid('opportunity', t.opportunity)
              LEFT JOIN accounts a ON a.id = o."accountId"`,
      params: [user, MEETING_KINDS, LOCATIONS],
    },
    {
      label: "notes",
      // The first half are meeting notes (one per meeting); the rest sit on a deal, account or person.
      sql: `INSERT INTO notes (id, "userId", "meetingId", "accountId", "opportunityId", "prospectId", body, "createdAt", "updatedAt")
            SELECT pg_temp.bid('note', i), $1, mt.id, coalesce(mt."accountId", o."accountId"),
                   coalesce(mt."opportunityId", CASE WHEN r < 0.5 THEN o.id END),
                   CASE WHEN mt.id IS NULL AND r >= 0.5 THEN pg_temp.bid('prospect', t.prospect) END,
                   s1.text || ' ' || s2.text || CASE WHEN r < 0.5 THEN ' ' || s3.text ELSE '' END,
                   coalesce(mt."startsAt" + interval '1 hour', at), coalesce(mt."startsAt" + interval '1 hour', at)
              FROM (SELECT i, random() AS r, now() - random() * interval '730 days' AS at,
                           1 + floor(random() * ${SEED_SIZES.opportunities})::int AS opportunity,
                           1 + floor(random() * ${SEED_SIZES.prospects})::int AS prospect,
                           1 + floor(random() * ${SENTENCE_POOL})::int AS p1, 1 + floor(random() * ${SENTENCE_POOL})::int AS p2,
                           1 + floor(random() * ${SENTENCE_POOL})::int AS p3
                      FROM generate_series(1, ${SEED_SIZES.notes}) i) t
              LEFT JOIN meetings mt ON t.i <= ${SEED_SIZES.notes / 2} AND mt.id = pg_temp.bid('meeting', t.i)
              JOIN opportunities o ON o.id = pg_temp.bid('opportunity', t.opportunity)
              JOIN sentences s1 ON s1.id = p1 JOIN sentences s2 ON s2.id = p2 JOIN sentences s3 ON s3.id = p3`,
      params: [user],
    },
    {
      label: "activities",
      // power(U, 1.3) puts more of the timeline near today, as in a book that is being worked.
      sql: `INSERT INTO activities (id, "userId", type, at, "accountId", "prospectId", "opportunityId", summary, source,
                                    "createdAt", "updatedAt")
            SELECT pg_temp.bid('activity', i), $1, type, at, coalesce(o."accountId", pg_temp.bid('account', t.account)), p.id, o.id,
                   CASE type
                     WHEN 'email_sent' THEN 'Emailed ' || coalesce(p."firstName", 'the team') || ' about ' || topic
                     WHEN 'email_received' THEN coalesce(p."firstName", 'They') || ' replied about ' || topic
                     WHEN 'meeting_held' THEN 'Met with ' || coalesce(p."firstName" || ' ' || p."lastName", 'the buying committee') || ' to discuss ' || topic
                     WHEN 'call_logged' THEN 'Call with ' || coalesce(p."firstName", 'the champion') || ': ' || topic
                     WHEN 'stage_changed' THEN 'Stage changed to ' || replace(o.stage::text, '_', ' ') || ' on ' || o.name
                     WHEN 'sequence_step' THEN 'Sequence step sent to ' || coalesce(p."firstName", 'a prospect') || ' on ' || topic
                     WHEN 'task_completed' THEN 'Completed: send ' || topic
                     ELSE 'Note added on ' || topic END,
                   CASE WHEN type IN ('email_sent', 'email_received') THEN 'gmail' WHEN type = 'meeting_held' THEN 'gcal'
                        WHEN type = 'sequence_step' THEN 'outreach' ELSE 'manual' END::"RecordSource",
                   at, at
              FROM (SELECT *,
                           -- a stage change is always on a deal; other entries are, 60% of the time
                           CASE WHEN type = 'stage_changed' OR random() < 0.6 THEN 1 + floor(random() * ${SEED_SIZES.opportunities})::int END AS opportunity
                      FROM (SELECT i,
                                   (ARRAY['email_sent', 'email_received', 'meeting_held', 'call_logged', 'stage_changed', 'sequence_step',
                                          'task_completed', 'note_added']::"ActivityType"[])
                                     [1 + width_bucket(random(), ARRAY[0.25, 0.50, 0.60, 0.72, 0.77, 0.90, 0.96])] AS type,
                                   now() - power(random(), 1.3) * interval '730 days' AS at,
                                   1 + floor(power(random(), 1.5) * ${SEED_SIZES.accounts})::int - 1 AS account,
                                   CASE WHEN random() < 0.5 THEN 1 + floor(random() * ${SEED_SIZES.prospects})::int END AS prospect,
                                   ${pick("$2::text[]")} AS topic
                              FROM generate_series(1, ${SEED_SIZES.activities}) i) drawn) t
              LEFT JOIN opportunities o ON o.id = pg_temp.bid('opportunity', t.opportunity)
              LEFT JOIN prospects p ON p.id = pg_temp.bid('prospect', t.prospect)`,
      params: [user, TOPICS],
    },
  ];
}

export type SeedReport = { steps: { label: string; ms: number }[]; totalMs: number };

/** Inserts the workspace on one connection (the pg_temp helpers live in its session). */
export async function seedWorkspace(
  sql: SqlExecutor,
  onStep: (label: string, ms: number) => void = () => {},
): Promise<SeedReport> {
  const started = performance.now();
  const steps: SeedReport["steps"] = [];
  await sql.withSession(async (session) => {
    // A benchmark database is disposable: do not wait for the WAL to reach the disk on each commit.
    await session.exec("SET synchronous_commit = off");
    for (const step of seedSteps()) {
      const stepStarted = performance.now();
      if (step.params) await session.query(step.sql, step.params);
      else await session.exec(step.sql);
      const ms = performance.now() - stepStarted;
      steps.push({ label: step.label, ms });
      onStep(step.label, ms);
    }
  });
  return { steps, totalMs: performance.now() - started };
}

/** Rows per table, to print beside the timings (and to prove the seed did what it says). */
export async function countRows(sql: SqlExecutor): Promise<Record<string, number>> {
  const tables = ["users", "sessions", ...Object.keys(SEED_SIZES)];
  const [row] = await sql.query<Record<string, string>>(
    `SELECT ${tables.map((table) => `(SELECT count(*) FROM "${table}") AS "${table}"`).join(", ")}`,
  );
  return Object.fromEntries(tables.map((table) => [table, Number(row?.[table] ?? 0)]));
}
