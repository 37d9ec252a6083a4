"""Base classes of the REST API: scoped viewsets, serializers that apply model validation, and the
translation of a workflow step's Django errors into the API's 400 and 403."""

from collections.abc import Callable
from copy import copy
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.metadata import SimpleMetadata
from rest_framework.settings import api_settings
from rules.contrib.rest_framework import AutoPermissionViewSetMixin

from portal.api.fields import ScopedFileField
from portal.models import locked_fields

T = TypeVar("T")
TEXT_MAX_LENGTH = 20_000  # characters of any free text received through the API


def as_api_error(exc: DjangoValidationError | DjangoPermissionDenied) -> Exception:
    """A Django ``ValidationError`` as a 400 and a ``PermissionDenied`` as a 403, with the same messages."""
    if isinstance(exc, DjangoPermissionDenied):
        return PermissionDenied(str(exc) or None)
    return serializers.ValidationError(serializers.as_serializer_error(exc))


def run(step: Callable[[], T]) -> T:
    """Run a workflow step (the same function the pages call); its Django errors become API errors."""
    try:
        return step()
    except (DjangoValidationError, DjangoPermissionDenied) as exc:
        raise as_api_error(exc) from exc


class ModelCleanSerializer(serializers.ModelSerializer):
    """Runs the model's own ``full_clean`` (field rules, ``clean()``, constraints) so the API
    refuses exactly what the web forms refuse, with the same messages. A model's file is read as
    the address of its scoped download view."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FileField: ScopedFileField,
    }

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField) and "max_length" not in field_kwargs:
            # A text without a limit in the database still has one here: nobody posts megabytes.
            field_kwargs["max_length"] = TEXT_MAX_LENGTH
        return field_class, field_kwargs

    def validate(self, attrs):
        attrs = super().validate(attrs)
        request = self.context.get("request")
        if self.instance is not None and request is not None:
            for name in sorted(locked_fields(request.user, self.instance) & set(attrs)):
                if getattr(self.instance, name) != attrs[name]:
                    label = self.Meta.model._meta.get_field(name).verbose_name
                    raise PermissionDenied(
                        _("“%(field)s” is changed only by the supervising administrators.") % {"field": label}
                    )
        model = self.Meta.model
        many_to_many = {f.name for f in model._meta.many_to_many}
        instance = copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=many_to_many)
        except DjangoValidationError as exc:
            errors = serializers.as_serializer_error(exc)
            if NON_FIELD_ERRORS in errors:  # the API's name for them, as in DRF's own errors
                errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
            raise serializers.ValidationError(errors) from exc
        return attrs


class ScopedMetadata(SimpleMetadata):
    """The OPTIONS answer: describes POST and PUT only to a user the model's rules let add or change."""

    def determine_actions(self, request, view):
        actions = super().determine_actions(request, view)
        model = view.get_queryset().model
        if "POST" in actions and not request.user.has_perm(model.get_perm("add")):
            del actions["POST"]
        if "PUT" in actions and not request.user.has_perm(model.get_perm("change"), view.get_object()):
            del actions["PUT"]
        return actions


class ScopedModelViewSet(AutoPermissionViewSetMixin, viewsets.ModelViewSet):
    """A viewset over ``queryset.visible_to(user)``; writes must leave the object inside the
    user's scope (checked after saving, inside the transaction, so a refused write leaves nothing)."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    # OPTIONS is DRF's "metadata" action: it writes nothing, and ScopedMetadata asks the rules itself.
    permission_type_map = {**AutoPermissionViewSetMixin.permission_type_map, "metadata": None}
    metadata_class = ScopedMetadata

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        # Related objects offered for writing are those the user may see.
        fields = getattr(serializer, "fields", {})
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                target.queryset = queryset.visible_to(self.request.user)
        return serializer

    def after_save(self, instance) -> None:
        """What must happen with a create or update, after the scope check and in the same transaction
        as the save: a follow-up that fails (a record's obligations) rolls the save back with it."""

    def _save_in_scope(self, serializer):
        model = self.queryset.model
        try:
            with transaction.atomic():
                instance = serializer.save()
                if not self.request.user.has_perm(model.get_perm("change"), instance):
                    raise PermissionDenied(
                        _("You may only record this for an organisation or region in your own scope.")
                    )
                self.after_save(instance)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise as_api_error(exc) from exc
        except IntegrityError as exc:
            raise serializers.ValidationError(
                {"non_field_errors": [_("This conflicts with an existing record.")]}
            ) from exc

    def perform_create(self, serializer):
        self._save_in_scope(serializer)

    def perform_update(self, serializer):
        self._save_in_scope(serializer)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except IntegrityError as exc:  # ProtectedError and RestrictedError are IntegrityErrors
            raise serializers.ValidationError(
                {"non_field_errors": [_("This record is still in use by other records and cannot be deleted.")]}
            ) from exc


def action_map(**extra: str | None) -> dict:
    """The viewsets' rules permission per action, with the permissions of extra actions."""
    return {**ScopedModelViewSet.permission_type_map, **extra}
