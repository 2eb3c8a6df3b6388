/**
 * The library over the real Automation API (LocalWorkspace, Stack, its exec of the CLI) with a
 * stand-in `pulumi` on PATH (fixtures/fake-pulumi/pulumi): which commands opening and using a stack
 * runs, and what a failing command really reports.
 */
import * as child_process from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { CommandError, ConcurrentUpdateError } from "../../automation/errors";
import { openStack } from "../../automation/fleet-stack";
import { EXIT, main } from "../../tools/fleet";
import { FIXTURE_PROJECT, FakeClock } from "./doubles";
import { RecordingChecker } from "./fake-auto-stack";

const FAKE_BIN = path.join(__dirname, "fixtures", "fake-pulumi");

const outputsOf = (stack: string) => ({ regions: { "eu-west-1": { vpcId: `vpc-${stack}`, clusterName: `fleet-${stack}`, clusterArn: "arn", services: {} } } });

describe("automation over the Automation API and a pulumi CLI (stand-in on PATH)", () => {
  let dir: string;
  let savedPath: string | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
    const stacks = { dev: { outputs: outputsOf("dev") }, prod: { outputs: outputsOf("prod") } };
    fs.writeFileSync(path.join(dir, "stacks.json"), JSON.stringify(stacks));
    fs.writeFileSync(path.join(dir, "selected"), "dev"); // the user's `pulumi stack select dev`
    savedPath = process.env.PATH;
    process.env.PATH = `${FAKE_BIN}${path.delimiter}${process.env.PATH}`;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const calls = (): string[][] =>
    fs
      .readFileSync(path.join(dir, "calls.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as string[]);
  const scenario = (s: unknown): void => fs.writeFileSync(path.join(dir, "scenario.json"), JSON.stringify(s));
  const open = (stack: string, extra: Partial<Parameters<typeof openStack>[0]> = {}) =>
    openStack({ stack, workDir: FIXTURE_PROJECT, envVars: { FAKE_PULUMI_DIR: dir }, clock: new FakeClock(), deploymentChecker: new RecordingChecker(), ...extra });

  describe("opening a stack leaves the user's selected stack alone", () => {
    it("after outputs of prod, a bare `pulumi up` still targets the stack the user selected", async () => {
      const prod = await open("prod");
      expect((await prod.outputs()).regions["eu-west-1"].vpcId).to.equal("vpc-prod");
      expect(fs.readFileSync(path.join(dir, "selected"), "utf8")).to.equal("dev");
      // The user's next command, without --stack:
      child_process.execFileSync(path.join(FAKE_BIN, "pulumi"), ["up", "--yes"], { env: { ...process.env, FAKE_PULUMI_DIR: dir } });
      const targets = fs.readFileSync(path.join(dir, "targets.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      expect(targets).to.deep.equal([{ op: "up", stack: "dev" }]);
      expect(calls().some((c) => c[0] === "stack" && c[1] === "select")).to.equal(false);
    });

    it("two stacks opened at once in one process each run their own commands, every one with --stack", async () => {
      const [dev, prod] = await Promise.all([open("dev"), open("prod")]);
      const [d, p] = await Promise.all([dev.outputs(), prod.outputs()]);
      expect(d.regions["eu-west-1"].vpcId).to.equal("vpc-dev");
      expect(p.regions["eu-west-1"].vpcId).to.equal("vpc-prod");
      const stackCalls = calls();
      expect(stackCalls.length).to.be.greaterThan(4);
      for (const c of stackCalls) {
        expect(c, c.join(" ")).to.include("--stack");
        expect(c.slice(0, 2), c.join(" ")).to.not.deep.equal(["stack", "select"]);
      }
      expect(fs.readFileSync(path.join(dir, "selected"), "utf8")).to.equal("dev");
    });

    it("a stack that does not exist is still StackNotFoundError", async () => {
      let err: unknown;
      try {
        await open("qa");
      } catch (e) {
        err = e;
      }
      expect((err as Error).name).to.equal("StackNotFoundError");
    });
  });

  describe("a failing command reports what the CLI really said", () => {
    it("CommandError carries the CLI's exit code and stderr (not -2 and execa's message)", async () => {
      const stderr = "error: update failed: 1 resource failed\n";
      scenario({ up: { code: 255, stderr } });
      const prod = await open("prod");
      let err: unknown;
      try {
        await prod.up();
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(CommandError);
      expect((err as CommandError).exitCode).to.equal(255);
      expect((err as CommandError).stderr).to.equal(stderr.trimEnd()); // execa strips the final newline
      expect((err as CommandError).message).to.equal("pulumi up failed for stack prod (exit code 255):\nerror: update failed: 1 resource failed");
    });

    it("a DIY-backend lock names its holder and the `pulumi cancel` way out, in text and --json", async () => {
      const stderr =
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
        "  s3://fleet-state/.pulumi/locks/organization/ecs-fleet/prod/0b6c1b52.json: created by ci@runner-7 (pid 4242) at 2026-11-24T05:58:00Z\n";
      scenario({ up: { code: 255, stderr } });
      const prod = await open("prod", { lockRetry: { maxAttempts: 1 } });
      let err: unknown;
      try {
        await prod.up();
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(ConcurrentUpdateError);
      const lock = err as ConcurrentUpdateError;
      expect(lock.holders).to.deep.equal([
        { lockFile: "s3://fleet-state/.pulumi/locks/organization/ecs-fleet/prod/0b6c1b52.json", owner: "ci@runner-7", pid: 4242, since: "2026-11-24T05:58:00Z" },
      ]);
      expect(lock.message).to.contain("held by ci@runner-7 (pid 4242) since 2026-11-24T05:58:00Z");
      expect(lock.message).to.contain("`pulumi cancel --stack prod`");

      const out = { text: "", write(s: string) { this.text += s; return true; } };
      const errOut = { text: "", write(s: string) { this.text += s; return true; } };
      const code = await main(["up", "--stack", "prod", "--json", "--max-attempts", "1"], { stdout: out, stderr: errOut }, {
        workDir: FIXTURE_PROJECT,
        clock: new FakeClock(),
        openStack: (o) => openStack({ ...o, envVars: { FAKE_PULUMI_DIR: dir }, deploymentChecker: new RecordingChecker() }),
      });
      expect(code).to.equal(EXIT.concurrentUpdate);
      expect(errOut.text).to.contain("held by ci@runner-7 (pid 4242)");
      expect(errOut.text).to.contain("pulumi cancel --stack prod");
      const json = JSON.parse(out.text).error;
      expect(json.holders[0]).to.include({ owner: "ci@runner-7", pid: 4242 });
      expect(json.hint).to.contain("pulumi cancel --stack prod");
    });
  });
});
