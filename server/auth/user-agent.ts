// "Chrome on macOS" from a User-Agent header, for the sessions list. Deliberately small: it names
// the common browsers and systems and says "Unknown browser" rather than guessing.
import { truncateText } from "../utils/text";
const browsers: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, "Edge"],
  [/OPR\/(\d+)/, "Opera"],
  [/SamsungBrowser\/(\d+)/, "Samsung Internet"],
  [/Firefox\/(\d+)|FxiOS\/(\d+)/, "Firefox"],
  [/Chrome\/(\d+)|CriOS\/(\d+)/, "Chrome"],
  [/Version\/(\d+).*Safari\//, "Safari"],
];
const systems: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Windows/, "Windows"],
  [/Linux/, "Linux"],
];

export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const headless = /HeadlessChrome/.test(userAgent);
  const browser = headless ? "Headless Chrome" : (browsers.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null);
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  if (!browser && !system) return truncateText(userAgent, 41);
  return `${browser ?? "Unknown browser"}${system ? ` on ${system}` : ""}`;
}
