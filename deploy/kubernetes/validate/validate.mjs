// Validates Kubernetes manifests against the object schemas of the Kubernetes API (npm kubernetes-models):
//   node validate.mjs <folder or file>...
// Every document of every *.yaml file is parsed and validated by the model of its apiVersion and kind; a kustomization
// must list files that exist. Prints one line per object; exits 1 when any is invalid or of an unknown kind.
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname, basename } from "node:path";
import { parseAllDocuments } from "yaml";

const files = process.argv.slice(2).flatMap(path =>
  statSync(path).isDirectory()
    ? readdirSync(path).filter(f => f.endsWith(".yaml") || f.endsWith(".yml")).sort().map(f => join(path, f))
    : [path]);
if (files.length === 0) { console.error("no manifests given"); process.exit(2); }

// The module of an apiVersion: "v1" is the core group, "apps/v1" the apps group, "rbac.authorization.k8s.io/v1" rbac's.
function modulePath(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return `kubernetes-models/${group === "" ? "" : group + "/"}${version}`;
}

let failures = 0, objects = 0;
for (const file of files) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const document of documents) {
    if (document.errors.length > 0) { console.log(`INVALID ${file}: ${document.errors[0].message}`); failures++; continue; }
    const object = document.toJS();
    if (object == null) continue;
    const where = `${file}: ${object.kind ?? "?"} ${object.metadata?.name ?? ""}`.trim();
    if (object.kind === "Kustomization") {
      const missing = (object.resources ?? []).filter(r => !existsSync(join(dirname(file), r)));
      if (missing.length > 0) { console.log(`INVALID ${where}: missing resources ${missing.join(", ")}`); failures++; }
      else console.log(`valid   ${where} (${object.resources.length} resources)`);
      objects++;
      continue;
    }
    try {
      const models = await import(modulePath(object.apiVersion ?? ""));
      const Model = models[object.kind];
      if (typeof Model !== "function") throw new Error(`unknown kind ${object.kind} in ${object.apiVersion}`);
      new Model(object).validate();
      console.log(`valid   ${where}`);
    } catch (error) {
      console.log(`INVALID ${where}: ${(error.message ?? String(error)).split("\n").slice(0, 6).join(" | ")}`);
      failures++;
    }
    objects++;
  }
}
console.log(`${objects} object(s), ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
