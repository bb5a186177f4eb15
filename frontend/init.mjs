// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "./govuk-frontend.min.js";
initAll();

// A table that does not fit its column (a tablet, a narrow column, zoom) shows as stacked, labelled rows, as the
// stylesheet already shows every table on a phone (.pb-stack in frontend/scss/pilotbook.scss). Measured again
// whenever the column's width changes.
const stackIfTooWide = (wrapper) => {
  wrapper.classList.remove("pb-stack--stacked");
  const table = wrapper.querySelector("table");
  if (table && table.getBoundingClientRect().width > wrapper.clientWidth + 1) {
    wrapper.classList.add("pb-stack--stacked");
  }
};
const tableWrappers = document.querySelectorAll(".pb-stack");
if (tableWrappers.length && "ResizeObserver" in window) {
  const widths = new WeakMap();
  const observer = new ResizeObserver((entries) => {
    for (const { target } of entries) {
      if (widths.get(target) !== target.clientWidth) {
        widths.set(target, target.clientWidth);
        stackIfTooWide(target);
      }
    }
  });
  tableWrappers.forEach((wrapper) => observer.observe(wrapper));
}
