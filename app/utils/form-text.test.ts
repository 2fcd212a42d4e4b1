import { describe, expect, it } from "vitest";
import { dateTimeInputValue, moneyInputValue, parseMoney, parseUtcDateTime, parseWholeNumber } from "./form-text";

describe("parseMoney", () => {
  it("turns major units typed by a person into exact cents", () => {
    const cases: [string, number | null][] = [
      ["", null],
      ["  ", null],
      ["24000", 2_400_000],
      ["24,000", 2_400_000],
      ["24,000.50", 2_400_050],
      ["1,234.56", 123_456],
      ["0.29", 29],
      ["1.1", 110],
      ["$1,000,000", 100_000_000],
      ["€ 12.05", 1_205],
      ["90071992547409.91", 9_007_199_254_740_991],
    ];
    for (const [text, value] of cases) expect(parseMoney(text), text).toEqual({ ok: true, value });
  });

  it("refuses what is not an amount, or too large to be exact", () => {
    for (const text of ["abc", "12.345", "1,23", "12,34,567", "-5", "1e6", "1.", ".5", "12 000"]) {
      expect(parseMoney(text), text).toEqual({ ok: false, message: "Enter an amount like 24000 or 24,000.50." });
    }
    expect(parseMoney("90071992547409.92")).toEqual({ ok: false, message: "That amount is too large." });
  });

  it("round-trips through the form's text", () => {
    for (const cents of [0, 5, 29, 100, 123_456, 2_400_000, 9_007_199_254_740_991]) {
      const parsed = parseMoney(moneyInputValue(cents));
      expect(parsed).toEqual({ ok: true, value: cents });
    }
    expect(moneyInputValue(123_456)).toBe("1234.56");
    expect(moneyInputValue(2_400_000)).toBe("24000");
    expect(moneyInputValue(null)).toBe("");
  });
});

describe("parseWholeNumber", () => {
  const message = "Use a whole number.";

  it("reads counts as people type them, leaving ranges to the schema", () => {
    const cases: [string, number | null][] = [
      ["", null],
      ["  ", null],
      ["250", 250],
      [" 250 ", 250],
      ["1,200", 1_200],
      ["1 200", 1_200],
      ["-3", -3],
      ["20000000", 20_000_000],
    ];
    for (const [text, value] of cases) expect(parseWholeNumber(text, { message }), text).toEqual({ ok: true, value });
  });

  it("refuses fractions and words rather than rounding them", () => {
    for (const text of ["12.5", "twenty", "1e3", "+5", "40%"]) {
      expect(parseWholeNumber(text, { message }), text).toEqual({ ok: false, message });
    }
    expect(parseWholeNumber("99999999999999999999", { message })).toEqual({
      ok: false,
      message: "That number is too large.",
    });
  });

  it("takes a percent sign only where the field is a percentage", () => {
    expect(parseWholeNumber("40%", { message, percent: true })).toEqual({ ok: true, value: 40 });
    expect(parseWholeNumber(" 40 % ", { message, percent: true })).toEqual({ ok: true, value: 40 });
    expect(parseWholeNumber("%", { message, percent: true })).toEqual({ ok: true, value: null });
    expect(parseWholeNumber("12.5%", { message, percent: true })).toEqual({ ok: false, message });
  });
});

describe("datetime-local values are UTC", () => {
  it("reads and writes them without the server's time zone", () => {
    const parsed = parseUtcDateTime("2026-03-04T15:00", "Choose a time.");
    expect(parsed.ok && parsed.value.toISOString()).toBe("2026-03-04T15:00:00.000Z");
    expect(dateTimeInputValue(new Date("2026-03-04T15:00:00Z"))).toBe("2026-03-04T15:00");
    expect(parseUtcDateTime("", "Choose a time.")).toEqual({ ok: false, message: "Choose a time." });
    expect(parseUtcDateTime("2026-02-30T10:00", "x").ok).toBe(false);
    expect(parseUtcDateTime("next tuesday", "x").ok).toBe(false);
  });
});
