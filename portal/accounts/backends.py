"""Logging in, and where rights come from.

Every right is a rule of its model (``rules``' ``ObjectPermissionBackend``, listed before this backend),
scoped to the user's region, vendor or platform. Django's per-user and per-group permissions would be
rights outside that scope that no rule shows and no test checks: they are not read here, and the user
admin does not offer them.
"""

from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Django's ``ModelBackend`` for the user name and password (and ``is_active``), granting nothing."""

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False
