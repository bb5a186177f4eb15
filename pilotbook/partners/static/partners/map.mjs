// Progressive enhancement of the partner map page: the filter form and table work without JavaScript.
// Draws the same (filtered) partners as the table from the JSON endpoint, each marker coloured and shaped
// by its sector (the SVG comes from the server, so the key, the table and the map agree).
const container = document.getElementById("partner-map");

async function draw() {
  if (!container || !window.L) return;
  const response = await fetch(container.dataset.url, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const data = await response.json();
  container.hidden = false;
  const map = window.L.map(container, { preferCanvas: true, zoomSnap: 0.5 });
  if (container.dataset.tiles) {
    window.L.tileLayer(container.dataset.tiles, {
      maxZoom: 19,
      attribution: "&copy; OpenStreetMap contributors",
    }).addTo(map);
  }
  const icons = {};
  for (const [id, sector] of Object.entries(data.sectors)) {
    icons[id] = window.L.divIcon({ html: sector.icon, className: "pb-map-marker", iconSize: [18, 18] });
  }
  const bounds = [];
  const layer = window.L.layerGroup();
  for (const [lat, lon, sectorId, partnerId, name] of data.points) {
    const sector = data.sectors[sectorId];
    const marker = window.L.marker([lat, lon], { icon: icons[sectorId], title: `${name} (${sector.name})`, alt: name });
    const link = document.createElement("a");
    link.href = data.partner_url.replace("{id}", partnerId);
    link.className = "govuk-link";
    link.textContent = name;
    const popup = document.createElement("p");
    popup.className = "govuk-body-s";
    popup.append(link, document.createElement("br"), sector.name);
    marker.bindPopup(popup);
    layer.addLayer(marker);
    bounds.push([lat, lon]);
  }
  layer.addTo(map);
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
  } else {
    map.setView([54.5, -3], 5);
  }
  container.dataset.points = String(data.points.length);
}

draw();
