// Builds Pilotbook's static files from npm packages into pilotbook/web/static/pilotbook/ (git-ignored).
// Run by `make assets`; needs only `npm ci` first.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "pilotbook", "web", "static", "pilotbook");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const css = sass.compile(join(root, "frontend", "scss", "pilotbook.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "pilotbook.css"), css.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "js", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images", "favicon.ico"), join(out, "images", "favicon.ico"), { recursive: true });
cpSync(join(govuk, "assets", "images", "favicon.svg"), join(out, "images", "favicon.svg"));
cpSync(join(root, "frontend", "init.mjs"), join(out, "js", "init.mjs"));
// Leaflet for the partner map (pilotbook/partners/static/partners/map.mjs); markers are SVG, so no images.
mkdirSync(join(out, "vendor", "leaflet"), { recursive: true });
for (const file of ["leaflet.js", "leaflet.css"]) {
  cpSync(join(root, "node_modules", "leaflet", "dist", file), join(out, "vendor", "leaflet", file));
}
// axe-core is used only by the browser tests, which read it from node_modules directly.
console.log(`built ${out}`);
