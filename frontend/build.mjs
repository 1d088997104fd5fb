// Copies govuk-frontend's precompiled assets into ../static_build/govuk, pointing the
// stylesheet's font and image URLs at where Django serves them (/static/govuk/assets/).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "node_modules", "govuk-frontend", "dist", "govuk");
const target = join(here, "..", "static_build", "govuk");
const staticUrl = process.env.STATIC_URL || "/static/";

mkdirSync(target, { recursive: true });
cpSync(join(source, "assets"), join(target, "assets"), { recursive: true });
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(source, name), join(target, name));
}
const css = readFileSync(join(source, "govuk-frontend.min.css"), "utf8")
  .replace(/url\("?\/assets\//g, (m) => m.replace("/assets/", `${staticUrl}govuk/assets/`))
  .replace(/\/\*# sourceMappingURL=.*?\*\//, "");
writeFileSync(join(target, "govuk-frontend.min.css"), css);
const pkg = JSON.parse(readFileSync(join(here, "node_modules", "govuk-frontend", "package.json"), "utf8"));
console.log(`govuk-frontend ${pkg.version} copied to ${target}`);

// Leaflet for the map pin page, served from our own static files (no CDN).
const leafletSource = join(here, "node_modules", "leaflet", "dist");
const leafletTarget = join(here, "..", "static_build", "leaflet");
mkdirSync(leafletTarget, { recursive: true });
for (const name of ["leaflet.js", "leaflet.js.map", "leaflet.css"]) {
  cpSync(join(leafletSource, name), join(leafletTarget, name));
}
cpSync(join(leafletSource, "images"), join(leafletTarget, "images"), { recursive: true });
const leafletPkg = JSON.parse(readFileSync(join(here, "node_modules", "leaflet", "package.json"), "utf8"));
console.log(`leaflet ${leafletPkg.version} copied to ${leafletTarget}`);
