import { describe, expect, it } from "vitest";
import { callerFor } from "../../tests/helpers/users";
import { get, post, seller as signedInSeller, thrownBy, type Answer } from "../../tests/helpers/routes";
import { applyChanges } from "../../server/integrations/ingest";
import { action as conversationAction, loader as conversationLoader } from "./conversations.$conversationId";
import { loader as listLoader } from "./conversations._index";
import { action as newAction, loader as newLoader } from "./conversations.new";

async function seller() {
  const signedIn = await signedInSeller();
  const { db, user, auth } = signedIn;
  const account = await db.account.create({ data: { userId: user.id, name: "Acme Logistics" } });
  const ana = await db.prospect.create({
    data: { userId: user.id, accountId: account.id, firstName: "Ana", lastName: "Ruiz", email: "ana@acme.example" },
  });
  return { ...signedIn, account, ana, api: await callerFor(auth) };
}

async function aConversation() {
  const s = await seller();
  const conversation = await s.api.conversations.create({
    channel: "email",
    subject: "Security questionnaire",
    accountId: s.account.id,
    prospectIds: [s.ana.id],
    body: "Hi Ana,\n\nAttached is our SOC 2 report.",
  });
  return { ...s, conversation, params: { conversationId: conversation.id } };
}

describe("/conversations/:id", () => {
  it("shows the subject, participants and messages in order; 404 for another user's conversation", async () => {
    const { context, conversation, params, user, ana } = await aConversation();
    const loaded = await conversationLoader({ request: get(`/conversations/${conversation.id}`), context, params });
    expect(loaded.me).toBe(user.email);
    expect(loaded.conversation).toMatchObject({
      subject: "Security questionnaire",
      channel: "email",
      account: { name: "Acme Logistics" },
    });
    expect(loaded.conversation.messages.map((m) => [m.fromEmail, m.toEmails, m.body])).toEqual([
      [user.email, ["ana@acme.example"], "Hi Ana,\n\nAttached is our SOC 2 report."],
    ]);
    expect(loaded.conversation.participants.map((p) => p.prospect?.id ?? p.email).sort()).toEqual(
      [ana.id, user.email].sort(),
    );

    const other = await seller();
    for (const id of [conversation.id, "nope"]) {
      const response = await thrownBy(() =>
        conversationLoader({
          request: get(`/conversations/${id}`),
          context: other.context,
          params: { conversationId: id },
        }),
      );
      expect(response.status).toBe(404);
    }
    for (const intent of ["reply", "delete"]) {
      const response = await thrownBy(() =>
        conversationAction({
          request: post(`/conversations/${conversation.id}`, { intent, body: "Hello" }),
          context: other.context,
          params,
        }),
      );
      expect(response.status).toBe(404);
    }
  });

  it("adds a sent reply, and logs a received one from the other side", async () => {
    const { db, context, conversation, params, user } = await aConversation();
    const sent = (await conversationAction({
      request: post(`/conversations/${conversation.id}`, { intent: "reply", body: "Following up.\nAny questions?" }),
      context,
      params,
    })) as Response;
    expect(sent.status).toBe(302);
    const messages = await db.message.findMany({
      where: { conversationId: conversation.id },
      orderBy: { sentAt: "asc" },
    });
    expect(messages).toHaveLength(2);
    const reply = messages[1]!;
    expect(reply).toMatchObject({
      fromEmail: user.email,
      toEmails: ["ana@acme.example"],
      body: "Following up.\nAny questions?",
    });
    expect(sent.headers.get("location")).toBe(
      `/conversations/${conversation.id}?toast=message-added#message-${reply.id}`,
    );

    await conversationAction({
      request: post(`/conversations/${conversation.id}`, {
        intent: "reply",
        body: "Thanks — reviewing.",
        direction: "received",
      }),
      context,
      params,
    });
    const received = await db.message.findFirstOrThrow({
      where: { conversationId: conversation.id, body: "Thanks — reviewing." },
    });
    expect(received).toMatchObject({ fromEmail: "ana@acme.example", toEmails: [user.email] });
    expect(await db.activity.count({ where: { conversationId: conversation.id, type: "email_received" } })).toBe(1);

    const loaded = await conversationLoader({ request: get(`/conversations/${conversation.id}`), context, params });
    expect(loaded.conversation.messages.map((m) => m.body)).toEqual([
      "Hi Ana,\n\nAttached is our SOC 2 report.",
      "Following up.\nAny questions?",
      "Thanks — reviewing.",
    ]);
  });

  it("refuses an empty reply beside the field, keeping the checkbox", async () => {
    const { db, context, conversation, params } = await aConversation();
    const answer = (await conversationAction({
      request: post(`/conversations/${conversation.id}`, { intent: "reply", body: " ", direction: "received" }),
      context,
      params,
    })) as unknown as Answer;
    expect(answer.init?.status).toBe(400);
    expect(answer.data).toMatchObject({
      intent: "reply",
      fieldErrors: { body: "Write the message." },
      fields: { body: " ", direction: "received" },
    });
    expect(await db.message.count({ where: { conversationId: conversation.id } })).toBe(1);
  });

  it("deletes the conversation with its messages", async () => {
    const { db, context, conversation, params } = await aConversation();
    const response = (await conversationAction({
      request: post(`/conversations/${conversation.id}`, { intent: "delete" }),
      context,
      params,
    })) as Response;
    expect(response.headers.get("location")).toBe("/conversations?toast=conversation-deleted");
    expect(await db.conversation.count({ where: { id: conversation.id } })).toBe(0);
    expect(await db.message.count({ where: { conversationId: conversation.id } })).toBe(0);
  });
});

describe("/conversations", () => {
  it("lists conversations newest first, filtered by channel", async () => {
    const { context, api } = await aConversation();
    await api.conversations.create({ channel: "call", subject: "Intro call", body: "Talked budget." });
    const all = await listLoader({ request: get("/conversations"), context, params: {} });
    expect(all.page.items.map((c) => c.subject)).toEqual(["Intro call", "Security questionnaire"]);
    const calls = await listLoader({ request: get("/conversations?channel=call"), context, params: {} });
    expect(calls.channel).toBe("call");
    expect(calls.page.items.map((c) => c.subject)).toEqual(["Intro call"]);
    const unknown = await listLoader({ request: get("/conversations?channel=fax&cursor=zzz"), context, params: {} });
    expect(unknown.channel).toBeNull();
    expect(unknown.page.items).toHaveLength(2);
  });

  it("logs a new conversation with its people, and explains bad input", async () => {
    const { db, user, context, account, ana, api } = await seller();
    const deal = await api.opportunities.create({ name: "Acme – Platform", accountId: account.id });
    const loaded = await newLoader({
      request: get(`/conversations/new?accountId=${account.id}&opportunityId=${deal.id}&prospectId=${ana.id}`),
      context,
      params: {},
    });
    expect(loaded.values).toEqual({ channel: "email", accountId: account.id, opportunityId: deal.id });
    expect(loaded.prospectIds).toEqual([ana.id]);

    const bad = (await newAction({
      request: post("/conversations/new", { channel: "pigeon", subject: "", body: "" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(bad.init?.status).toBe(400);
    expect(bad.data.fieldErrors).toEqual({
      channel: "Choose email, call or LinkedIn.",
      subject: "Give the conversation a subject.",
      body: "Write the message.",
    });

    const response = (await newAction({
      request: post("/conversations/new", {
        channel: "call",
        subject: "Pricing call",
        accountId: account.id,
        opportunityId: deal.id,
        prospectIds: [ana.id],
        body: "Agreed on\nthree seats.",
      }),
      context,
      params: {},
    })) as Response;
    const conversation = await db.conversation.findFirstOrThrow({
      where: { userId: user.id },
      include: { messages: true, participants: true },
    });
    expect(response.headers.get("location")).toBe(`/conversations/${conversation.id}?toast=conversation-created`);
    expect(conversation).toMatchObject({
      channel: "call",
      subject: "Pricing call",
      accountId: account.id,
      opportunityId: deal.id,
    });
    expect(conversation.messages.map((m) => m.body)).toEqual(["Agreed on\nthree seats."]);
    expect(conversation.participants.some((p) => p.prospectId === ana.id)).toBe(true);
  });
});

describe("synced conversations", () => {
  it("list and page say the thread came from Gmail, with attachments and quoted text on the message", async () => {
    const { db, user, context, account } = await seller();
    await db.account.update({ where: { id: account.id }, data: { domain: "acme.example" } });
    const ingestContext = { userId: user.id, source: "gmail" as const, ownEmails: [user.email], now: new Date() };
    await db.$transaction((tx) =>
      applyChanges(tx, ingestContext, [
        {
          kind: "email",
          externalId: "18c1",
          threadId: "18c0",
          rfcMessageId: "abc@acme.example",
          subject: "Re: Security questionnaire",
          from: { email: "ana@acme.example", name: "Ana Ruiz" },
          to: [{ email: user.email, name: null }],
          cc: [],
          sentAt: new Date("2026-11-20T10:00:00Z"),
          body: "Answers attached.",
          quotedText: "> Could you fill this in?",
          attachmentNames: ["questionnaire.xlsx"],
        },
      ]),
    );
    const listed = await listLoader({ request: get("/conversations"), context, params: {} });
    expect(listed.page.items.map((c) => [c.subject, c.source, c.account?.name])).toEqual([
      ["Security questionnaire", "gmail", "Acme Logistics"],
    ]);
    const id = listed.page.items[0]!.id;
    const loaded = await conversationLoader({
      request: get(`/conversations/${id}`),
      context,
      params: { conversationId: id },
    });
    expect(loaded.conversation.source).toBe("gmail");
    expect(loaded.conversation.messages).toMatchObject([
      { body: "Answers attached.", quotedText: "> Could you fill this in?", attachmentNames: ["questionnaire.xlsx"] },
    ]);
  });
});
