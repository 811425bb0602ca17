"""A request-level limit on uploaded files, before Django writes them to a temporary file: a
huge upload is cut off while it streams in, not after it filled the disk. The per-feature limits
(evidence: EVIDENCE_MAX_UPLOAD_BYTES) are checked again by the services."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS. Stops reading the request when one file, or the whole
    body, exceeds NORMMONITOR_MAX_UPLOAD_BYTES; the view then sees no file and
    ``request.upload_too_large`` is True."""

    def limit(self) -> int:
        return int(getattr(settings, "NORMMONITOR_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))

    too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Raised from new_file, where Django's parser handles StopUpload.
        self.too_large = bool(content_length and content_length > self.limit() + 64 * 1024)
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.too_large:
            self._refuse(reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self, reset: bool = False) -> None:
        """With ``reset`` (the declared size is already too large) the rest of the body is not
        read at all; otherwise Django reads and discards it."""
        if self.request is not None:
            self.request.upload_too_large = True
        raise StopUpload(connection_reset=reset)
