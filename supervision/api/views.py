from portal.api.base import ScopedModelViewSet
from supervision import filters
from supervision.api import serializers
from supervision.models import Authority, BusinessDomain, CAVendor, Contact, Platform, Region


class RegionViewSet(ScopedModelViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilterSet


class AuthorityViewSet(ScopedModelViewSet):
    queryset = Authority.objects.select_related("region")
    serializer_class = serializers.AuthoritySerializer
    filterset_class = filters.AuthorityFilterSet


class BusinessDomainViewSet(ScopedModelViewSet):
    queryset = BusinessDomain.objects.all()
    serializer_class = serializers.BusinessDomainSerializer


class PlatformViewSet(ScopedModelViewSet):
    queryset = Platform.objects.select_related("region").prefetch_related("domains")
    serializer_class = serializers.PlatformSerializer
    filterset_class = filters.PlatformFilterSet


class CAVendorViewSet(ScopedModelViewSet):
    queryset = CAVendor.objects.all()
    serializer_class = serializers.CAVendorSerializer
    filterset_class = filters.CAVendorFilterSet


class ContactViewSet(ScopedModelViewSet):
    queryset = Contact.objects.all()
    serializer_class = serializers.ContactSerializer
    filterset_class = filters.ContactFilterSet
