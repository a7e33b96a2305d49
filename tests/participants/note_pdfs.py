"""Notes verbales as real PDFs, clean or carrying active content (built with pypdf)."""

from io import BytesIO

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)


def _bytes(writer: PdfWriter) -> bytes:
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def clean_pdf() -> bytes:
    return _bytes(_writer())


def document_javascript_pdf() -> bytes:
    """Document-level JavaScript: the /Names /JavaScript tree, run when the file opens."""
    writer = _writer()
    script = _action(S=NameObject("/JavaScript"), JS=TextStringObject("app.alert('hello');"))
    tree = _action(Names=ArrayObject([TextStringObject("greeting"), writer._add_object(script)]))
    writer._root_object[NameObject("/Names")] = _action(JavaScript=writer._add_object(tree))
    return _bytes(writer)


def _action(**entries) -> DictionaryObject:
    return DictionaryObject({NameObject(f"/{key}"): value for key, value in entries.items()})


def open_action_pdf(action: DictionaryObject) -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _bytes(writer)


def javascript_open_action_pdf() -> bytes:
    return open_action_pdf(
        _action(S=NameObject("/JavaScript"), JS=TextStringObject("this.print();"))
    )


def launch_pdf() -> bytes:
    return open_action_pdf(_action(S=NameObject("/Launch"), F=TextStringObject("cmd.exe")))


def attachment_pdf() -> bytes:
    writer = _writer()
    writer.add_attachment("list.exe", b"MZ\x90\x00")
    return _bytes(writer)


def link_annotation_javascript_pdf() -> bytes:
    """JavaScript hidden in a page's link annotation, three levels below the root."""
    writer = _writer()
    annotation = _action(
        Type=NameObject("/Annot"),
        Subtype=NameObject("/Link"),
        Rect=ArrayObject([FloatObject(0), FloatObject(0), FloatObject(100), FloatObject(100)]),
        A=_action(S=NameObject("/JavaScript"), JS=TextStringObject("app.launchURL('x');")),
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


def escaped_name_javascript_pdf() -> bytes:
    """/S /J#61vaScript: the same name, written with a hex escape to slip past a byte search."""
    raw = javascript_open_action_pdf()
    return raw.replace(b"/S /JavaScript", b"/S /J#61vaScript").replace(b"/JS ", b"/J#53 ")


def encrypted_pdf() -> bytes:
    writer = _writer()
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    return _bytes(writer)
