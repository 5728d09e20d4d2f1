// Reload the preview when a source file of the paper is saved: the server
// answers /<id>/version with a digest of the paper's files.
(function () {
  var body = document.body;
  var url = body.getAttribute("data-version-url");
  var seen = body.getAttribute("data-version");
  if (!url) { return; }
  function poll() {
    fetch(url, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (now) {
        if (now !== seen) { window.location.reload(); }
        else { window.setTimeout(poll, 500); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 500);
})();
