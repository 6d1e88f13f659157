// The word count under an answer with a word limit. It counts as the server does
// (nalw/awards/words.py): a word is a run of characters between separators holding at least
// one letter or digit. The server decides; this only tells the person as they type.
(function () {
  "use strict";

  var SEPARATORS = /[\t\n\x0b\x0c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/;
  var LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

  function countWords(text) {
    return (text || "").split(SEPARATORS).filter(function (run) {
      return LETTER_OR_DIGIT.test(run);
    }).length;
  }

  window.nalwCountWords = countWords;

  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var counter = document.getElementById(area.id + "-word-count");
    if (!counter) {
      return;
    }
    function show() {
      var words = countWords(area.value);
      var over = words - limit;
      counter.textContent = over > 0
        ? words + " words: " + over + " over the limit of " + limit
        : words + " of " + limit + " words";
      counter.classList.toggle("text-danger", over > 0);
    }
    area.addEventListener("input", show);
    show();
  });
})();
