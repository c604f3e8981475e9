/* On a narrow screen the sections bar is one row that scrolls sideways:
 * bring the current section into view, so a reader sees where they are
 * without swiping (a section far along the row was off screen). */
(function () {
  'use strict';
  var cur = document.querySelector('.site-nav [aria-current]');
  var bar = cur && cur.closest('ul');
  if (!bar || bar.scrollWidth <= bar.clientWidth) return;
  var at = cur.getBoundingClientRect().left - bar.getBoundingClientRect().left + bar.scrollLeft;
  bar.scrollLeft = Math.max(0, at - (bar.clientWidth - cur.offsetWidth) / 2);
})();

/* A table wider than the screen scrolls sideways: the shadow at its edge
 * was easy to miss on a phone, and a column cut mid-word looked like the
 * end.  Say so above it, and let the keyboard scroll it (it takes focus,
 * described by the hint: a screen reader says why it stops there). */
(function () {
  'use strict';
  function mark() {
    var tables = document.querySelectorAll('main table');
    for (var i = 0; i < tables.length; i++) {
      var t = tables[i], hint = t.previousElementSibling;
      var has = hint && hint.className === 'table-hint';
      var wide = t.scrollWidth > t.clientWidth + 1;
      if (wide && !has) {
        hint = document.createElement('p');
        hint.className = 'table-hint';
        hint.id = 'table-hint-' + i;
        hint.textContent = 'Scroll the table sideways to see all of it \u2192';
        t.parentNode.insertBefore(hint, t);
        t.setAttribute('tabindex', '0');
        t.setAttribute('aria-describedby', hint.id);
      } else if (!wide && has) {
        hint.parentNode.removeChild(hint);
        t.removeAttribute('tabindex');
        t.removeAttribute('aria-describedby');
      }
    }
  }
  mark();
  var timer;
  window.addEventListener('resize', function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
})();

/* Folded parts of a page print whole (style.css); a browser that cannot
 * show them by a style alone has them opened for the print. */
(function () {
  'use strict';
  if (window.CSS && CSS.supports && CSS.supports('selector(::details-content)')) return;
  var opened = [];
  window.addEventListener('beforeprint', function () {
    var closed = document.querySelectorAll('details:not([open])');
    for (var i = 0; i < closed.length; i++) { closed[i].open = true; opened.push(closed[i]); }
  });
  window.addEventListener('afterprint', function () {
    for (var i = 0; i < opened.length; i++) opened[i].open = false;
    opened = [];
  });
})();
