/**
 * Scenario tests of the library's operations over the recording Automation API fake: the policy
 * pack at deploy, error messages from the event stream's diagnostics, and the recovery operations
 * (cancel, export/import, history), each also through the CLI.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as auto from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { CommandError, PolicyViolationError } from "../../automation/errors";
import type { FleetEvent } from "../../automation/events";
import { PROJECT_DIR, type PulumiFleetStack, StateInvalidError } from "../../automation/fleet-stack";
import { EXIT, main } from "../../tools/fleet";
import { FIXTURE_PROJECT, FakeClock, fixtureRaw } from "./doubles";
import { FakeAutoStack, SVC, open } from "./fake-auto-stack";

const { createCommandError } = require("@pulumi/pulumi/automation/errors") as { createCommandError: (r: unknown) => Error };
const { CommandResult } = require("@pulumi/pulumi/automation/cmd") as {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
};
const failed = (stderr = "error: update failed"): Error => createCommandError(new CommandResult("", stderr, 255));

class Sink {
  text = "";
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

async function cli(argv: string[], stack: PulumiFleetStack | undefined, opened: unknown[] = []) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(argv, { stdout, stderr }, {
    workDir: FIXTURE_PROJECT,
    clock: new FakeClock(),
    openStack: async (o) => {
      opened.push(o);
      if (!stack) throw new Error("no stack");
      return stack;
    },
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const policyEvent = (level: "mandatory" | "advisory", urn = SVC): Partial<auto.EngineEvent> => ({
  policyEvent: {
    resourceUrn: urn,
    message: "Services must set deploymentCircuitBreaker { enable: true, rollback: true }.\nmore detail",
    color: "never",
    policyName: "ecs-service-circuit-breaker",
    policyPackName: "ecs-fleet-security",
    policyPackVersion: "0.1.0",
    policyPackVersionTag: "0.1.0",
    enforcementLevel: level as "mandatory",
  },
});

describe("automation: the policy pack is enforced at deploy", () => {
  it("preview and up run with the project's policy pack (policy/) by default", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake, { workDir: PROJECT_DIR });
    await stack.preview();
    await stack.up();
    const packs = fake.calls.filter((c) => c.method === "preview" || c.method === "up").map((c) => (c.args[0] as auto.UpOptions).policyPacks);
    expect(packs).to.deep.equal([[path.join(PROJECT_DIR, "policy")], [path.join(PROJECT_DIR, "policy")]]);
  });

  it("`policyPacks: []` (CLI --no-policy) runs without", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake, { workDir: PROJECT_DIR, policyPacks: [] });
    await stack.up();
    expect((fake.calls[0].args[0] as auto.UpOptions).policyPacks).to.deep.equal([]);
    const opened: Array<{ policyPacks?: string[] }> = [];
    await cli(["up", "--stack", "staging", "--no-policy"], stack, opened);
    expect(opened[0].policyPacks).to.deep.equal([]);
    await cli(["preview", "--stack", "staging"], stack, opened);
    expect(opened[1].policyPacks).to.equal(undefined); // the library's default: the project's pack
  });

  it("policy reports become typed events; advisory ones are in the result", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    fake.events = [{ resourcePreEvent: { metadata: { op: "same", urn: SVC, type: "aws:ecs/service:Service", provider: "urn:pulumi:staging::ecs-fleet::pulumi:providers:aws::aws-eu-west-1::p1" } } as never }, policyEvent("advisory")];
    const { stack } = await open(fake);
    const events: FleetEvent[] = [];
    const r = await stack.preview({ onEvent: (e) => events.push(e) });
    const policy = events.filter((e) => e.kind === "policy");
    expect(policy).to.have.length(1);
    expect(policy[0]).to.include({ kind: "policy", policy: "ecs-service-circuit-breaker", pack: "ecs-fleet-security", level: "advisory", urn: SVC, region: "eu-west-1" });
    expect(r.policyViolations).to.deep.equal([
      { policy: "ecs-service-circuit-breaker", pack: "ecs-fleet-security", level: "advisory", message: "Services must set deploymentCircuitBreaker { enable: true, rollback: true }.\nmore detail", urn: SVC },
    ]);
  });

  it("a mandatory violation that stops up is PolicyViolationError (CLI exit 3), listing the violations", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    fake.events = [policyEvent("mandatory")];
    fake.failures = [failed("error: preview failed: 1 mandatory policy violation"), failed("error: preview failed: 1 mandatory policy violation")];
    const { stack } = await open(fake);
    let err: unknown;
    try {
      await stack.up();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PolicyViolationError);
    expect((err as PolicyViolationError).violations.map((v) => v.policy)).to.deep.equal(["ecs-service-circuit-breaker"]);
    expect((err as Error).message).to.equal(
      "stack staging: 1 mandatory policy violation(s):\n  ecs-fleet-security/ecs-service-circuit-breaker (web): Services must set deploymentCircuitBreaker { enable: true, rollback: true }.",
    );
    const r = await cli(["up", "--stack", "staging", "--json"], stack);
    expect(r.code).to.equal(EXIT.policyViolation);
    expect(JSON.parse(r.stdout).error.violations[0].policy).to.equal("ecs-service-circuit-breaker");
  });
});

describe("automation: a failed operation says what failed, from the event stream", () => {
  it("builds CommandError's message from the error diagnostics, with resource and region", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    fake.events = [
      { resourcePreEvent: { metadata: { op: "update", urn: SVC, type: "aws:ecs/service:Service", provider: "urn:pulumi:staging::ecs-fleet::pulumi:providers:aws::aws-eu-west-1::p1" } } as never },
      { diagnosticEvent: { urn: SVC, message: "updating ECS Service (web-eu-west-1): InvalidParameterException: The container web does not exist in the task definition.\n", color: "never", severity: "error" } },
      { diagnosticEvent: { message: "warning only\n", color: "never", severity: "warning" } },
    ];
    fake.failures = [failed("Updating (staging)\n\n  pulumi:pulumi:Stack ecs-fleet-staging running\nResources:\n    9 unchanged\n\nDuration: 3s\n")];
    const { stack } = await open(fake);
    let err: unknown;
    try {
      await stack.up();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CommandError);
    const e = err as CommandError;
    expect(e.message).to.equal(
      "pulumi up failed for stack staging (exit code 255):\n  [eu-west-1] web: updating ECS Service (web-eu-west-1): InvalidParameterException: The container web does not exist in the task definition.",
    );
    expect(e.exitCode).to.equal(255);
    expect(e.diagnostics).to.have.length(1);
    fake.failures = [failed("error: update failed")];
    const r = await cli(["up", "--stack", "staging", "--json"], stack);
    expect(r.code).to.equal(EXIT.error);
    const json = JSON.parse(r.stdout).error;
    expect(json).to.include({ type: "CommandError", commandExitCode: 255 });
    expect(json.message).to.contain("[eu-west-1] web: updating ECS Service (web-eu-west-1)");
    expect(json.diagnostics[0].region).to.equal("eu-west-1");
  });
});

describe("automation: recovery (cancel, export/import, history, refresh)", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-recovery-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("cancel runs `pulumi cancel`; the CLI wants --yes", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake);
    const refused = await cli(["cancel", "--stack", "staging"], stack);
    expect(refused.code).to.equal(EXIT.usage);
    expect(refused.stderr).to.contain("confirm with --yes");
    expect(fake.calls.map((c) => c.method)).to.deep.equal([]);
    const r = await cli(["cancel", "--stack", "staging", "--yes", "--json"], stack);
    expect(r.code).to.equal(EXIT.ok);
    expect(JSON.parse(r.stdout)).to.deep.equal({ cancelled: true, stack: "staging" });
    expect(fake.calls.map((c) => c.method)).to.deep.equal(["cancel"]);
  });

  it("export writes the state to a file only its owner reads; import reads it back", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake);
    const file = path.join(tmp, "state.json");
    const ex = await cli(["export", "--stack", "staging", "--file", file], stack);
    expect(ex.code, ex.stderr).to.equal(EXIT.ok);
    expect(ex.stdout).to.equal(`exported the state of stack staging (1 resources, secrets in plain text) to ${file}\n`);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const state = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(state.deployment.resources[0].type).to.equal("pulumi:pulumi:Stack");

    const noYes = await cli(["import", "--stack", "staging", "--file", file], stack);
    expect(noYes.code).to.equal(EXIT.usage);
    const im = await cli(["import", "--stack", "staging", "--file", file, "--yes"], stack);
    expect(im.code, im.stderr).to.equal(EXIT.ok);
    expect(fake.calls.filter((c) => c.method === "importStack").map((c) => c.args[0])).to.deep.equal([state]);
  });

  it("import refuses what is not a state (exit 2), importing nothing", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake);
    const bad = path.join(tmp, "bad.json");
    fs.writeFileSync(bad, "{ not json");
    const r1 = await cli(["import", "--stack", "staging", "--file", bad, "--yes", "--json"], stack);
    expect(r1.code).to.equal(EXIT.invalidConfig);
    expect(JSON.parse(r1.stdout).error.type).to.equal("StateInvalidError");
    fs.writeFileSync(bad, JSON.stringify({ resources: [] }));
    let err: unknown;
    try {
      await stack.importState(JSON.parse(fs.readFileSync(bad, "utf8")));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(StateInvalidError);
    expect((err as Error).message).to.contain("`version` is missing");
    expect(fake.calls.filter((c) => c.method === "importStack")).to.deep.equal([]);
  });

  it("history is typed and hides secret config unless asked (the Automation API shows it by default)", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    fake.historyEntries = [
      {
        version: 12,
        kind: "update",
        result: "succeeded",
        message: "roll web",
        startTime: new Date("2026-11-24T06:00:00Z"),
        endTime: new Date("2026-11-24T06:03:00Z"),
        environment: {},
        config: { "ecs-fleet:dbPassword": { value: "hunter2", secret: true }, "aws:region": { value: "eu-west-1", secret: false } },
        resourceChanges: { update: 2, same: 40 },
      } as unknown as auto.UpdateSummary,
    ];
    const { stack } = await open(fake);
    const entries = await stack.history({ pageSize: 5 });
    expect(fake.calls[0]).to.deep.equal({ method: "history", args: [5, undefined, false] });
    expect(entries[0]).to.deep.include({ version: 12, kind: "update", result: "succeeded", message: "roll web", resourceChanges: { update: 2, same: 40 } });
    expect(entries[0].config["ecs-fleet:dbPassword"]).to.deep.equal({ value: "[secret]", secret: true });
    const r = await cli(["history", "--stack", "staging", "--page-size", "5"], stack);
    expect(r.stdout).to.equal("#12 update succeeded 2026-11-24T06:00:00.000Z (180 s): 2 update, 40 same — roll web\n");
    expect(r.stdout).to.not.contain("hunter2");
    const shown = await stack.history({ showSecrets: true });
    expect(shown[0].config["ecs-fleet:dbPassword"].value).to.equal("hunter2");
  });

  it("refresh is a typed operation in the library and the CLI", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake);
    const r = await cli(["refresh", "--stack", "staging", "--json"], stack);
    expect(r.code).to.equal(EXIT.ok);
    expect(JSON.parse(r.stdout)).to.deep.include({ operation: "refresh", changes: { refresh: 10 } });
  });
});
