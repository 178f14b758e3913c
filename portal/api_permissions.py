"""Who may do what through the API: anyone reads, organisers write (REST_FRAMEWORK's
DEFAULT_PERMISSION_CLASSES). A module of its own: DRF imports it while loading its views."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class ReadOpenWriteByModelPermission(DjangoModelPermissionsOrAnonReadOnly):
    """DRF's DjangoModelPermissionsOrAnonReadOnly, without building the viewset's queryset on a
    read only to learn its model: reading needs no permission, whoever asks. That queryset cost
    as much as the rest of a cached answer."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or super().has_permission(request, view)
