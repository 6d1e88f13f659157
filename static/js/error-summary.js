// A page that comes back with "There is a problem" moves keyboard and screen-reader focus to that summary,
// so its links to each field are the next thing a person meets.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
