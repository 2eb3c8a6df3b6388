/** The CLI explains itself: help on stdout, a help per command, --version, usage errors in --json. */
import { expect } from "chai";
import { EXIT, main } from "../../tools/fleet";
import { FIXTURE_PROJECT, FakeClock } from "./doubles";

async function cli(argv: string[]) {
  const stdout = { text: "", write(s: string) { this.text += s; return true; } };
  const stderr = { text: "", write(s: string) { this.text += s; return true; } };
  const code = await main(argv, { stdout, stderr }, {
    workDir: FIXTURE_PROJECT,
    clock: new FakeClock(),
    openStack: () => {
      throw new Error("help must not open a stack");
    },
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const COMMANDS = ["preview", "up", "refresh", "destroy", "outputs", "history", "cancel", "export", "import", "rollout"];

describe("tools/fleet: help, version and usage errors", () => {
  it("--help prints the overview of every command on stdout, exit 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).to.equal(EXIT.ok);
    expect(r.stderr).to.equal("");
    for (const c of COMMANDS) expect(r.stdout).to.match(new RegExp(`^  ${c} +\\S`, "m"));
    expect(r.stdout).to.match(/10 deployment rolled back/);
  });

  for (const c of COMMANDS) {
    it(`${c} --help prints ${c}'s own usage and options on stdout, without --stack`, async () => {
      const r = await cli([c, "--help"]);
      expect(r.code).to.equal(EXIT.ok);
      expect(r.stderr).to.equal("");
      expect(r.stdout.split("\n")[0]).to.match(new RegExp(`^usage: npm run fleet -- ${c} --stack <name>`));
      expect(r.stdout).to.contain("--json");
    });
  }

  it("`help <command>` is the same as `<command> --help`; each help names its own options", async () => {
    expect((await cli(["help", "import"])).stdout).to.equal((await cli(["import", "--help"])).stdout);
    expect((await cli(["up", "--help"])).stdout).to.contain("--no-deployment-check");
    expect((await cli(["outputs", "--help"])).stdout).to.contain("--show-secrets");
    expect((await cli(["outputs", "--help"])).stdout).to.not.contain("--no-deployment-check");
    expect((await cli(["help", "deploy"])).code).to.equal(EXIT.usage);
  });

  it("--version prints the tool's and the Automation API's versions", async () => {
    const r = await cli(["--version"]);
    expect(r.code).to.equal(EXIT.ok);
    expect(r.stdout).to.match(/^ecs-fleet 0\.1\.0 \(fleet CLI; @pulumi\/pulumi Automation API 3\.248\.\d+\)\n$/);
  });

  it("a usage error under --json is a JSON error on stdout (exit 64), the command's usage on stderr", async () => {
    const r = await cli(["up", "--json"]);
    expect(r.code).to.equal(EXIT.usage);
    expect(JSON.parse(r.stdout)).to.deep.equal({ error: { type: "UsageError", message: "--stack is required", exitCode: 64 } });
    expect(r.stderr).to.match(/^error: --stack is required\n\nusage: npm run fleet -- up --stack <name>/);
    const unknown = await cli(["up", "--stack", "x", "--json", "--bogus"]);
    expect(JSON.parse(unknown.stdout).error).to.include({ type: "UsageError", exitCode: 64 });
    expect(JSON.parse(unknown.stdout).error.message).to.contain("'--bogus'");
  });

  it("without --json a usage error leaves stdout empty", async () => {
    const r = await cli(["outputs", "--stack", "x", "--yes"]);
    expect(r.code).to.equal(EXIT.usage);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.contain("--yes only applies to destroy, cancel, import");
  });
});
