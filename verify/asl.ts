/**
 * Amazon States Language validation (asl-validator) with its results kept, in memory and on disk.
 *
 * asl-validator compiles its JSON schemas anew on every call (about 200 ms, plus about 70 ms to
 * load it), and the same definitions are checked again and again: every region's copy of a chain,
 * every `npm run plan` of an unchanged stack, every process of the test suite. The validator is a
 * pure function of the definition, so results are kept by the validator's version and the
 * definition's text: in this process, and in `node_modules/.cache/ecs-fleet/asl/` (where caches of
 * build tools live; `npm ci` starts it afresh). A cache that cannot be read or written is skipped,
 * never trusted: the definition is validated again.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../runtime/root";

export interface AslResult {
  isValid: boolean;
  /** As asl-validator reports them (schema errors carry `message` and `path`, the other checks `Message`). */
  errors: Record<string, unknown>[];
}

/** Where results are kept between processes. */
export const ASL_CACHE_DIR = path.join(PROJECT_ROOT, "node_modules", ".cache", "ecs-fleet", "asl");

const inProcess = new Map<string, AslResult>();
let validatorVersion: string | undefined;

function version(): string {
  validatorVersion ??= (JSON.parse(fs.readFileSync(require.resolve("asl-validator/package.json"), "utf8")) as { version: string }).version;
  return validatorVersion;
}

function isResult(x: unknown): x is AslResult {
  return typeof x === "object" && x !== null && typeof (x as AslResult).isValid === "boolean" && Array.isArray((x as AslResult).errors);
}

/** Validates a state machine definition (kept results when the same definition was validated before). */
export function validateAsl(definition: unknown): AslResult {
  const text = JSON.stringify(definition);
  const known = inProcess.get(text);
  if (known) return known;
  const key = crypto.createHash("sha256").update(`asl-validator@${version()}\n${text}`).digest("hex");
  const file = path.join(ASL_CACHE_DIR, `${key}.json`);
  let result: AslResult | undefined;
  try {
    const cached: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (isResult(cached)) result = cached;
  } catch {
    result = undefined;
  }
  if (!result) {
    // Loaded only when needed. The validator annotates states (QueryLanguage) in place: a copy.
    const aslValidator = require("asl-validator") as (def: unknown) => { isValid: boolean; errors: AslResult["errors"] };
    const { isValid, errors } = aslValidator(JSON.parse(text));
    result = { isValid, errors: errors.map((e) => ({ ...e })) };
    try {
      fs.mkdirSync(ASL_CACHE_DIR, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(result));
      fs.renameSync(tmp, file);
    } catch {
      // A read-only tree: validate again next time.
    }
  }
  inProcess.set(text, result);
  return result;
}
