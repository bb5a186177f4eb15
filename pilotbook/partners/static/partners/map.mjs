// Progressive enhancement of the partner map page: the filter form and table work without JavaScript.
// Draws the council's outline (ONS boundaries, from /councils/<code>/outline.geojson) and, over it, the same
// (filtered) partners as the table from the JSON endpoint, each marker coloured and shaped by its sector (the SVG
// comes from the server, so the key, the table and the map agree). Partners at the same place are spread in a
// ring around it, joined to it by short lines, so each marker can be reached by mouse and by keyboard: Tab moves
// between markers, Enter opens a marker's popup (focus moves into it), Escape closes it and focus returns to the
// marker.
const container = document.getElementById("partner-map");
const SPREAD_GAP = 24; // pixels between neighbouring markers in a ring
const MIN_RADIUS = 20;

async function getJson(url) {
  if (!url) return null;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function drawOutline(L, map, outline) {
  if (!outline) return null;
  return L.geoJSON(outline, {
    interactive: false,
    className: "pb-outline",
    style: { color: "#1d70b8", weight: 2, opacity: 1, fillColor: "#1d70b8", fillOpacity: 0.06 },
    attribution: escapeHtml(outline.properties.attribution || ""),
  }).addTo(map);
}

function popupFor(data, sector, partnerId, name) {
  const link = document.createElement("a");
  link.href = data.partner_url.replace("{id}", partnerId);
  link.className = "govuk-link";
  link.textContent = name;
  const popup = document.createElement("p");
  popup.className = "govuk-body-s";
  popup.append(link, document.createElement("br"), sector.name);
  return popup;
}

// Keyboard use of a marker's popup: focus moves to the popup's link when it opens, and back to the marker when
// it closes (by Escape, its close button or a click elsewhere) if focus was in the popup or has been lost.
function wireKeyboard(marker) {
  marker.on("popupopen", (event) => {
    const link = event.popup.getElement()?.querySelector("a.govuk-link");
    if (link) link.focus({ preventScroll: true });
  });
  marker.on("popupclose", (event) => {
    const icon = marker.getElement();
    const active = document.activeElement;
    const popup = event.popup.getElement();
    if (icon && (!active || active === document.body || (popup && popup.contains(active)))) {
      icon.focus({ preventScroll: true });
    }
  });
}

// Places several markers around the point they share, a fixed number of pixels apart at every zoom level.
function spread(L, map, groups) {
  for (const group of groups) {
    const centre = map.latLngToLayerPoint(group.latlng);
    const radius = Math.max(MIN_RADIUS, (group.markers.length * SPREAD_GAP) / (2 * Math.PI));
    group.markers.forEach((marker, index) => {
      const angle = (2 * Math.PI * index) / group.markers.length - Math.PI / 2;
      const place = map.layerPointToLatLng(centre.add(L.point(Math.cos(angle) * radius, Math.sin(angle) * radius)));
      marker.setLatLng(place);
      group.legs[index].setLatLngs([group.latlng, place]);
    });
  }
}

async function draw() {
  const L = window.L;
  if (!container || !L) return;
  const [data, outline] = await Promise.all([getJson(container.dataset.url), getJson(container.dataset.outline)]);
  if (!data) return;
  container.hidden = false;
  // Vector layers (the outline, the lines to spread markers) are drawn as SVG paths in the overlay pane.
  const map = L.map(container, { zoomSnap: 0.5, renderer: L.svg() });
  if (container.dataset.tiles) {
    L.tileLayer(container.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
  }
  const area = drawOutline(L, map, outline);
  const icons = {};
  for (const [id, sector] of Object.entries(data.sectors)) {
    icons[id] = L.divIcon({ html: sector.icon, className: "pb-map-marker", iconSize: [18, 18] });
  }
  // The map fits the council's area, and any marker just over its border. One far away (a mistyped location,
  // which the page lists to fix) is left off screen: Leaflet pans to it when Tab reaches it.
  const bounds = L.latLngBounds([]);
  const near = area ? area.getBounds().pad(0.5) : null;
  if (area) bounds.extend(area.getBounds());
  const places = new Map(); // "lat,lon" -> the points there
  for (const point of data.points) {
    const key = `${point[0]},${point[1]}`;
    if (!places.has(key)) places.set(key, []);
    places.get(key).push(point);
    if (!near || near.contains([point[0], point[1]])) bounds.extend([point[0], point[1]]);
  }
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
  } else {
    map.setView([54.5, -3], 5);
  }
  const markers = L.layerGroup();
  const groups = [];
  const samePlace = container.dataset.samePlace || "{n} of {total} at the same place";
  for (const points of places.values()) {
    const group = { latlng: L.latLng(points[0][0], points[0][1]), markers: [], legs: [] };
    points.forEach(([lat, lon, sectorId, partnerId, name], index) => {
      const sector = data.sectors[sectorId];
      let title = `${name} (${sector.name})`;
      if (points.length > 1) {
        title += `, ${samePlace.replace("{n}", index + 1).replace("{total}", points.length)}`;
      }
      const marker = L.marker([lat, lon], { icon: icons[sectorId], title, alt: name, keyboard: true });
      marker.bindPopup(popupFor(data, sector, partnerId, name));
      wireKeyboard(marker);
      markers.addLayer(marker);
      group.markers.push(marker);
    });
    if (points.length > 1) {
      for (const _marker of group.markers) {
        group.legs.push(L.polyline([group.latlng, group.latlng], {
          interactive: false, className: "pb-spread-leg", color: "#505a5f", weight: 1,
        }).addTo(map));
      }
      groups.push(group);
    }
  }
  markers.addTo(map);
  spread(L, map, groups);
  map.on("zoomend", () => spread(L, map, groups));
  let openPopup = null;
  map.on("popupopen", (event) => { openPopup = event.popup; });
  map.on("popupclose", () => { openPopup = null; });
  container.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && openPopup) {
      event.preventDefault();
      map.closePopup(openPopup);
    }
  });
  container.dataset.points = String(data.points.length);
  container.dataset.outlineDrawn = area ? "yes" : "no";
}

draw();
