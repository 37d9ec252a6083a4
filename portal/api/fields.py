"""Serializer fields shared by every app's API."""

from rest_framework import serializers

from portal.downloads import download_url


class ScopedFileField(serializers.FileField):
    """An uploaded file: written as a file, read as the address of its scoped download view
    (``portal.downloads``), never as a ``/media/`` link."""

    def to_representation(self, value):
        url = download_url(value)
        if not url:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
