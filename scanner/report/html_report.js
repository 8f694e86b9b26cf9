// leakward HTML report: filters and search over rows the page already holds. It only shows and
// hides elements: it never builds HTML from text, so nothing from the scan can become markup.
"use strict";
(() => {
  const rows = Array.from(document.querySelectorAll("tr.finding"));
  const files = Array.from(document.querySelectorAll("section.file"));
  const boxes = Array.from(document.querySelectorAll("input[data-filter]"));
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");
  const noMatch = document.getElementById("no-match");
  if (!search || !shown) return;

  function wanted() {
    const groups = new Map();
    for (const box of boxes) {
      if (!groups.has(box.dataset.filter)) groups.set(box.dataset.filter, new Set());
      if (box.checked) groups.get(box.dataset.filter).add(box.value);
    }
    return groups;
  }

  function apply() {
    const groups = wanted();
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let count = 0;
    for (const row of rows) {
      let keep = true;
      for (const [field, values] of groups) {
        if (!values.has(row.dataset[field])) { keep = false; break; }
      }
      const text = row.dataset.search || "";
      keep = keep && words.every((word) => text.includes(word));
      row.hidden = !keep;
      if (keep) count += 1;
    }
    for (const file of files) {
      file.hidden = !file.querySelector("tr.finding:not([hidden])");
    }
    shown.textContent = `Showing ${count} of ${rows.length} findings`;
    if (noMatch) noMatch.hidden = count > 0 || rows.length === 0;
  }

  for (const box of boxes) box.addEventListener("change", apply);
  search.addEventListener("input", apply);
  const reset = document.getElementById("reset");
  if (reset) {
    reset.addEventListener("click", () => {
      search.value = "";
      for (const box of boxes) box.checked = true;
      apply();
    });
  }
  apply();
})();
