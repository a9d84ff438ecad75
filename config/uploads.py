"""Refuse an oversized request body while it is coming in, not after it has all arrived.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` counts form fields only, never files: without this, a
300 MB upload is read to the end (into a temporary file) before the form says "too large".
``REQUEST_MAX_BODY_BYTES`` is the largest request any page needs (the most evidence one report
may hold, or the largest Excel import, plus room for the form's fields).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class RequestBodyTooLarge(RequestDataTooBig):
    """The request body is larger than ``REQUEST_MAX_BODY_BYTES``.

    A ``SuspiciousOperation``: wherever it is not turned into the 413 page
    (``config.middleware.RequestSizeLimitMiddleware``), Django answers 400, never 500."""


class RequestSizeLimitUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: refuses a body whose declared length is over the limit
    before a byte of it is read, and counts the file bytes as they are read, in case a server
    hands over more than it declared. It stores nothing: the chunks go on to the next handler."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.REQUEST_MAX_BODY_BYTES
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit:
            raise RequestBodyTooLarge(f"request body of {content_length} bytes")
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestBodyTooLarge(f"request body over {self.limit} bytes")
        return raw_data

    def file_complete(self, file_size):
        return None
