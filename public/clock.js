// Keeps the emergency clocks on the staff pages running: each `.clock` holds its deadline and the
// server's time when the page was made (so a wrong phone clock does not matter), and the texts to
// show, with {h} and {m} for the hours and minutes.
(function () {
  var loaded = Date.now();
  function tick() {
    var clocks = document.querySelectorAll('.clock[data-due]');
    for (var i = 0; i < clocks.length; i++) {
      var c = clocks[i];
      var now = Number(c.getAttribute('data-now')) + (Date.now() - loaded) / 1000;
      var left = Math.round(Number(c.getAttribute('data-due')) - now);
      var abs = Math.abs(left);
      var text = c.getAttribute(left >= 0 ? 'data-left' : 'data-late') || '';
      c.textContent = text.replace('{h}', String(Math.floor(abs / 3600))).replace('{m}', String(Math.floor((abs % 3600) / 60)));
      c.classList.toggle('clock-late', left < 0);
    }
  }
  setInterval(tick, 30000);
})();
