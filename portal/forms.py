"""Form base classes."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import locked_fields


def formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


def explain_empty_choices(form: forms.BaseForm, reasons: dict) -> list[str]:
    """Where a required choice offers nothing to choose, say why, instead of letting the user meet
    "This field is required" after filling in the rest: ``reasons`` maps a field name to the
    explanation, shown under the field and gathered in ``form.empty_choices`` for the page to say
    first (and to offer no submit button)."""
    form.empty_choices = []
    for name, reason in reasons.items():
        field = form.fields.get(name)
        if field is None or not field.required:
            continue
        choices = field.widget.choices
        if isinstance(choices, list | tuple):
            empty = not any(value not in ("", None) for value, _label in choices)
        else:
            empty = not field.queryset.exists()
        if empty:
            field.help_text = reason
            form.empty_choices.append(reason)
    return form.empty_choices


def bootstrap_class(widget: forms.Widget, size: str = "") -> str:
    """Bootstrap's CSS class for a widget: form-check-input, form-select or form-control
    (with ``size`` "sm" or "lg": form-select-sm, form-control-sm ...)."""
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):  # RadioSelect: also CheckboxSelectMultiple
        return "form-check-input"
    base = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
    return f"{base} {base}-{size}" if size else base


def styled(form: forms.BaseForm, size: str = "") -> forms.BaseForm:
    """Bootstrap's classes on a form's widgets (check boxes, also a list of them, as check boxes; ``size``
    "sm" for a compact form); a class a field sets itself is kept."""
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", bootstrap_class(field.widget, size))
    return form


class StyledForm(forms.Form):
    """A plain form whose fields are drawn with Bootstrap's classes, like the model forms'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class ScopedModelForm(forms.ModelForm):
    """A model form whose choices of related objects are limited to what the user may see."""

    class Meta:
        formfield_callback = formfield

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name in locked_fields(user, self.instance) & set(self.fields):
            self.fields[name].disabled = True  # a posted value is ignored
            self.fields[name].help_text = _("Changed only by the supervising administrators.")
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
            field.widget.attrs.setdefault("class", bootstrap_class(field.widget))
            if isinstance(field.widget, forms.Textarea) and field.widget.attrs.get("rows") == "10":
                field.widget.attrs["rows"] = "4"  # Django's default of 10 rows dwarfs the other fields.
