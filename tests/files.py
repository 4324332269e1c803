"""Files for upload tests, made here rather than shipped: real pictures and PDFs, and the tampered kinds an
attacker would send (a picture with a web page behind it, a PDF that runs a script when opened)."""

import io
import struct
import zlib


def png_bytes() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def hand_pdf(*, catalog_extra: bytes = b"", objects: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF written by hand with a correct cross-reference table. `catalog_extra` goes into the
    document catalog (object 1); `objects` become objects 4, 5, … (e.g. an action dictionary)."""
    bodies = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


PDF = hand_pdf()
# Opens, and at once runs JavaScript: the classic malicious attachment.
SCRIPT_PDF = hand_pdf(catalog_extra=b"/OpenAction 4 0 R", objects=(b"<</S/JavaScript/JS(app.alert('x'))>>",))


def reportlab_pdf(text: str = "Surat keterangan") -> bytes:
    """A clean PDF as an office program makes one."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def jpeg_with_gps(size=(40, 30)) -> bytes:
    """A phone photo: a JPEG whose EXIF holds the GPS position where it was taken."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Telepon Uji"  # Make
    exif[0x8825] = {1: "S", 2: (3.0, 27.0, 26.0), 3: "E", 4: (114.0, 50.0, 2.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
