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
