"""The one style for POST actions on one scoped object (fulfil, waive, submit, accept, delete …).

An action loads its object from ``Model.objects.visible_to(user)`` (so an object out of scope is a
404), checks the rules permission named by ``permission``, validates ``form_class``, calls ``act``,
reports the outcome as a message and redirects. A ``ValidationError`` from ``act`` becomes an error
message, not a page: the object is left as it was.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View


def error_text(exc: ValidationError) -> str:
    """All messages of a ``ValidationError`` (field errors included) as one line."""
    if hasattr(exc, "error_dict"):
        return " ".join(message for messages_ in exc.message_dict.values() for message in messages_)
    return " ".join(exc.messages)


class ObjectActionView(LoginRequiredMixin, View):
    """POST: load the object from ``visible_to``, check ``permission``, validate ``form_class``, ``act``.

    ``permission`` is a rules permission name (``"change"``, ``"delete"``, ``"approve"`` …) checked
    against the object, or ``None`` when ``act`` checks it itself (a workflow that locks the row
    first). ``invalid_message`` replaces the fields' errors of an invalid form with one message.
    Override ``succeeded`` for a message that depends on the result, ``form_invalid`` for another
    way of reporting errors, and ``respond`` for a response other than a redirect (HTMX).
    """

    model = None
    permission: str | None = "change"
    form_class = None
    select_related: tuple[str, ...] = ()
    success_message = ""
    invalid_message = ""  # one message for an invalid form, instead of each field's errors
    http_method_names = ["post"]

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_object(self):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if self.permission and not self.request.user.has_perm(self.model.get_perm(self.permission), obj):
            raise PermissionDenied
        return obj

    def get_form(self, obj):
        if self.form_class is None:
            return None
        return self.form_class(self.request.POST, self.request.FILES)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form = self.get_form(obj)
        if form is not None and not form.is_valid():
            return self.form_invalid(obj, form)
        try:
            result = self.act(obj, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return self.respond(obj)
        self.succeeded(result or obj)
        return self.respond(result or obj)

    def act(self, obj, data):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def form_invalid(self, obj, form):
        if self.invalid_message:
            messages.error(self.request, self.invalid_message)
            return self.respond(obj)
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(self.request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
        return self.respond(obj)

    def succeeded(self, obj) -> None:
        if self.success_message:
            messages.success(self.request, self.success_message)

    def respond(self, obj):
        return redirect(self.redirect_to(obj))

    def redirect_to(self, obj):
        return obj.get_absolute_url()
