import { describe, expect, it } from "vitest";
import { countNewlines, fileNameFrom, progressPercent, readExportBody } from "./data-export";

const encode = (text: string) => new TextEncoder().encode(text);

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encode(part));
      controller.close();
    },
  });
}

describe("export download helpers", () => {
  it("counts lines by newline bytes, which never occur inside JSON strings", () => {
    expect(countNewlines(encode(""))).toBe(0);
    expect(countNewlines(encode('{"a":"line\\nbreak ✓"},\n{"b":2}\n'))).toBe(2);
    expect(countNewlines(encode(JSON.stringify({ body: "one\ntwo\r\nthree\u2028" })))).toBe(0);
  });

  it("reads the server's file name, or falls back", () => {
    expect(fileNameFrom('attachment; filename="salesascode-export-2026-11-30.json"', "x.json")).toBe(
      "salesascode-export-2026-11-30.json",
    );
    expect(fileNameFrom(null, "x.json")).toBe("x.json");
    expect(fileNameFrom('attachment; filename="../../etc/passwd"', "x.json")).toBe("x.json");
  });

  it("never says 100% before the end, and says it at the end", () => {
    expect(progressPercent(0, 200, false)).toBe(0);
    expect(progressPercent(100, 200, false)).toBe(50);
    expect(progressPercent(250, 200, false)).toBe(99);
    expect(progressPercent(3, 0, false)).toBe(0);
    expect(progressPercent(10, 200, true)).toBe(100);
  });

  it("reads a body to the end with progress, and knows a complete export from a cut one", async () => {
    const seen: number[] = [];
    const whole = await readExportBody(
      streamOf(['{"format":"x",\n"accounts":[\n{"id":1},\n', '{"id":2}\n],\n"deletion":null\n}', "\n"]),
      (p) => seen.push(p.lines),
    );
    expect(whole).toMatchObject({ lines: 7, complete: true });
    expect(seen).toEqual([3, 6, 7]);
    expect(whole.bytes).toBe(whole.parts.reduce((n, p) => n + p.byteLength, 0));
    expect(JSON.parse(new TextDecoder().decode(Buffer.concat(whole.parts)))).toEqual({
      format: "x",
      accounts: [{ id: 1 }, { id: 2 }],
      deletion: null,
    });

    const cut = await readExportBody(streamOf(['{"format":"x",\n"accounts":[\n{"id":1},\n']), () => {});
    expect(cut.complete).toBe(false);
  });
});
