/**
 * The regression corpus (test/fixtures/regressions/): one stack file per class of bad (or valid)
 * input found by hand or by the fuzz test. Each file names what it must produce in `# expect:`
 * lines — a substring of one `<file>:<line>:<col>: …` YAML problem or one `<key path>: …` issue — or
 * `# expect: ok` for a config that must validate and plan.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { StackFileError, readStackFile } from "../../offline/stack-file";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";
import { CTX } from "../config-fixtures";

const DIR = path.resolve(__dirname, "..", "fixtures", "regressions");

/** Every line the reader and the validator report for a stack file, or "ok" (validated and planned). */
export function outcome(file: string): string[] {
  let raw: Record<string, string>;
  try {
    raw = readStackFile(file, "fixture").raw;
  } catch (err) {
    if (err instanceof StackFileError) return err.lines();
    throw err;
  }
  const r = validateConfig(raw, CTX);
  if (!r.ok) return r.issues.map(formatIssue);
  planFleet(r.config, { project: CTX.project, stack: "fixture", now: CTX.now });
  return ["ok"];
}

describe("regression corpus (test/fixtures/regressions)", () => {
  for (const name of fs.readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort()) {
    const file = path.join(DIR, name);
    const expects = fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("# expect: "))
      .map((l) => l.slice("# expect: ".length));
    it(`${name}: ${expects.length} expectation(s)`, () => {
      expect(expects.length, "a corpus file needs # expect: lines").to.be.greaterThan(0);
      const lines = outcome(file);
      for (const e of expects) {
        if (e === "ok") expect(lines).to.deep.equal(["ok"]);
        else expect(lines.some((l) => l.includes(e)), `expected a line with\n  ${e}\ngot\n  ${lines.join("\n  ")}`).to.equal(true);
      }
      for (const l of lines) {
        expect(l, "no JavaScript internals in a message").to.not.match(/\[object |undefined|NaN|Infinity|TypeError|\bat .*\(.*:\d+:\d+\)|Symbol\(/);
      }
    });
  }
});
