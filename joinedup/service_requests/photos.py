"""Checking an uploaded photo and making the copy that is published.

A photo must be a JPEG, PNG or WebP image no bigger than SERVICE_REQUESTS_PHOTO_MAX_BYTES
and MAX_PIXELS. The published copy is drawn from the pixels only, turned upright by its
EXIF orientation and shrunk to at most PUBLISHED_MAX_SIDE pixels, then saved as a new JPEG
with no metadata at all: the GPS position, camera and time a phone writes into a photo
stay in the original, which only officers see.

Files are written to storage inside the report's transaction; `atomic_with_files`
deletes them again if that transaction fails, so a report that was never stored leaves
no photos behind."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 3
MAX_PIXELS = 40_000_000
PUBLISHED_MAX_SIDE = 2048
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}

logger = logging.getLogger(__name__)


class PhotoError(ValueError):
    """A photo we cannot accept, said to the resident as is."""


@dataclass(frozen=True)
class PreparedPhoto:
    original: bytes
    original_type: str
    original_extension: str
    published: bytes
    width: int
    height: int


@dataclass
class SavedFiles:
    """The files a transaction has put in storage so far (see `atomic_with_files`)."""

    files: list[tuple[Storage, str]] = field(default_factory=list)
    committed: bool = False

    def add(self, storage: Storage, name: str | None) -> None:
        if name:
            self.files.append((storage, name))

    def mark_committed(self) -> None:
        self.committed = True

    def delete_all(self) -> None:
        for storage, name in self.files:
            try:
                storage.delete(name)
            except Exception:  # one file that will not go must not keep the others
                logger.exception("Could not delete %s after a failed write", name)
        self.files.clear()


@contextmanager
def atomic_with_files() -> Iterator[SavedFiles]:
    """`transaction.atomic()` for a write that also saves files: record each file saved
    inside the block with `saved.add(field_file.storage, field_file.name)`. If the block
    fails, or its commit does, the transaction rolls back and the files are deleted
    before the error goes on; once the transaction has committed (seen by an `on_commit`
    hook, the first registered) they are kept whatever fails later.

        with atomic_with_files() as saved:
            photo.original.save(name, content, save=False)
            saved.add(photo.original.storage, photo.original.name)

    Inside a caller's transaction the block is a savepoint: its own failure removes its
    files, but a rollback of the caller's transaction after the block has ended is not
    seen. The report pages and the Open311 API call the service outside any."""
    saved = SavedFiles()
    try:
        with transaction.atomic():
            transaction.on_commit(saved.mark_committed)
            yield saved
    except BaseException:
        if not saved.committed:
            saved.delete_all()
        raise


def max_bytes() -> int:
    return int(getattr(settings, "SERVICE_REQUESTS_PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def prepare_photo(upload: UploadedFile) -> PreparedPhoto:
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise PhotoError(
            _("%(name)s is bigger than %(mb)s MB. Choose a smaller photo.")
            % {"name": (upload.name or "")[:80], "mb": limit // (1024 * 1024)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PhotoError(
            _("%(name)s is bigger than %(mb)s MB. Choose a smaller photo.")
            % {"name": (upload.name or "")[:80], "mb": limit // (1024 * 1024)}
        )
    return prepare_photo_bytes(data, name=upload.name or "")


def prepare_photo_bytes(data: bytes, *, name: str = "") -> PreparedPhoto:
    not_a_photo = PhotoError(
        _("%(name)s is not a photo we can use. Choose a JPEG, PNG or WebP image.")
        % {"name": name[:80] or _("The file")}
    )
    with warnings.catch_warnings():
        # Pillow warns (and past twice the limit, refuses) on decompression bombs.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format or ""
                width, height = probe.size
                probe.verify()
            if kind not in FORMATS:
                raise not_a_photo
            if width * height > MAX_PIXELS:
                raise PhotoError(
                    _("%(name)s has too many pixels. Choose a smaller photo.")
                    % {"name": name[:80] or _("The file")}
                )
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                published = _published_copy(upright)
        except PhotoError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_a_photo from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(
                _("%(name)s has too many pixels. Choose a smaller photo.")
                % {"name": name[:80] or _("The file")}
            ) from None
    content_type, extension = FORMATS[kind]
    return PreparedPhoto(
        original=data,
        original_type=content_type,
        original_extension=extension,
        published=published[0],
        width=published[1],
        height=published[2],
    )


def _published_copy(image: Image.Image) -> tuple[bytes, int, int]:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((PUBLISHED_MAX_SIDE, PUBLISHED_MAX_SIDE))
    # A fresh image holds pixels only: no EXIF, XMP or ICC data is carried over.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), clean.width, clean.height
