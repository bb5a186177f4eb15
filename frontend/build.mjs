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
// Every file the CSS and JavaScript refer to is copied beside them (images, source maps): with DEBUG off,
// ManifestStaticFilesStorage rewrites each reference to a hashed name, and collectstatic stops at a missing one.
// tests/test_static_assets.py runs collectstatic that way, so a reference left dangling here fails the suite.
for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(govuk, file), join(out, "js", file));
}
// The favicons, and the image GOV.UK Frontend's Sass refers to through $govuk-assets-path (the crest).
mkdirSync(join(out, "images"), { recursive: true });
for (const file of ["favicon.ico", "favicon.svg", "govuk-crest.svg"]) {
  cpSync(join(govuk, "assets", "images", file), join(out, "images", file));
}
cpSync(join(root, "frontend", "init.mjs"), join(out, "js", "init.mjs"));
// Leaflet for the partner map (pilotbook/partners/static/partners/map.mjs). Our markers are SVG, but leaflet.css
// still refers to its layer-control and marker images, and leaflet.js to its source map.
mkdirSync(join(out, "vendor", "leaflet"), { recursive: true });
for (const file of ["leaflet.js", "leaflet.js.map", "leaflet.css", "images"]) {
  cpSync(join(root, "node_modules", "leaflet", "dist", file), join(out, "vendor", "leaflet", file), { recursive: true });
}
// axe-core is used only by the browser tests, which read it from node_modules directly.
console.log(`built ${out}`);
