/**
 * Nested secrets the program really exports (`sites.<site>.activationCode`, `registrationCommand`)
 * stay masked in `outputs()`, `up()` results and the CLI. The Automation API's view of them is built
 * from a real program run (dev stack, under the mock runtime) exactly as @pulumi/pulumi 3.248 builds
 * it: `stackOutputs` marks an output secret only when `pulumi stack output --json` prints the whole
 * top-level value as "[secret]"; the exported deployment marks every secret at any depth.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as auto from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { recorder } from "../setup";
import { runProgram } from "../../offline/run-plan";
import { readStackFile } from "../../offline/stack-file";
import { SECRET_SIG_KEY, SECRET_SIG_VALUE, secretOutputPaths } from "../../automation/fleet-stack";
import type { PulumiFleetStack } from "../../automation/fleet-stack";
import { EXIT, main } from "../../tools/fleet";
import { type ConfigChange, applyConfigChanges } from "../../automation/config-edit";
import { validateConfig } from "../../stacks/validate";
import { FIXTURE_PROJECT, FakeClock, FakeIdentity, FakeResolver, RecordingHealth, T0, fixtureRaw, outputsFor } from "./doubles";

function validConfigOf(raw: Record<string, string>) {
  const r = validateConfig(raw, { stack: "staging", project: "ecs-fleet", now: T0 });
  if (!r.ok) throw new Error("fixture invalid");
  return r.config;
}
import { FakeAutoStack, open } from "./fake-auto-stack";

const ROOT = path.resolve(__dirname, "..", "..");
const NOW = new Date("2026-11-24T00:00:00Z");

const isSecret = (v: unknown): v is { value: unknown } =>
  typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;

/** The plain value (`pulumi stack output --json --show-secrets`). */
function plain(v: unknown): unknown {
  if (isSecret(v)) return plain(v.value);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** The state file's form (`pulumi stack export --show-secrets`): secrets as `{ sig, plaintext }`. */
function exported(v: unknown): unknown {
  if (isSecret(v)) return { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, plaintext: JSON.stringify(plain(v.value)) };
  if (Array.isArray(v)) return v.map(exported);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exported(x)]));
  return v;
}

describe("automation: nested secrets of the real program stay masked", () => {
  let outputMap: auto.OutputMap;
  let state: auto.Deployment;
  let code: string;
  let command: string;

  before(async () => {
    const file = readStackFile(path.join(ROOT, "Pulumi.dev.yaml"));
    const run = await runProgram(recorder, { stack: "dev", raw: file.raw, secretKeys: file.secretKeys, now: NOW });
    if (!run.ok) throw new Error(run.issues.map((i) => i.message).join("\n"));
    const wire = await pulumi.runtime.serializeProperties("outputs", run.exported as Record<string, unknown>);
    outputMap = Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, { value: plain(v), secret: isSecret(v) }]));
    state = {
      version: 3,
      deployment: { resources: [{ urn: "urn:pulumi:dev::ecs-fleet::pulumi:pulumi:Stack::ecs-fleet-dev", type: "pulumi:pulumi:Stack", outputs: exported(wire) }] },
    };
    const site = (outputMap.sites.value as Record<string, Record<string, string>>)["lab-dc"];
    code = site.activationCode;
    command = site.registrationCommand;
  });

  it("the program exports the site's activation code and command as nested secrets (what the Automation API leaks)", () => {
    expect(outputMap.sites.secret).to.equal(false);
    expect(code).to.be.a("string").and.not.equal("[secret]");
    expect(command).to.contain(code);
    expect(secretOutputPaths(state)).to.deep.include.members([
      ["sites", "lab-dc", "activationCode"],
      ["sites", "lab-dc", "registrationCommand"],
    ]);
  });

  async function fleetStack(): Promise<{ stack: PulumiFleetStack; fake: FakeAutoStack }> {
    const fake = new FakeAutoStack({});
    fake.outputMap = outputMap;
    fake.state = state;
    fake.events = [];
    const { stack } = await open(fake);
    return { stack, fake };
  }

  it("outputs() masks them; everything else stays readable", async () => {
    const { stack } = await fleetStack();
    const out = await stack.outputs();
    const site = (out.sites as Record<string, Record<string, unknown>>)["lab-dc"];
    expect(site.activationCode).to.equal("[secret]");
    expect(site.registrationCommand).to.equal("[secret]");
    expect(site.clusterName).to.be.a("string").and.not.equal("[secret]");
    expect(site.activationId).to.be.a("string").and.not.equal("[secret]");
    expect(JSON.stringify(out)).to.not.contain(code);
  });

  it("outputs({ showSecrets: true }) shows them", async () => {
    const { stack } = await fleetStack();
    const site = ((await stack.outputs({ showSecrets: true })).sites as Record<string, Record<string, unknown>>)["lab-dc"];
    expect(site.activationCode).to.equal(code);
    expect(site.registrationCommand).to.equal(command);
  });

  it("up() results mask them", async () => {
    const { stack } = await fleetStack();
    const r = await stack.up();
    expect(JSON.stringify(r)).to.not.contain(code);
    expect((r.outputs!.sites as Record<string, Record<string, unknown>>)["lab-dc"].activationCode).to.equal("[secret]");
  });

  it("`fleet outputs` masks them unless --show-secrets", async () => {
    const run = async (argv: string[]) => {
      const stdout = { text: "", write(s: string) { this.text += s; return true; } };
      const stderr = { text: "", write(s: string) { this.text += s; return true; } };
      const { stack } = await fleetStack();
      const c = await main(argv, { stdout, stderr }, { workDir: FIXTURE_PROJECT, clock: new FakeClock(), openStack: async () => stack });
      return { code: c, stdout: stdout.text };
    };
    const masked = await run(["outputs", "--stack", "staging", "--json"]);
    expect(masked.code).to.equal(EXIT.ok);
    expect(masked.stdout).to.not.contain(code);
    expect(JSON.parse(masked.stdout).sites["lab-dc"].registrationCommand).to.equal("[secret]");
    const shown = await run(["outputs", "--stack", "staging", "--json", "--show-secrets"]);
    expect(JSON.parse(shown.stdout).sites["lab-dc"].activationCode).to.equal(code);
  });
});

/** The fake with a config that `pulumi config set/rm --path` really changes (as the CLI would). */
class ConfigurableFake extends FakeAutoStack {
  constructor(public raw: Record<string, string>) {
    super(raw);
  }
  private change(op: "set" | "remove", key: string, value?: string): void {
    const [, ns, rest] = /^([^:]+):(.*)$/.exec(key)!;
    const segments = [...rest.matchAll(/(?:^|\.)([A-Za-z_][A-Za-z0-9_-]*)|\["([^"]+)"\]/g)].map((m) => m[1] ?? m[2]);
    const [top, ...pathSegs] = segments;
    const change = op === "set" ? { op, key: `${ns}:${top}`, path: pathSegs, value: value! } : { op, key: `${ns}:${top}`, path: pathSegs };
    this.raw = applyConfigChanges(this.raw, [change as ConfigChange], "ecs-fleet");
    this.config = Object.fromEntries(Object.entries(this.raw).map(([k, v]) => [k, { value: v, secret: false }]));
  }
  override async setConfig(key: string, value: auto.ConfigValue, isPath?: boolean): Promise<void> {
    await super.setConfig(key, value, isPath);
    this.change("set", key, value.value);
  }
  override async removeConfig(key: string, isPath?: boolean): Promise<void> {
    await super.removeConfig(key, isPath);
    this.change("remove", key);
  }
}

describe("automation: a rollout's --json carries no nested secret", () => {
  it("rollout --json over the library's stack masks sites.<site>.activationCode in every up result", async () => {
    const fake = new ConfigurableFake(fixtureRaw("staging"));
    // The engine reports each region's component (a rollout targets them).
    fake.events = ["eu-west-1", "us-east-1", "ap-southeast-2"].map((r) => {
      const metadata = { op: "same", urn: `urn:pulumi:staging::ecs-fleet::ecs-fleet:region:RegionalFootprint::${r}`, type: "ecs-fleet:region:RegionalFootprint" };
      return { resourcePreEvent: { metadata } as unknown as auto.ResourcePreEvent };
    });
    const code = "ACT-0123-secret";
    fake.outputMap = {
      regions: { value: outputsFor(validConfigOf(fake.raw)).regions, secret: false },
      sites: { value: { lab: { clusterName: "lab", activationCode: code, registrationCommand: `register --code ${code}` } }, secret: false },
    };
    fake.state = {
      version: 3,
      deployment: {
        resources: [
          {
            type: "pulumi:pulumi:Stack",
            outputs: {
              regions: fake.outputMap.regions.value,
              sites: {
                lab: {
                  clusterName: "lab",
                  activationCode: { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, plaintext: JSON.stringify(code) },
                  registrationCommand: { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, plaintext: JSON.stringify(`register --code ${code}`) },
                },
              },
            },
          },
        ],
      },
    };
    const { stack } = await open(fake);
    const stdout = { text: "", write(s: string) { this.text += s; return true; } };
    const stderr = { text: "", write(s: string) { this.text += s; return true; } };
    const exit = await main(["rollout", "--stack", "staging", "--service", "web", "--image", "registry.example.com/web:2.0", "--json"], { stdout, stderr }, {
      workDir: FIXTURE_PROJECT,
      clock: new FakeClock(),
      openStack: async () => stack,
      health: new RecordingHealth(),
      resolver: new FakeResolver(),
      identity: new FakeIdentity(),
    });
    expect(exit, stderr.text).to.equal(EXIT.ok);
    const result = JSON.parse(stdout.text);
    expect(result.status).to.equal("completed");
    expect(result.finalUp.outputs.sites.lab.activationCode).to.equal("[secret]");
    expect(stdout.text).to.not.contain(code);
  });
});
