// Copies the files package.json lists under "vendorFiles" (vendor path -> node_modules path) into
// vendor/, which Django serves as /static/vendor/. vendor/ is rebuilt whole, so a file dropped
// from the list does not linger.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { vendorFiles } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const target = join(root, "vendor");

rmSync(target, { recursive: true, force: true });
for (const [dest, source] of Object.entries(vendorFiles)) {
  mkdirSync(dirname(join(target, dest)), { recursive: true });
  copyFileSync(join(root, "node_modules", source), join(target, dest));
}
console.log(`copied ${Object.keys(vendorFiles).length} files from node_modules/ into vendor/`);
