'use strict';
// On a form with a conference field, the autocompletes ask only for the rows of the chosen
// conference, even before the form is saved (conference.admin_mixins.SameConferenceChoicesMixin).
{
    const $ = django.jQuery;
    $.ajaxPrefilter(function(options) {
        const conference = document.getElementById('id_conference');
        if (!conference || !conference.value || !String(options.url).includes('/autocomplete/')) {
            return;
        }
        const url = new URL(options.url, window.location.href);
        url.searchParams.set('conference', conference.value);
        options.url = url.pathname + url.search;
    });
}
