import { describe, expect, it } from "vitest";
import { importWorkspace } from "../../server/data-rights/import/import-workspace";
import { get, seller, thrownBy } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { smallWorkspace } from "../../tests/helpers/workspace";
import { loader } from "./search";

type Answer = Awaited<ReturnType<typeof loader>>;

async function userWithWorkspace() {
  const signedIn = await seller();
  const imported = await importWorkspace(signedIn.db, signedIn.user.id, smallWorkspace());
  expect(imported.ok).toBe(true);
  return signedIn;
}

async function search(context: ReturnType<typeof loadContext>, q: string): Promise<Answer> {
  return loader({ request: get(`/search?${new URLSearchParams({ q })}`), context, params: {} });
}

describe("/search loader", () => {
  it("returns ranked results with highlighted snippets and links, grouped by type — only the user's own", async () => {
    const first = await userWithWorkspace();
    // A second user with the very same data must never see the first user's records.
    const second = await userWithWorkspace();
    const acme = await first.db.account.findFirstOrThrow({ where: { userId: first.user.id, name: "Acme Logistics" } });
    const acmeDeal = await first.db.opportunity.findFirstOrThrow({
      where: { userId: first.user.id, name: "Acme Logistics – Platform" },
    });

    const answer = await search(first.context, "acme");
    expect(answer.init?.status ?? 200).toBe(200);
    const { results, groups, error } = answer.data;
    expect(error).toBeNull();
    expect(results).not.toBeNull();
    const found = results!;
    // Ranked: best first, and a name match outranks a passing mention.
    expect(found.map((r) => r.rank)).toEqual([...found.map((r) => r.rank)].sort((a, b) => b - a));
    expect(
      found
        .slice(0, 2)
        .map((r) => r.type)
        .sort(),
    ).toEqual(["account", "opportunity"]);

    const account = found.find((r) => r.type === "account")!;
    expect(account).toMatchObject({
      id: acme.id,
      title: "Acme Logistics",
      subtitle: "Logistics · Denver, CO",
      href: `/accounts/${acme.id}`,
    });
    expect(found.find((r) => r.type === "opportunity")).toMatchObject({
      id: acmeDeal.id,
      href: `/opportunities/${acmeDeal.id}`,
    });
    // Snippets are text parts of the record's body (a name match has nothing to mark in it).
    expect(account.snippet).toEqual([{ text: expect.stringMatching(/^Freight and warehousing\./), match: false }]);
    const byBody = (await search(first.context, "freight")).data.results!;
    expect(byBody[0]).toMatchObject({ type: "account", id: acme.id });
    expect(byBody[0]!.snippet[0]).toEqual({ text: "Freight", match: true });
    expect(byBody[0]!.snippet[1]).toMatchObject({ text: expect.stringMatching(/^ and warehousing/), match: false });

    expect(groups.map((g) => g.label)).toContain("Accounts");
    expect(groups.flatMap((g) => g.results)).toHaveLength(found.length);
    for (const group of groups) expect(group.results.every((r) => r.type === group.type)).toBe(true);

    // Nothing of the second user's, and the second user finds their own copy.
    const secondsIds = new Set(
      [
        ...(await second.db.account.findMany({ where: { userId: second.user.id }, select: { id: true } })),
        ...(await second.db.prospect.findMany({ where: { userId: second.user.id }, select: { id: true } })),
        ...(await second.db.opportunity.findMany({ where: { userId: second.user.id }, select: { id: true } })),
        ...(await second.db.message.findMany({ where: { userId: second.user.id }, select: { id: true } })),
        ...(await second.db.note.findMany({ where: { userId: second.user.id }, select: { id: true } })),
        ...(await second.db.activity.findMany({ where: { userId: second.user.id }, select: { id: true } })),
      ].map((r) => r.id),
    );
    expect(found.filter((r) => secondsIds.has(r.id))).toEqual([]);
    const theirs = (await search(second.context, "acme")).data.results!;
    expect(theirs.length).toBe(found.length);
    expect(theirs.every((r) => secondsIds.has(r.id))).toBe(true);
  });

  it("finds words in emails and notes, by the start of a word, and links them to where they live", async () => {
    const { db, user, context } = await userWithWorkspace();
    const results = (await search(context, "procure")).data.results!;
    const message = results.find((r) => r.type === "message");
    const conversation = await db.conversation.findFirstOrThrow({ where: { userId: user.id } });
    expect(message?.title).toBe("Security questionnaire");
    expect(message?.href).toMatch(new RegExp(`^/conversations/${conversation.id}#message-`));
    expect(message?.snippet.some((p) => p.match && /^procurement$/i.test(p.text))).toBe(true);
  });

  it("says there is nothing for a query that matches nothing", async () => {
    const { context } = await userWithWorkspace();
    const answer = await search(context, "zebra quokka");
    expect(answer.data).toMatchObject({ q: "zebra quokka", results: [], groups: [], error: null });
  });

  it("gives a hint, not a search, for an empty query", async () => {
    const { context } = await userWithWorkspace();
    for (const request of [get("/search"), get("/search?q=%20%20")]) {
      const answer = await loader({ request, context, params: {} });
      expect(answer.data.results).toBeNull();
      expect(answer.data.error).toBeNull();
    }
  });

  it("answers 400 with the reason for a query that is too long", async () => {
    const { context } = await userWithWorkspace();
    const answer = await search(context, "a".repeat(201));
    expect(answer.init?.status).toBe(400);
    expect(answer.data).toMatchObject({ results: null, error: "Search for at most 200 characters." });
    // 200 characters is still a search.
    expect((await search(context, "a".repeat(200))).init?.status ?? 200).toBe(200);
  });

  it("sends a signed-out visitor to sign in, and back to the same search", async () => {
    const thrown = await thrownBy(() => search(loadContext(), "acme"));
    expect(thrown.headers.get("location")).toBe("/login?redirectTo=%2Fsearch%3Fq%3Dacme");
  });
});
