"""The CSV framework every app's exports and imports share.

- ``base``: the ``Export`` base class, the streaming writer, formula safety.
- ``registry``: exports and imports register here, from their own app's ``exports.py``
  (imported by the app's ``AppConfig.ready``); the admin and ``export_csv`` read it.
- ``reader``: decoding a spreadsheet's CSV (or an .xlsx workbook's first sheet, as CSV text)
  and matching its header to known columns.
- ``xlsx``: every export as an Excel workbook with typed cells, from the same rows.
- ``http`` and ``admin``: the streamed download, the admin Exports page and actions.

To add an export: subclass ``base.Export`` in your app's ``exports.py``, decorate it with
``registry.register`` and document its columns in ``docs/csv.md``.
No app's columns live in this package.
"""
