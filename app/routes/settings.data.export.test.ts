// GET /settings/data/export (P10): the download's headers, its streamed body, and who may have it.
import { describe, expect, it } from "vitest";
import { importWorkspace } from "../../server/data-rights/import/import-workspace";
import { get, seller, thrownBy } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { smallWorkspace } from "../../tests/helpers/workspace";
import { loader as dataPageLoader } from "./settings.data";
import { loader } from "./settings.data.export";
import { exportFileName } from "./settings.data.export.server";

const request = () => get("/settings/data/export");

async function signedInUser() {
  const signedIn = await seller({ name: "Sam Seller" });
  expect((await importWorkspace(signedIn.db, signedIn.user.id, smallWorkspace())).ok).toBe(true);
  return signedIn;
}

describe("/settings/data/export", () => {
  it("streams the user's export as a JSON attachment named for today, never cached", async () => {
    const { user, context } = await signedInUser();
    const before = new Date().toISOString().slice(0, 10);
    const response = await loader({ request: request(), context, params: {} });
    const after = new Date().toISOString().slice(0, 10);

    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const disposition = response.headers.get("content-disposition");
    expect([
      `attachment; filename="salesascode-export-${before}.json"`,
      `attachment; filename="salesascode-export-${after}.json"`,
    ]).toContain(disposition);
    expect(response.body).toBeInstanceOf(ReadableStream);

    // Several chunks, not one buffered answer.
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let chunks = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks += 1;
      text += decoder.decode(value, { stream: true });
    }
    expect(chunks).toBeGreaterThan(10);
    const doc = JSON.parse(text) as {
      owner: { email: string };
      accounts: unknown[];
      activities: unknown[];
      sessions: { userAgent: string }[];
    };
    expect(doc.owner.email).toBe(user.email);
    expect(doc.accounts).toHaveLength(2);
    expect(doc.activities).toHaveLength(3);
    expect(doc.sessions).toEqual([expect.objectContaining({ userAgent: "vitest", ip: "127.0.0.1" })]);
  });

  it("names the file by the UTC date", () => {
    expect(exportFileName(new Date("2026-12-31T23:59:59Z"))).toBe("salesascode-export-2026-12-31.json");
    expect(exportFileName(new Date("2027-01-01T00:00:00Z"))).toBe("salesascode-export-2027-01-01.json");
  });

  it("sends a signed-out visitor to sign in, and back here afterwards", async () => {
    const thrown = await thrownBy(() => loader({ request: request(), context: loadContext(), params: {} }));
    expect(thrown.status).toBe(302);
    expect(thrown.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fdata%2Fexport");
  });

  it("gives the Data page the export's line count, which the file then has", async () => {
    const { context } = await signedInUser();
    const page = (await dataPageLoader({
      request: get("/settings/data"),
      context,
      params: {},
    })) as {
      exportLines: { total: number; records: number };
    };
    // Two accounts, three people, two deals, one conversation, one meeting, two notes, three
    // activities, and the session signing in made: fifteen records.
    expect(page.exportLines.records).toBe(15);
    const response = await loader({ request: request(), context, params: {} });
    const text = await response.text();
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n").length - 1).toBe(page.exportLines.total);
  });
});
