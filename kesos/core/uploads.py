"""Uploaded files (case attachments, LKS documents, TKSK report photos): checked by their whole content,
stored under a name nobody chose, kept outside the web root and served only through permission-checked
views, under the type and extension that were detected.

- A picture (JPG, PNG) is decoded in full and written anew from its pixels: whatever rode along (an
  HTML page after the image data, EXIF with the phone's GPS position, comments) is gone, and a file that
  only starts like a picture is refused. A picture too large to decode safely is refused too.
- A PDF is parsed, every object of it, and refused when it carries JavaScript, an automatic action
  (OpenAction, AA), a Launch, an embedded file, or cannot be read. A clean PDF is kept byte for byte,
  so a signed letter stays signed.

Word and Excel files are not accepted (they never were): JPG, PNG and PDF cover photos, scans and
letters, and an Office file would need its own macro check."""

import io
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

# What the file claims to be, from its first bytes. The name and the browser's content type are whatever
# the sender says; a script renamed to .jpg still starts like a script.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)
EXTENSIONS = {content_type: extension for _, content_type, extension in SIGNATURES}
TYPE_MESSAGE = "Jenis berkas tidak diizinkan: hanya JPG, PNG atau PDF."
IMAGE_MESSAGE = "Berkas bukan gambar yang sah (JPG atau PNG)."
PDF_MESSAGE = "Berkas bukan PDF yang sah."
ACTIVE_PDF_MESSAGE = "PDF berisi skrip atau aksi otomatis dan ditolak."
LOCKED_PDF_MESSAGE = "PDF terkunci sandi tidak dapat diperiksa; unggah PDF tanpa sandi."
# A 50-megapixel phone photo passes; a few-kilobyte PNG that would unpack to gigabytes does not.
MAX_PIXELS = 64_000_000
PIXELS_MESSAGE = "Gambar terlalu besar untuk diolah: paling banyak 64 juta piksel."

# Keys that make a PDF act on its own or carry a program or another file. /OpenAction is refused when it
# is an action; as a bare destination ("open at page 1") it does nothing but scroll.
ACTIVE_PDF_KEYS = frozenset(
    {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
ACTIVE_PDF_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute", "/Rendition"}
)


def sniff(upload) -> tuple[str, str] | None:
    """(content type, extension) the file claims by its signature; None for anything else."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


class _TooLarge(Exception):
    pass


def clean_image(data: bytes, fmt: str) -> bytes:
    """The picture decoded in full and encoded anew in its own format, turned upright, without metadata.
    Raises ValueError (with the user's message) for anything that is not a whole, decodable picture."""
    from PIL import Image, ImageOps

    try:
        # Pillow's own bomb guard (Image.MAX_IMAGE_PIXELS) only warns below twice its limit; ours refuses
        # from MAX_PIXELS on, before a single pixel is decoded.
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _TooLarge
            image.load()
            # EXIF says which way is up; it is about to be dropped, so turn the pixels instead.
            upright = ImageOps.exif_transpose(image)
    except (_TooLarge, Image.DecompressionBombError) as exc:
        raise ValueError(PIXELS_MESSAGE) from exc
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on a broken file
        raise ValueError(IMAGE_MESSAGE) from exc
    out = io.BytesIO()
    if fmt == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, optimize=True)
    else:
        if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            upright = upright.convert("RGBA")
        upright.save(out, "PNG", optimize=True)
    return out.getvalue()


def pdf_problem(data: bytes) -> str | None:
    """Why a PDF is refused (the user's message), or None for a readable PDF with no script or action."""
    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    return LOCKED_PDF_MESSAGE
            except Exception:  # noqa: BLE001 - e.g. AES without a crypto library: cannot look inside
                return LOCKED_PDF_MESSAGE
        numbers = {(idnum, generation) for generation, objects in reader.xref.items() for idnum in objects}
        numbers |= {(idnum, 0) for idnum in reader.xref_objStm}
        roots = [reader.trailer]
        for idnum, generation in sorted(numbers):
            roots.append(reader.get_object(pypdf.generic.IndirectObject(idnum, generation, reader)))
        # Direct objects nested in each indirect one; references are not followed (each is in `numbers`).
        stack = [(obj, 0) for obj in roots]
        while stack:
            obj, depth = stack.pop()
            if depth > 100:
                return PDF_MESSAGE
            if isinstance(obj, DictionaryObject):
                keys = set(obj.keys())
                if keys & ACTIVE_PDF_KEYS or str(obj.get("/S", "")) in ACTIVE_PDF_ACTIONS:
                    return ACTIVE_PDF_MESSAGE
                if "/OpenAction" in keys and not isinstance(obj.get("/OpenAction"), ArrayObject):
                    return ACTIVE_PDF_MESSAGE
                stack += [(value, depth + 1) for value in obj.values()]
            elif isinstance(obj, ArrayObject):
                stack += [(value, depth + 1) for value in obj]
        if len(reader.pages) < 1:
            return PDF_MESSAGE
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        return PDF_MESSAGE
    return None


def safe_filename(name: str, extension: str) -> str:
    """The sender's file name as a harmless download name with the detected extension:
    `../Foto "rumah".html` → `Foto rumah.png`. Letters of any script stay; separators, quotes and
    control or direction characters go."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = unicodedata.normalize("NFC", stem)
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] in "LNZ" or ch in "-_.()")
    stem = re.sub(r"\s+", " ", stem).strip(" .")[:150]
    return f"{stem or 'berkas'}.{extension}"


@dataclass
class CheckedUpload:
    content_type: str
    stored_name: str  # random, with the extension the content says
    original_name: str  # the sender's name with the detected extension, for display and the download
    size: int
    content: ContentFile  # what is stored: the picture written anew, or the PDF as it came


def check_upload(upload, field: str = "upload") -> CheckedUpload:
    """Refuse an empty, oversized or disallowed file with a message on `field`; return what to store."""
    max_mb = settings.KESOS_ATTACHMENT_MAX_MB
    if upload is None or not upload.size:
        raise ValidationError({field: "Pilih berkas yang akan diunggah."})
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError({field: f"Berkas terlalu besar: maksimal {max_mb} MB."})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError({field: TYPE_MESSAGE})
    content_type, extension = kind
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if content_type == "application/pdf":
        problem = pdf_problem(data)
        if problem:
            raise ValidationError({field: problem})
    else:
        try:
            data = clean_image(data, "JPEG" if extension == "jpg" else "PNG")
        except ValueError as exc:
            raise ValidationError({field: str(exc)}) from None
    original_name = safe_filename(upload.name, extension)
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    return CheckedUpload(content_type, stored_name, original_name, len(data), ContentFile(data, name=stored_name))


def private_response(response):
    """Headers of a served private file (case attachment, LKS document, TKSK photo, report): the browser
    must not guess its type, must not run anything in it, and no cache may keep it."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


def stored_file_response(handle, stored, *, as_attachment: bool = True):
    """A stored upload's open file, with the content type that was detected at upload (anything else is
    served as bytes to save) and a download name carrying that type's extension, never the sender's."""
    from django.http import FileResponse

    content_type = stored.content_type if stored.content_type in EXTENSIONS else "application/octet-stream"
    filename = safe_filename(stored.original_name, EXTENSIONS.get(content_type, "bin"))
    # Only a picture may show in the browser; everything else is saved.
    inline = not as_attachment and content_type.startswith("image/")
    return private_response(
        FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    )


def serve_stored(stored, *, missing: str, as_attachment: bool = True):
    """A stored upload (a model with `file`, `original_name`, `content_type`) as a private download;
    404 with `missing` when the file is gone from the disk."""
    from django.http import Http404

    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    return stored_file_response(handle, stored, as_attachment=as_attachment)
