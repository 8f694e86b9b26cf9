// leakward HTML report: filters and search over rows the page already holds. It only shows and
// hides elements: it never builds HTML from text, so nothing from the scan can become markup.
"use strict";
(() => {
  const files = Array.from(document.querySelectorAll("section.file"));
  // Each row's attributes are read once; a change touches only the rows whose state flips, so
  // a report of thousands of findings stays responsive.
  const rows = files.flatMap((file, index) =>
    Array.from(file.querySelectorAll("tr.finding"), (element) => ({
      element, file: index, data: { ...element.dataset }, shown: true,
    })),
  );
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
    const perFile = new Array(files.length).fill(0);
    let count = 0;
    for (const row of rows) {
      let keep = true;
      for (const [field, values] of groups) {
        if (!values.has(row.data[field])) { keep = false; break; }
      }
      const text = row.data.search || "";
      keep = keep && words.every((word) => text.includes(word));
      if (keep !== row.shown) {
        row.element.hidden = !keep;
        row.shown = keep;
      }
      if (keep) { count += 1; perFile[row.file] += 1; }
    }
    files.forEach((file, index) => {
      const hide = perFile[index] === 0;
      if (file.hidden !== hide) file.hidden = hide;
    });
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
