"""Serializer fields shared by every app's API."""

from rest_framework import serializers

from portal.autocomplete import MAX_ID
from portal.downloads import download_url


class IdField(serializers.IntegerField):
    """A row's id: a whole number the database can compare (1 … ``MAX_ID``); a larger one is a 400, not
    an overflow in the database."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class ScopedFileField(serializers.FileField):
    """An uploaded file: written as a file, read as the address of its scoped download view
    (``portal.downloads``), never as a ``/media/`` link."""

    def to_representation(self, value):
        url = download_url(value)
        if not url:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
