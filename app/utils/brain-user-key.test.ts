import * as sdk from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { maskKey, userKeyFailureMessage, userKeyProblem } from "./brain-user-key";

describe("the user's own key", () => {
  it("is shown masked: the first 7 and last 4 characters of a real-length key, less of a short one", () => {
    expect(maskKey("sk-ant-api03-abcdefghijklmnopqrstuvwxyz-WXYZ")).toBe("sk-ant-…WXYZ");
    expect(maskKey("test-key")).toBe("te…ey");
    expect(maskKey("test-key")).not.toContain("test-key");
  });

  it("is checked before it is saved", () => {
    expect(userKeyProblem("  ")).toBe("Paste your Anthropic API key.");
    expect(userKeyProblem("sk-ant a b")).toBe("A key has no spaces or line breaks; paste it again.");
    expect(userKeyProblem("short")).toBe("That is too short to be an API key.");
    expect(userKeyProblem(" sk-ant-api03-abc123 ")).toBeNull();
  });

  it("turns Claude's refusals into sentences that say what to do", () => {
    const failure = (status: number, headers: Record<string, string> = {}) =>
      userKeyFailureMessage(
        sdk.APIError.generate(status, { type: "error", error: { type: "x", message: "x" } }, "x", new Headers(headers)),
        sdk,
      );
    expect(failure(401)).toBe(
      "Claude refused your API key (401). Check the key saved in this browser at Settings → API.",
    );
    expect(failure(429, { "retry-after": "30" })).toBe(
      "Claude is receiving too many requests from your key (429) and asked us to wait 30 seconds. We retried; try again in a moment.",
    );
    expect(failure(529)).toBe("Claude is overloaded right now (529). We retried; try again in a minute.");
    expect(failure(503)).toBe("Claude had an error on its side (503). Try again in a moment.");
    expect(failure(400)).toContain("(400)");
    expect(userKeyFailureMessage(new sdk.APIConnectionError({ message: "fetch failed" }), sdk)).toContain(
      "could not reach Claude",
    );
    expect(userKeyFailureMessage(new sdk.APIConnectionTimeoutError(), sdk)).toContain("took too long");
    expect(userKeyFailureMessage(new Error("?"), sdk)).toContain("stopped unexpectedly");
  });
});
