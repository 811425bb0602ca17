"""Django's own admin (mounted at /beheer/django/) is for superusers only.

Its default site lets in every active staff account; a staff flag set for some other reason
(or by mistake) must not open raw access to every table. Day-to-day management is the
application's own /beheer/ pages, under the access policy."""

from django.contrib import admin
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_superuser
