"""Installs core.admin_site.SuperuserAdminSite as the default admin site (``admin.site``), in
INSTALLED_APPS instead of "django.contrib.admin". Kept apart from core/apps.py: Django would
count this second AppConfig there, and this module must not import the admin site itself."""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    default_site = "normmonitor.core.admin_site.SuperuserAdminSite"
