import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const NOW = "2026-11-24T00:00:00Z";

function plan(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "launch.js"), "tools/plan.ts", ...args, "--now", NOW], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(dir: string, ...args: string[]): void {
  const r = spawnSync("git", ["-C", dir, "-c", "user.name=review-test", "-c", "user.email=review@test.invalid", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
}

describe("npm run plan: review flags (--diff, --cost, --diagram)", function () {
  this.timeout(240000);
  let dir: string;
  let file: string;
  let byRef: ReturnType<typeof plan>;
  /** The temp directory of the `--diff <git ref>` run (TMPDIR): where the base stack file is written, and removed. */
  let tmpOfRun: string;

  before(() => {
    // A repository whose committed stack file is the shipped dev stack; the working tree resizes api.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-fleet-review-"));
    git(dir, "init", "-q");
    file = path.join(dir, "Pulumi.review.yaml");
    const src = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(file, src);
    git(dir, "add", "Pulumi.review.yaml");
    git(dir, "commit", "-q", "-m", "base");
    const from = "    api:\n      image: public.ecr.aws/docker/library/httpd:2.4\n      cpu: 256\n      memory: 512\n";
    expect(src).to.include(from);
    fs.writeFileSync(file, src.replace(from, "    api:\n      image: public.ecr.aws/docker/library/httpd:2.4\n      cpu: 512\n      memory: 1024\n"));
    tmpOfRun = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-fleet-review-tmp-"));
    byRef = plan(["--config-file", file, "--diff", "HEAD", "--json", "--diagram", path.join(dir, "fleet.mmd")], { TMPDIR: tmpOfRun });
  });

  after(() => {
    for (const d of [dir, tmpOfRun]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it("--diff <git ref> leaves nothing in the temp directory (the base stack file is removed once read)", () => {
    expect(byRef.code, byRef.stderr).to.equal(0);
    expect(fs.readdirSync(tmpOfRun).filter((f) => f.startsWith("ecs-fleet-base-"))).to.deep.equal([]);
  });

  it("--diff <git ref> plans the stack file at that ref with this code and prints one JSON document", () => {
    expect(byRef.code, byRef.stderr).to.equal(0);
    const d = JSON.parse(byRef.stdout);
    expect(d.base.label).to.equal("HEAD:Pulumi.review.yaml");
    expect(d.summary).to.deep.equal({ add: 0, change: 2, remove: 0, replace: 2 });
    expect(d.changes.map((c: any) => `${c.kind} ${c.name}`).sort()).to.deep.equal(["replace eu-west-1-api-task", "replace us-east-1-api-task"]);
    expect(d.cost.delta).to.be.greaterThan(0);
    expect(d.cost.changes.map((c: any) => `${c.scope} ${c.service}`)).to.deep.equal(["region eu-west-1 api", "region us-east-1 api"]);
  });

  it("--diagram with --diff writes the Mermaid picture with the changed services marked", () => {
    const text = fs.readFileSync(path.join(dir, "fleet.mmd"), "utf8");
    expect(text.startsWith("flowchart LR\n")).to.equal(true);
    expect(text).to.include("class region_eu_west_1_svc_api,region_us_east_1_svc_api changed");
    expect(byRef.stderr).to.include(`diagram written to ${path.join(dir, "fleet.mmd")}`);
  });

  it("--diff <saved plan> diffs against a plan saved with --json --out; --cost prints the estimate", () => {
    const saved = path.join(dir, "base.json");
    expect(plan(["--stack", "dev", "--json", "--out", saved]).code).to.equal(0);
    const r = plan(["--stack", "dev", "--diff", saved]);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).to.include("no resource changes");
    expect(lines[lines.length - 1]).to.equal("+0 ~0 -0 (0 replacements)");
    const cost = plan(["--stack", "dev", "--cost", "--diagram", path.join(dir, "fleet.svg")]);
    expect(cost.code, cost.stderr).to.equal(0);
    expect(cost.stdout).to.match(/\nmonthly cost estimate, stack dev \(USD, list prices of \d{4}-\d\d-\d\d, review\/prices\.ts\)\n/);
    expect(cost.stdout).to.match(/\n== region eu-west-1 {2}\$\d+\.\d\d\n/);
    expect(cost.stdout).to.match(/\ntotal: \$\d+\.\d\d a month\n/);
    expect(fs.readFileSync(path.join(dir, "fleet.svg"), "utf8")).to.include("<svg");
  });

  it("a base that is neither a saved plan nor a git ref exits 1 saying so", () => {
    const r = plan(["--stack", "dev", "--diff", "no-such-ref-xyz"]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.match(/(^|\n)--diff no-such-ref-xyz: not a saved plan file, and (git cannot show Pulumi\.dev\.yaml at no-such-ref-xyz|.* is not in a git repository)/);
  });
});
