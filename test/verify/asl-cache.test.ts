/**
 * verify/asl.ts: Step Functions definitions are validated once per definition text and
 * asl-validator version — the result is kept on disk for the next process — and a cache entry that
 * cannot be read as a result is never trusted.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ASL_CACHE_DIR, validateAsl } from "../../verify/asl";

const ROOT = path.resolve(__dirname, "..", "..");

/** validateAsl(definition) in a fresh plain-Node process (the compiled module): its result, and whether it loaded asl-validator. */
function inFreshProcess(definition: unknown): { result: unknown; loadedValidator: boolean } {
  const script = `const { validateAsl } = require("./dist/verify/asl"); const result = validateAsl(${JSON.stringify(definition)});
    console.log(JSON.stringify({ result, loadedValidator: Object.keys(require.cache).some((f) => f.includes("/node_modules/asl-validator/")) }));`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout.trim());
}

function cacheFile(definition: unknown): string {
  const version = JSON.parse(fs.readFileSync(require.resolve("asl-validator/package.json"), "utf8")).version;
  const key = crypto.createHash("sha256").update(`asl-validator@${version}\n${JSON.stringify(definition)}`).digest("hex");
  return path.join(ASL_CACHE_DIR, `${key}.json`);
}

describe("verify: ASL results kept between processes (verify/asl.ts)", function () {
  this.timeout(60000);
  // A definition no other test validates, so its cache entry is this test's own.
  const unique = `S${crypto.randomBytes(6).toString("hex")}`;
  const valid = { StartAt: unique, States: { [unique]: { Type: "Pass", End: true } } };
  const invalid = { StartAt: unique, States: { [unique]: { Type: "Pass", Next: "nowhere" } } };

  it("validates as asl-validator does, valid and invalid", () => {
    expect(validateAsl(valid)).to.deep.equal({ isValid: true, errors: [] });
    const bad = validateAsl(invalid);
    expect(bad.isValid).to.equal(false);
    expect(JSON.stringify(bad.errors)).to.match(/target: nowhere/);
  });

  it("a second process reads the kept result without loading the validator; an unreadable entry is validated again", () => {
    const file = cacheFile(valid);
    expect(fs.existsSync(file), file).to.equal(true);
    // Proof that the second process took the kept entry: it says what the entry says.
    fs.writeFileSync(file, JSON.stringify({ isValid: false, errors: [{ message: "from the cache" }] }));
    expect(inFreshProcess(valid)).to.deep.equal({ result: { isValid: false, errors: [{ message: "from the cache" }] }, loadedValidator: false });
    fs.writeFileSync(file, "{ not json");
    expect(inFreshProcess(valid)).to.deep.equal({ result: { isValid: true, errors: [] }, loadedValidator: true });
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal({ isValid: true, errors: [] });
  });
});
