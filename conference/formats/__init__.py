"""One way to write dates and times in every language the site speaks (FORMAT_MODULE_PATH).

Django's own English formats ("Dec. 1, 2026, 11:35 p.m.") sat next to our templates'
"17 March 2027"; these replace the display formats only, input formats stay Django's.
"""
