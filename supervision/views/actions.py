"""A small base for POST-only actions on one scoped object (fulfil, waive, close …)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(message for messages_ in exc.message_dict.values() for message in messages_)
    return " ".join(exc.messages)


class ObjectActionView(LoginRequiredMixin, View):
    """POST: load the object from ``visible_to``, check ``permission``, validate ``form_class``, ``act``."""

    model = None
    permission = "change"
    form_class = None
    success_message = ""
    http_method_names = ["post"]

    def get_object(self):
        obj = get_object_or_404(self.model.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        if not self.request.user.has_perm(self.model.get_perm(self.permission), obj):
            raise PermissionDenied
        return obj

    def post(self, request, pk):
        obj = self.get_object()
        form = self.form_class(request.POST, request.FILES) if self.form_class else None
        if form is not None and not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
            return redirect(self.redirect_to(obj))
        try:
            result = self.act(obj, form.cleaned_data if form else {})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect(self.redirect_to(obj))
        if self.success_message:
            messages.success(request, self.success_message)
        return redirect(self.redirect_to(result or obj))

    def act(self, obj, data):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def redirect_to(self, obj):
        return obj.get_absolute_url()
