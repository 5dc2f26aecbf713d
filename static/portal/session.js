// Idle logout (issue #18): when the server's idle time is up, leave the page, so health data does not stay on a
// screen left open; the server then sends the person to the login page, says why and brings them back here.
(function () {
  "use strict";
  var seconds = parseInt(document.body.getAttribute("data-idle-seconds") || "", 10);
  if (!seconds) { return; }
  window.setTimeout(function () {
    window.location.assign(window.location.pathname + window.location.search);
  }, (seconds + 5) * 1000);
})();
