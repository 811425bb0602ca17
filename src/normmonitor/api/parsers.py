from rest_framework.parsers import JSONParser


class MergePatchParser(JSONParser):
    """JSON Merge Patch (RFC 7396) bodies for PATCH: for our flat resources the same as JSON."""

    media_type = "application/merge-patch+json"
