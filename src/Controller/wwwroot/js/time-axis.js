// Places the time labels under a node page's charts at their instants. The server writes each label's position as
// data-left ("12.5%"); the Content-Security-Policy refuses style attributes in the markup, but not styles a script
// of this origin sets, so the position is set here and the axis marked "placed" (site.css spreads the labels evenly
// until then).
(function () {
  "use strict";
  document.querySelectorAll(".time-axis").forEach(function (axis) {
    axis.querySelectorAll("time[data-left]").forEach(function (label) {
      label.style.left = label.getAttribute("data-left");
    });
    axis.classList.add("placed");
  });
})();
