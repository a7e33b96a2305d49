"""Active content in an uploaded PDF: JavaScript, launch actions, embedded files.

A note verbale is opened by organizers on office machines; a PDF that runs a script, starts a
program or carries another file is refused, never re-written. Re-writing without the active
parts would change a signed diplomatic document and hand the organizer something the sending
ministry never sent; refusing tells the focal point why and lets them send a clean scan.

pypdf (pure Python, BSD; already used by the tests to read our own PDFs) walks the object
graph from the document's root: every dictionary reachable from it is looked at, so an action
hidden under a page annotation, a form field, an outline item or the name tree is found. A
PDF pypdf cannot read, or one encrypted with a password, cannot be checked and is refused too.
"""

from __future__ import annotations

import logging
from typing import IO

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# A bigger graph is not a note verbale; stop rather than walk it for minutes.
MAX_OBJECTS = 200_000

JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED_FILE = "embedded_file"
UNREADABLE = "unreadable"
ENCRYPTED = "encrypted"


class PdfTooComplex(Exception):
    pass


def _findings_of(node: DictionaryObject) -> set[str]:
    found = set()
    keys = set(node.keys())
    if keys & {"/JS", "/JavaScript"}:
        found.add(JAVASCRIPT)
    action = node.get("/S")
    if action == "/JavaScript":
        found.add(JAVASCRIPT)
    if action == "/Launch":
        found.add(LAUNCH)
    if keys & {"/EmbeddedFiles", "/EmbeddedFile"} or node.get("/Type") == "/EmbeddedFile":
        found.add(EMBEDDED_FILE)
    if node.get("/Subtype") in ("/FileAttachment", "/RichMedia"):
        found.add(EMBEDDED_FILE)
    # A file specification with an embedded stream (/EF): an attachment by another road.
    if node.get("/Type") == "/Filespec" and "/EF" in keys:
        found.add(EMBEDDED_FILE)
    return found


def _walk(root) -> set[str]:
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise PdfTooComplex
        if isinstance(node, DictionaryObject):  # streams are dictionaries too
            found |= _findings_of(node)
            for name, value in node.items():
                # /Parent leads back up the page tree, already walked from the root.
                if name != NameObject("/Parent"):
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return found


def pdf_active_content(file: IO[bytes]) -> set[str]:
    """What makes ``file`` unsafe to open: a set of the constants above, empty when it is clean."""
    position = file.tell()
    file.seek(0)
    # pypdf logs every repair of a damaged file; none of them is ours to report.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            # An empty user password opens most "protected" PDFs; others cannot be checked.
            try:
                if not reader.decrypt(""):
                    return {ENCRYPTED}
            except Exception:
                return {ENCRYPTED}
        return _walk(reader.trailer)
    except PdfTooComplex:
        return {UNREADABLE}
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
        OSError,
        IndexError,
        AssertionError,
        NotImplementedError,
    ):
        return {UNREADABLE}
    finally:
        pypdf_log.setLevel(level)
        file.seek(position)
