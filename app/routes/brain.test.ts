import { describe, expect, it } from "vitest";
import { importWorkspace } from "../../server/data-rights/import/import-workspace";
import {
  post,
  seller as signedInSeller,
  thrownBy,
  type Answer as RouteAnswer,
  type FormAnswer,
} from "../../tests/helpers/routes";
import { callerFor, loadContext } from "../../tests/helpers/users";
import { smallWorkspace } from "../../tests/helpers/workspace";
import { action as layoutAction, loader as layoutLoader } from "./brain";
import { loader as indexLoader } from "./brain._index";
import { action as threadAction, loader as threadLoader } from "./brain.$threadId";
import { loader as apiSettingsLoader } from "./settings.api";

type Answer = RouteAnswer<FormAnswer & { threadId?: string }>;

/** A seller with the small workspace (Acme Logistics: Ana Ruiz the champion, Ben Okafor the CFO), dated to today. */
async function seller() {
  const { db, user, auth, context } = await signedInSeller();
  const imported = await importWorkspace(db, user.id, smallWorkspace(), { shiftReferenceDateTo: new Date() });
  expect(imported.ok).toBe(true);
  const acme = await db.account.findFirstOrThrow({ where: { userId: user.id, name: "Acme Logistics" } });
  const deal = await db.opportunity.findFirstOrThrow({ where: { userId: user.id, name: "Acme Logistics – Platform" } });
  const ana = await db.prospect.findFirstOrThrow({ where: { userId: user.id, firstName: "Ana" } });
  return { db, user, auth, context, acme, deal, ana };
}

const threadIdFrom = (response: Response) => response.headers.get("location")!.match(/^\/brain\/([^/?#]+)$/)![1]!;

describe("/brain without JavaScript", () => {
  it("asks, waits for the whole retrieval-only answer, and shows it with its citations and manifest", async () => {
    const { context, ana, acme } = await seller();
    const question = "What's the latest with Acme Logistics, and who is the champion?";
    const response = (await layoutAction({
      request: post("/brain", { intent: "ask", question }),
      context,
      params: {},
    })) as Response;
    expect(response.status).toBe(302);
    const threadId = threadIdFrom(response);

    const { thread } = await threadLoader({
      request: new Request(`http://localhost/brain/${threadId}`),
      context,
      params: { threadId },
    });
    expect(thread.title).toBe(question);
    expect(thread.messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    const answer = thread.messages[1]!;
    expect(answer.mode).toBe("retrieval_only");
    expect(answer.content).toContain("Retrieval-only answer");
    // The champion is cited, and the citation resolves through the answer's manifest to her page.
    const cited = answer.citations.find((c) => c.recordId === ana.id);
    expect(cited).toMatchObject({ recordType: "prospect", label: "Ana Ruiz" });
    const item = answer.manifest!.items.find((i) => i.id === ana.id)!;
    expect(item).toMatchObject({ type: "prospect", label: "Ana Ruiz", href: `/prospects/${ana.id}`, via: "pack" });
    expect(answer.content).toContain(`[${item.handle}]`);
    expect(answer.manifest!.items.some((i) => i.id === acme.id)).toBe(true);

    // The thread list shows it, and the page knows answers are retrieval-only here.
    const layout = await layoutLoader({ request: new Request("http://localhost/brain"), context, params: {} });
    expect(layout.threads.map((t) => t.id)).toEqual([threadId]);
    expect(layout.status.mode).toBe("retrieval_only");
    expect(layout.claudeBrowserBaseUrl).toBe("https://api.anthropic.com");
  });

  it("posts an example question from its button, and follow-ups stay in the thread", async () => {
    const { context, db, deal } = await seller();
    const now = new Date();
    await db.opportunity.update({
      where: { id: deal.id },
      data: { closeDate: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) },
    });
    const first = (await layoutAction({
      request: post("/brain", {
        intent: "ask",
        question: "",
        example: "Which deals close this month and what's the total?",
      }),
      context,
      params: {},
    })) as Response;
    const threadId = threadIdFrom(first);
    const followUp = (await threadAction({
      request: post(`/brain/${threadId}`, { intent: "ask", question: "What's on my calendar in the next 7 days?" }),
      context,
      params: { threadId },
    })) as Response;
    expect(followUp.headers.get("location")).toBe(`/brain/${threadId}`);
    const { thread } = await threadLoader({
      request: new Request(`http://localhost/brain/${threadId}`),
      context,
      params: { threadId },
    });
    expect(thread.messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(thread.messages[0]!.content).toBe("Which deals close this month and what's the total?");
    // The close-this-month answer states the computed total.
    expect(thread.messages[1]!.content).toMatch(/total USD 4,800,000/);
    expect(thread.messages[3]!.manifest!.items.some((i) => i.type === "meeting")).toBe(true);
  });

  it("answers an empty or over-long question with the message beside the field", async () => {
    const { context, db, user } = await seller();
    const empty = (await layoutAction({
      request: post("/brain", { intent: "ask", question: "   " }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(empty.init?.status).toBe(400);
    expect(empty.data).toMatchObject({ intent: "ask", fieldErrors: { question: "Ask a question." } });
    const long = (await layoutAction({
      request: post("/brain", { intent: "ask", question: "x".repeat(2_001) }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(long.data.fieldErrors?.question).toBe("Ask in at most 2,000 characters.");
    expect(await db.brainThread.count({ where: { userId: user.id } })).toBe(0);
  });

  it("retries a failed answer: the question is answered again, in full, after it", async () => {
    const { context, auth } = await seller();
    const api = await callerFor(auth);
    // An answer written in a browser with the user's key that failed half-way (P16).
    const asked = await api.brain.ask({ question: "What's the latest with Acme Logistics?", userKey: true });
    await api.brain.prepare({ assistantMessageId: asked.assistantMessageId });
    await api.brain.complete({
      assistantMessageId: asked.assistantMessageId,
      content: "Acme is in evaluation",
      status: "failed",
      errorMessage: "Claude is overloaded right now (529).",
    });

    const response = (await threadAction({
      request: post(`/brain/${asked.threadId}`, { intent: "retry", assistantMessageId: asked.assistantMessageId }),
      context,
      params: { threadId: asked.threadId },
    })) as Response;
    expect(response.headers.get("location")).toBe(`/brain/${asked.threadId}`);
    const { thread } = await threadLoader({
      request: new Request(`http://localhost/brain/${asked.threadId}`),
      context,
      params: { threadId: asked.threadId },
    });
    expect(thread.messages.map((m) => [m.role, m.status, m.mode])).toEqual([
      ["user", "complete", null],
      ["assistant", "failed", "user_key"],
      ["user", "complete", null],
      ["assistant", "complete", "retrieval_only"],
    ]);
    // The failed answer keeps its partial text and its message.
    expect(thread.messages[1]).toMatchObject({
      content: "Acme is in evaluation",
      errorMessage: "Claude is overloaded right now (529).",
    });
    expect(thread.messages[2]!.content).toBe("What's the latest with Acme Logistics?");

    // An answer still being written cannot be retried: a message, not an error page.
    const writing = await api.brain.ask({ question: "Anything new?", threadId: asked.threadId });
    const refused = (await threadAction({
      request: post(`/brain/${asked.threadId}`, { intent: "retry", assistantMessageId: writing.assistantMessageId }),
      context,
      params: { threadId: asked.threadId },
    })) as unknown as Answer;
    expect(refused.init?.status).toBe(400);
    expect(refused.data).toMatchObject({ intent: "retry", formError: "This answer is still being written." });
  });

  it("renames a thread and deletes it, back where the form was", async () => {
    const { context, db, user } = await seller();
    const threadId = threadIdFrom(
      (await layoutAction({
        request: post("/brain", { intent: "ask", question: "Who is Ben Okafor?" }),
        context,
        params: {},
      })) as Response,
    );

    const renamed = (await layoutAction({
      request: post("/brain", {
        intent: "rename",
        threadId,
        title: "  Ben at Acme  ",
        redirectTo: `/brain/${threadId}`,
      }),
      context,
      params: {},
    })) as Response;
    expect(renamed.headers.get("location")).toBe(`/brain/${threadId}?toast=brain-renamed`);
    expect((await db.brainThread.findUniqueOrThrow({ where: { id: threadId } })).title).toBe("Ben at Acme");

    const empty = (await layoutAction({
      request: post("/brain", { intent: "rename", threadId, title: " ", redirectTo: "/brain" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(empty.init?.status).toBe(400);
    expect(empty.data).toMatchObject({
      intent: "rename",
      threadId,
      fieldErrors: { title: "Give the conversation a title." },
    });

    // A redirect to another site is not followed.
    const offsite = (await layoutAction({
      request: post("/brain", { intent: "rename", threadId, title: "Ben", redirectTo: "//evil.example" }),
      context,
      params: {},
    })) as Response;
    expect(offsite.headers.get("location")).toBe("/brain?toast=brain-renamed");

    // Deleting the open thread leaves it for /brain.
    const deleted = (await layoutAction({
      request: post("/brain", { intent: "delete", threadId, redirectTo: `/brain/${threadId}` }),
      context,
      params: {},
    })) as Response;
    expect(deleted.headers.get("location")).toBe("/brain?toast=brain-deleted");
    expect(await db.brainThread.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.brainMessage.count({ where: { userId: user.id } })).toBe(0);
    const gone = await thrownBy(() =>
      threadLoader({ request: new Request(`http://localhost/brain/${threadId}`), context, params: { threadId } }),
    );
    expect(gone.status).toBe(404);
  });

  it("shows another user's thread as a page that does not exist, and changes nothing of it", async () => {
    const owner = await seller();
    const threadId = threadIdFrom(
      (await layoutAction({
        request: post("/brain", { intent: "ask", question: "What's the latest with Acme Logistics?" }),
        context: owner.context,
        params: {},
      })) as Response,
    );
    const answerId = (await owner.db.brainMessage.findFirstOrThrow({ where: { threadId, role: "assistant" } })).id;
    const other = await seller();
    const as = other.context;

    expect(
      (
        await thrownBy(() =>
          threadLoader({
            request: new Request(`http://localhost/brain/${threadId}`),
            context: as,
            params: { threadId },
          }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await thrownBy(() =>
          threadAction({
            request: post(`/brain/${threadId}`, { intent: "ask", question: "Hijack?" }),
            context: as,
            params: { threadId },
          }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await thrownBy(() =>
          threadAction({
            request: post(`/brain/${threadId}`, { intent: "retry", assistantMessageId: answerId }),
            context: as,
            params: { threadId },
          }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await thrownBy(() =>
          layoutAction({
            request: post("/brain", { intent: "rename", threadId, title: "Mine now" }),
            context: as,
            params: {},
          }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await thrownBy(() =>
          layoutAction({ request: post("/brain", { intent: "delete", threadId }), context: as, params: {} }),
        )
      ).status,
    ).toBe(404);
    const stored = await owner.db.brainThread.findUniqueOrThrow({
      where: { id: threadId },
      include: { _count: { select: { messages: true } } },
    });
    expect(stored.title).toBe("What's the latest with Acme Logistics?");
    expect(stored._count.messages).toBe(2);
    expect(
      (await layoutLoader({ request: new Request("http://localhost/brain"), context: as, params: {} })).threads,
    ).toEqual([]);

    // Signed out: to sign in, and back.
    const signedOut = await thrownBy(() =>
      threadLoader({
        request: new Request(`http://localhost/brain/${threadId}`),
        context: loadContext(),
        params: { threadId },
      }),
    );
    expect(signedOut.headers.get("location")).toBe(`/login?redirectTo=%2Fbrain%2F${threadId}`);
  });

  it("starts a thread about an account or a deal from its page's panel", async () => {
    const { context, db, acme, deal } = await seller();
    const aboutAccount = threadIdFrom(
      (await layoutAction({
        request: post("/brain", { intent: "ask", question: "What should I do next?", accountId: acme.id }),
        context,
        params: {},
      })) as Response,
    );
    const thread = await db.brainThread.findUniqueOrThrow({ where: { id: aboutAccount } });
    expect(thread).toMatchObject({ accountId: acme.id, opportunityId: null });
    const { thread: shown } = await threadLoader({
      request: new Request(`http://localhost/brain/${aboutAccount}`),
      context,
      params: { threadId: aboutAccount },
    });
    expect(shown.account).toEqual({ id: acme.id, name: "Acme Logistics" });
    expect(shown.messages[1]!.status).toBe("complete");
    // Grounded in the account first, though the question does not name it.
    expect(shown.messages[1]!.manifest!.items.some((i) => i.id === acme.id)).toBe(true);

    const aboutDeal = threadIdFrom(
      (await layoutAction({
        request: post("/brain", { intent: "ask", question: "What is the next step?", opportunityId: deal.id }),
        context,
        params: {},
      })) as Response,
    );
    expect(await db.brainThread.findUniqueOrThrow({ where: { id: aboutDeal } })).toMatchObject({
      opportunityId: deal.id,
      accountId: null,
    });

    // Someone else's account: refused with a message, nothing created.
    const other = await seller();
    const refused = (await layoutAction({
      request: post("/brain", { intent: "ask", question: "Tell me everything", accountId: other.acme.id }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(refused.init?.status).toBe(400);
    expect(refused.data).toMatchObject({
      intent: "ask",
      formError: "Choose one of your accounts.",
      fields: { question: "Tell me everything", accountId: other.acme.id },
    });
    expect(await db.brainThread.count({ where: { accountId: other.acme.id } })).toBe(0);
  });

  it("refuses a form it does not know with 400", async () => {
    const { context } = await seller();
    expect(
      (await thrownBy(() => layoutAction({ request: post("/brain", { intent: "explode" }), context, params: {} })))
        .status,
    ).toBe(400);
  });
});

describe("/brain index", () => {
  it("offers an example question about one of the seller's own accounts", async () => {
    const { context } = await seller();
    const data = await indexLoader({ request: new Request("http://localhost/brain"), context, params: {} });
    expect(["Acme Logistics", "Bolt Energy"]).toContain(data.exampleAccount);
  });
});

describe("/settings/api loader", () => {
  it("says how this server answers and where the browser would call Claude, and never anything about a key", async () => {
    const { context } = await seller();
    const data = await apiSettingsLoader({
      request: new Request("http://localhost/settings/api"),
      context,
      params: {},
    });
    expect(data).toEqual({
      serverMode: "retrieval_only",
      retrievalOnlyReason: "no_server_key",
      model: "claude-sonnet-5",
      claudeOrigin: "https://api.anthropic.com",
    });
    const signedOut = await thrownBy(() =>
      apiSettingsLoader({ request: new Request("http://localhost/settings/api"), context: loadContext(), params: {} }),
    );
    expect(signedOut.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fapi");
  });
});
