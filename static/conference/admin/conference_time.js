'use strict';
// Every date and time in Plenary is the conference's wall time, and every date-time input says
// which zone it is in (conference.admin_mixins.ConferenceSplitDateTime). Django's calendar adds
// "You are N hours behind server time" beside every other date or time input (a birth date, a
// consent date), comparing the browser's clock with the page's zone: meaningless for a date and
// misleading for a time, so it is never shown. The "Now" and "Today" links still follow the
// page's zone (the body's data-admin-utc-offset), which is the conference's on its pages.
// Loaded with defer: after DateTimeShortcuts.js, before the load event that runs its init.
if (window.DateTimeShortcuts) {
    window.DateTimeShortcuts.addTimezoneWarning = function() {};
}
