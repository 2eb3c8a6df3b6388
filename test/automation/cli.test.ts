import { expect } from "chai";
import { ImageResolutionError } from "../../automation/digest";
import { CommandError, ConcurrentUpdateError, ConfigInvalidError, PulumiCliMissingError, StackNotFoundError } from "../../automation/errors";
import type { OperationOptions, OperationResult, PulumiFleetStack } from "../../automation/fleet-stack";
import { EXIT, type CliDeps, main } from "../../tools/fleet";
import { FIXTURE_PROJECT, FakeClock, FakeIdentity, FakeResolver, RecordingHealth, RecordingStack, T0, digestOf, fixtureRaw, pinned, report } from "./doubles";

class Sink {
  text = "";
  isTTY?: boolean;
  columns = 120;
  constructor(tty = false) {
    this.isTTY = tty;
  }
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

async function cli(argv: string[], deps: CliDeps = {}, tty = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink(tty);
  const code = await main(argv, { stdout, stderr }, { workDir: FIXTURE_PROJECT, now: T0, clock: new FakeClock(), resolver: new FakeResolver(), identity: new FakeIdentity(), ...deps });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const NEW = "registry.example.com/web:2.0";
const PNEW = pinned(NEW);

describe("tools/fleet (CLI)", () => {
  describe("rollout --dry-run", () => {
    it("prints the waves, config changes and checks of a stack file, touching nothing", async () => {
      const r = await cli(["rollout", "--stack", "staging", "--service", "web", "--image", NEW, "--dry-run"], {
        openStack: () => {
          throw new Error("dry-run must not open the stack");
        },
      });
      expect(r.code).to.equal(EXIT.ok);
      expect(r.stderr).to.equal("");
      expect(r.stdout).to.contain(`Rollout of service web to ${PNEW} on stack staging: 2 wave(s), bake 5 min each\n`);
      expect(r.stdout).to.contain(`image ${NEW} resolved to ${digestOf(NEW)} (registry): every wave deploys ${PNEW}\n`);
      expect(r.stdout).to.contain(`Wave 1: eu-west-1\n  eu-west-1: registry.example.com/web:1.0 -> ${PNEW}\n`);
      expect(r.stdout).to.contain("Wave 2: us-east-1, ap-southeast-2\n");
      expect(r.stdout).to.contain(`set ecs-fleet:services.web.overrides.eu-west-1.image = "${PNEW}"`);
    });

    it("prints the plan as JSON with --json", async () => {
      const r = await cli(["rollout", "--stack", "staging", "--service", "web", "--image", NEW, "--dry-run", "--json", "--bake-minutes", "1"]);
      const out = JSON.parse(r.stdout);
      expect(out.dryRun).to.equal(true);
      expect(out.plan.bakeMinutes).to.equal(1);
      expect(out.plan.waves.map((w: { targets: { key: string }[] }) => w.targets.map((t) => t.key))).to.deep.equal([["eu-west-1"], ["us-east-1", "ap-southeast-2"]]);
    });

    it("prints the waves of the shipped prod stack", async () => {
      const r = await cli(["rollout", "--stack", "prod", "--service", "web", "--image", NEW, "--dry-run"], { workDir: undefined });
      expect(r.code, r.stderr).to.equal(EXIT.ok);
      expect(r.stdout).to.match(/^Wave 1: /m);
    });

    it("exits 2 on an invalid config, naming the key path", async () => {
      const r = await cli(["rollout", "--stack", "broken", "--service", "web", "--image", NEW, "--dry-run"]);
      expect(r.code).to.equal(EXIT.invalidConfig);
      expect(r.stderr).to.contain("ecs-fleet:services.web.memory: 256 CPU units allow 512, 1024 or 2048 MiB, got 4096");
    });

    it("exits 2 for an image that is not a reference, in --json too, exactly as the real run", async () => {
      for (const dry of [true, false]) {
        const stack = new RecordingStack(fixtureRaw("staging"), "web");
        const argv = ["rollout", "--stack", "staging", "--service", "web", "--image", "web 2", "--json", ...(dry ? ["--dry-run"] : [])];
        const r = await cli(argv, { openStack: async () => stack as unknown as PulumiFleetStack });
        expect(r.code).to.equal(EXIT.invalidConfig);
        const err = JSON.parse(r.stdout).error;
        expect(err.type).to.equal("ImageReferenceError");
        expect(err.message).to.contain('--image: "web 2" is not an image reference (it contains whitespace)');
        expect(stack.ops).to.not.include("setConfig");
      }
    });

    it("fails the dry run, like the real run, for an image the registry does not have", async () => {
      const missing = { resolve: async (image: string) => Promise.reject(new ImageResolutionError(`${image}: registry.example.com has no manifest web:9.9 (404)`)) };
      for (const dry of [true, false]) {
        const stack = new RecordingStack(fixtureRaw("staging"), "web");
        const argv = ["rollout", "--stack", "staging", "--service", "web", "--image", "registry.example.com/web:9.9", ...(dry ? ["--dry-run"] : [])];
        const r = await cli(argv, { resolver: missing, openStack: async () => stack as unknown as PulumiFleetStack });
        expect(r.code).to.equal(EXIT.error);
        expect(r.stderr).to.contain("has no manifest web:9.9 (404)");
        expect(stack.ops).to.not.include("setConfig");
      }
    });

    it("exits 7 for a stack without a config file and 64 for an unknown service", async () => {
      expect((await cli(["rollout", "--stack", "qa", "--service", "web", "--image", NEW, "--dry-run"])).code).to.equal(EXIT.stackNotFound);
      const r = await cli(["rollout", "--stack", "staging", "--service", "nope", "--image", NEW, "--dry-run"]);
      expect(r.code).to.equal(EXIT.usage);
      expect(r.stderr).to.equal("error: unknown service nope; the stack staging has web, api\n");
    });
  });

  describe("command line", () => {
    for (const [argv, message] of [
      [[], "name a command"],
      [["deploy", "--stack", "x"], 'unknown command "deploy"'],
      [["up"], "--stack is required"],
      [["rollout", "--stack", "x", "--image", "i"], "rollout needs --service"],
      [["up", "--stack", "x", "--image", "i"], "--image only applies to rollout"],
      [["destroy", "--stack", "x"], "destroy deletes every resource of stack x: confirm with --yes"],
      [["up", "--stack", "x", "--max-attempts", "0"], '--max-attempts takes a whole number ≥ 1, got "0"'],
      [["up", "--stack", "x", "--bogus"], "Unknown option '--bogus'"],
    ] as const) {
      it(`rejects ${JSON.stringify(argv)} with exit 64`, async () => {
        const r = await cli([...argv]);
        expect(r.code).to.equal(EXIT.usage);
        expect(r.stderr).to.contain(message);
        expect(r.stderr).to.contain("usage: npm run fleet --");
      });
    }

    it("prints help with exit 0", async () => {
      const r = await cli(["--help"]);
      expect(r.code).to.equal(EXIT.ok);
      expect(r.stdout).to.contain("exit codes: 0 ok, 1 error, 2 invalid config");
    });
  });

  describe("exit codes of errors", () => {
    const cases: Array<[string, Error, number]> = [
      ["invalid config", new ConfigInvalidError("s", [{ path: "ecs-fleet:regions", message: "required" }]), 2],
      ["locked stack", new ConcurrentUpdateError("s", 5, ""), 4],
      ["missing CLI", new PulumiCliMissingError("`pulumi` was not found on PATH"), 6],
      ["missing stack", new StackNotFoundError("s", ""), 7],
      ["command error", new CommandError("pulumi command failed", "boom", 255), 1],
      ["anything else", new Error("socket hang up"), 1],
    ];
    for (const [what, error, code] of cases) {
      it(`exits ${code} on ${what}, with the error as JSON on stdout under --json`, async () => {
        const r = await cli(["up", "--stack", "staging", "--json"], {
          openStack: async () => {
            throw error;
          },
        });
        expect(r.code).to.equal(code);
        expect(r.stderr).to.equal(`error: ${error.message}\n`);
        expect(JSON.parse(r.stdout).error).to.include({ type: error.name, message: error.message, exitCode: code });
      });
    }
  });

  describe("operations", () => {
    const result: OperationResult = {
      operation: "up",
      stack: "staging",
      changes: { update: 1, same: 4 },
      changesByRegion: { "eu-west-1": { update: 1, same: 2 }, global: { same: 2 } },
      durationMs: 1500,
      attempts: 1,
    };
    const urn = "urn:pulumi:staging::ecs-fleet::ecs-fleet:region:RegionalFootprint$aws:ecs/service:Service::web";
    const fakeStack = {
      name: "staging",
      project: "ecs-fleet",
      async up(options: OperationOptions = {}) {
        const base = { urn, type: "aws:ecs/service:Service", name: "web", op: "update" as const, region: "eu-west-1", component: "eu-west-1", componentType: "ecs-fleet:region:RegionalFootprint", planning: false, sequence: 1, timestamp: 1 };
        options.onEvent?.({ kind: "resource-started", ...base });
        options.onEvent?.({ kind: "resource-finished", ...base });
        options.onEvent?.({ kind: "diagnostic", severity: "warning", message: "deprecated input\n", urn, region: "eu-west-1", sequence: 2, timestamp: 2 });
        return result;
      },
    } as unknown as PulumiFleetStack;

    it("shows plain progress lines on stderr and the result as JSON on stdout", async () => {
      const r = await cli(["up", "--stack", "staging", "--json"], { openStack: async () => fakeStack });
      expect(r.code).to.equal(EXIT.ok);
      expect(JSON.parse(r.stdout)).to.deep.equal(result);
      expect(r.stderr).to.equal("[eu-west-1] update aws:ecs/service:Service web\nwarning [eu-west-1]: deprecated input\n");
    });

    it("summarises by region without --json", async () => {
      const r = await cli(["up", "--stack", "staging"], { openStack: async () => fakeStack });
      expect(r.stdout).to.equal("up of stack staging: 1 update, 4 same (1.5 s)\n  eu-west-1: 1 update, 2 same\n  global: 2 same\n");
    });

    it("draws a live per-region view on a terminal", async () => {
      const r = await cli(["up", "--stack", "staging"], { openStack: async () => fakeStack }, true);
      expect(r.stderr).to.contain("\x1b[");
      expect(r.stderr).to.match(/eu-west-1\s+1 done\s+0 running\s+0 failed/);
    });
  });

  describe("rollout", () => {
    const onNew = (failing: Parameters<typeof report>[1]) => new RecordingHealth((t) => (t.image === PNEW ? report(t, failing) : report(t)));
    const rollout = (stack: RecordingStack, extra: string[], deps: CliDeps = {}, tty = false) =>
      cli(["rollout", "--stack", "staging", "--service", "web", "--image", NEW, ...extra], { openStack: async () => stack as unknown as PulumiFleetStack, health: new RecordingHealth(), ...deps }, tty);

    it("runs the waves and exits 0, logging timestamped steps", async () => {
      const stack = new RecordingStack(fixtureRaw("staging"), "web");
      const r = await rollout(stack, ["--json"]);
      expect(r.code, r.stderr).to.equal(EXIT.ok);
      const out = JSON.parse(r.stdout);
      expect(out.status).to.equal("completed");
      expect(out.image).to.equal(PNEW);
      expect(r.stderr).to.contain(`[06:00:00] image ${NEW} is ${digestOf(NEW)} (registry): rolling out ${PNEW}\n`);
      expect(r.stderr).to.match(/^\[\d\d:\d\d:\d\d\] wave 1 \(eu-west-1\): starting$/m);
      expect(r.stderr).to.match(/^\[\d\d:\d\d:\d\d\] wave 1 \[eu-west-1\] done {2}06:00:02-06:05:02 \(5m00s\)$/m);
      expect(r.stderr).to.match(/wave 2: health \(final\): healthy\n/);
      expect(r.stderr).to.match(/wave 1: health \(bake, 4m00s left\): healthy/);
    });

    it("exits 5 on a failed wave and honours --no-rollback", async () => {
      const stack = new RecordingStack(fixtureRaw("staging"), "web");
      const r = await rollout(stack, ["--no-rollback"], { health: onNew([{ name: "alarms", detail: "in ALARM: web-5xx" }]) });
      expect(r.code).to.equal(EXIT.waveFailed);
      expect(r.stdout).to.match(/wave 1 \(eu-west-1\): failed \[[\d:]+-[\d:]+\]: unhealthy after up: eu-west-1: in ALARM: web-5xx\n/);
      expect(r.stdout).to.contain("wave 2 (us-east-1, ap-southeast-2): not-started\n");
      expect(r.stdout).to.contain("rollback: not-requested");
      expect(stack.ops).to.deep.equal(["getConfig", "outputs", "setConfig", "preview", "up"]);
      // The same command again is refused (exit 9) until --force.
      const again = await rollout(stack, []);
      expect(again.code).to.equal(EXIT.refused);
      expect(again.stderr).to.contain("wave 1 (eu-west-1) of this rollout is recorded as failed");
      const forced = await rollout(stack, ["--force"]);
      expect(forced.code, forced.stderr).to.equal(EXIT.ok);
    });

    it("exits 8 when the rollback leaves the targets unhealthy", async () => {
      const stack = new RecordingStack(fixtureRaw("staging"), "web");
      const health = new RecordingHealth((t) => (stack.ops.includes("up") ? report(t, [{ name: "deployment", detail: "primary deployment is FAILED" }]) : report(t)));
      const r = await rollout(stack, [], { health });
      expect(r.code).to.equal(EXIT.rollbackFailed);
      expect(r.stdout).to.contain("rollback: unhealthy: restored targets unhealthy after up");
    });

    it("exits 5 with the wave report when the final promote fails", async () => {
      const stack = new RecordingStack(fixtureRaw("staging"), "web");
      stack.failUp = (n) => (n === 3 ? new Error("error: update failed") : undefined);
      const r = await rollout(stack, ["--json"]);
      expect(r.code).to.equal(EXIT.waveFailed);
      const out = JSON.parse(r.stdout);
      expect(out).to.include({ status: "failed", promoteError: "final step failed: error: update failed" });
      expect(out.waves.map((w: { status: string }) => w.status)).to.deep.equal(["succeeded", "succeeded"]);
    });

    it("exits 9 without credentials and 4 while another rollout holds the lease", async () => {
      const stack = new RecordingStack(fixtureRaw("staging"), "web");
      const noCreds = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
      const r = await rollout(stack, ["--json"], { identity: new FakeIdentity(() => noCreds) });
      expect(r.code).to.equal(EXIT.refused);
      expect(JSON.parse(r.stdout).error.type).to.equal("PreflightError");
      stack.tags["fleet.rollout.lease"] = JSON.stringify({ h: "alice@laptop (pid 7)", s: T0.toISOString(), e: new Date(T0.getTime() + 600_000).toISOString(), t: "abc" });
      const held = await rollout(stack, []);
      expect(held.code).to.equal(EXIT.concurrentUpdate);
      expect(held.stderr).to.contain("another rollout holds stack staging: alice@laptop (pid 7)");
    });

    it("draws one line per wave with state, timing and the bake countdown, and live region lines, on a terminal", async () => {
      const stack = new RecordingStack(fixtureRaw("staging"), "web");
      const r = await rollout(stack, [], {}, true);
      expect(r.code, r.stderr).to.equal(EXIT.ok);
      expect(r.stderr).to.contain("\x1b[");
      expect(r.stderr).to.match(/wave 1 \[eu-west-1\] baking {2}since 06:00:02 \(\d+s\) {2}bake 5m00s left/);
      expect(r.stderr).to.match(/wave 2 \[us-east-1, ap-southeast-2\] pending/);
      expect(r.stderr).to.match(/ {2}eu-west-1 +\d+ done \(1 changed\) +0 running +0 failed/);
      expect(r.stderr).to.match(/ {2}health eu-west-1: healthy \(5 checks\)/);
    });
  });
});
