"""Media in S3-compatible object storage (django-storages), with the headers of ops/media.py."""

from storages.backends.s3 import S3Storage

from . import media


class MediaStorage(S3Storage):
    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        content_type = media.content_type(name)
        if content_type:
            params["ContentType"] = content_type
        else:
            params["ContentType"] = media.DOWNLOAD_TYPE
            params["ContentDisposition"] = "attachment"
        params.setdefault("CacheControl", media.cache_control(name))
        return params
