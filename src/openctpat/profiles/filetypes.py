"""What an evidence upload really is, decided from its bytes (pure Python, no Django).

The name's extension must agree with the content: a PNG named ``policy.pdf`` is refused,
as is anything that is not a document, image or plain text.
"""

from dataclasses import dataclass

import filetype

# detected kind -> (content type served, extensions a name may carry, label)
ALLOWED = {
    "pdf": ("application/pdf", {"pdf"}, "PDF document"),
    "png": ("image/png", {"png"}, "PNG image"),
    "jpg": ("image/jpeg", {"jpg", "jpeg"}, "JPEG image"),
    "gif": ("image/gif", {"gif"}, "GIF image"),
    "webp": ("image/webp", {"webp"}, "WebP image"),
    "heic": ("image/heic", {"heic", "heif"}, "HEIC photo"),
    "tif": ("image/tiff", {"tif", "tiff"}, "TIFF image"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {"docx"},
        "Word document",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        {"xlsx"},
        "Excel workbook",
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        {"pptx"},
        "PowerPoint presentation",
    ),
    "doc": ("application/msword", {"doc"}, "Word 97-2003 document"),
    "xls": ("application/vnd.ms-excel", {"xls"}, "Excel 97-2003 workbook"),
    "ppt": ("application/vnd.ms-powerpoint", {"ppt"}, "PowerPoint 97-2003 presentation"),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt"}, "OpenDocument text"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods"}, "OpenDocument sheet"),
    "csv": ("text/csv", {"csv"}, "CSV file"),
    "txt": ("text/plain", {"txt", "text", "log", "md"}, "text file"),
}
ACCEPTED_DESCRIPTION = "PDF, images (PNG, JPEG, GIF, WebP, HEIC, TIFF), Office files, CSV or text"
# How much of the file the check reads: enough for the Office formats' zip directory.
HEAD_BYTES = 64 * 1024


class RefusedFile(ValueError):
    pass


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str
    label: str


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the head is still text
        if exc.start < len(head) - 3:
            return False
    return True


def sniff(head: bytes, name: str) -> Sniffed:
    """Classify a file from its first bytes; raise RefusedFile with a reason a user can act on."""
    if not head:
        raise RefusedFile("The file is empty.")
    ext = _extension(name)
    guess = filetype.guess(head)
    if guess is not None:
        kind = guess.extension
        if kind not in ALLOWED:
            raise RefusedFile(
                f"This file's content is {guess.mime}, which the evidence library does not "
                f"take. Accepted: {ACCEPTED_DESCRIPTION}."
            )
    elif _is_text(head):
        kind = "csv" if ext == "csv" else "txt"
    else:
        raise RefusedFile(
            f"This file's content is not a recognised document type. Accepted: "
            f"{ACCEPTED_DESCRIPTION}."
        )
    content_type, extensions, label = ALLOWED[kind]
    if ext not in extensions:
        shown = f".{ext}" if ext else "no extension"
        raise RefusedFile(
            f"The file's content is a {label} but its name has {shown}; "
            f"rename it to end in .{sorted(extensions)[0]} and upload it again."
        )
    return Sniffed(kind, content_type, label)
