/* Dash 4's dcc.Dropdown puts an aria-hidden, focusable input in front of its button and moves
   focus from one to the other; screen readers then meet a focusable element they cannot see
   (axe: aria-hidden-focus). Here the button itself (it carries the id the <label> points at)
   takes the keyboard focus and the hidden input leaves the tab order. */
(function () {
  function fix(root) {
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(function (input) {
      if (input.getAttribute("tabindex") !== "-1") { input.setAttribute("tabindex", "-1"); }
      var button = input.nextElementSibling;
      if (button && button.tagName === "BUTTON" && !button.disabled && button.getAttribute("tabindex") !== "0") {
        button.setAttribute("tabindex", "0");
      }
    });
  }
  var observer = new MutationObserver(function () { fix(document); });
  function start() {
    fix(document);
    observer.observe(document.body, {subtree: true, childList: true, attributes: true,
                                     attributeFilter: ["tabindex"]});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
