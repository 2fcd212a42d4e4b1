import { describe, expect, it } from "vitest";
import { queryFilter } from "./list-params.server";

describe("queryFilter", () => {
  it("drops NUL characters a hand-edited address carries, instead of passing them to the API", () => {
    expect(queryFilter(new URLSearchParams({ q: "a\u0000b" }), "q", 120)).toBe("ab");
    expect(queryFilter(new URLSearchParams({ q: " \u0000 " }), "q", 120)).toBeNull();
  });

  it("trims, cuts to the API's length and treats an empty or missing value as no filter", () => {
    expect(queryFilter(new URLSearchParams({ q: "  acme  " }), "q", 120)).toBe("acme");
    expect(queryFilter(new URLSearchParams({ q: "x".repeat(200) }), "q", 120)).toHaveLength(120);
    expect(queryFilter(new URLSearchParams(), "q", 120)).toBeNull();
  });
});
