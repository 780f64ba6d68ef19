// Accessibility fixes the theme does not make itself: a name for the search dialog, wide
// tables that scroll sideways can be reached and scrolled with the keyboard, and every
// landmark has a name of its own.
function coprodAccessibility() {
  const search = document.querySelector(".md-search");
  if (search) search.setAttribute("aria-label", "Search");
  document.querySelectorAll(".md-typeset__scrollwrap").forEach((wrap, i) => {
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", `Table ${i + 1} (scroll sideways to see every column)`);
  });
  document.querySelectorAll(".md-code__nav").forEach((nav, i) => {
    nav.setAttribute("aria-label", `Code block ${i + 1} actions`);
  });
}
if (typeof document$ !== "undefined") {
  document$.subscribe(coprodAccessibility);
} else {
  document.addEventListener("DOMContentLoaded", coprodAccessibility);
}
