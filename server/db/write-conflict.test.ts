import { describe, expect, it } from "vitest";
import { isWriteConflict, retryOnWriteConflict } from "./write-conflict";

const deadlock = Object.assign(new Error("Transaction failed due to a write conflict or a deadlock"), {
  code: "P2034",
});

describe("write conflicts", () => {
  it("recognises Prisma's P2034 and PostgreSQL's deadlock and serialization codes, also as a cause", () => {
    expect(isWriteConflict(deadlock)).toBe(true);
    expect(isWriteConflict(new Error("wrapped", { cause: { code: "40P01" } }))).toBe(true);
    expect(isWriteConflict({ originalCode: "40001" })).toBe(true);
    expect(isWriteConflict(Object.assign(new Error("unique"), { code: "P2002" }))).toBe(false);
    expect(isWriteConflict(null)).toBe(false);
  });

  it("runs a write again after a conflict, and gives up after the last attempt or on any other error", async () => {
    let calls = 0;
    expect(
      await retryOnWriteConflict(() => {
        calls++;
        return calls < 3 ? Promise.reject(deadlock) : Promise.resolve("written");
      }),
    ).toBe("written");
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryOnWriteConflict(() => {
        calls++;
        return Promise.reject(deadlock);
      }, 2),
    ).rejects.toBe(deadlock);
    expect(calls).toBe(2);

    calls = 0;
    const other = new Error("not a conflict");
    await expect(
      retryOnWriteConflict(() => {
        calls++;
        return Promise.reject(other);
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});
