"""Give every Django form Bootstrap classes and ARIA error links, in one place."""

from django import forms


class BootstrapFormMixin:
    """Mixin for forms: Bootstrap classes on widgets, `is-invalid` and aria-invalid on bad fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def add_error(self, field, error):
        # Also reached for errors a service reports after validation, so mark the widget here.
        super().add_error(field, error)
        for name in list(self.errors):
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
            widget.attrs["aria-invalid"] = "true"
            auto_id = self[name].auto_id
            described = [f"{auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{auto_id}_helptext")
            widget.attrs["aria-describedby"] = " ".join(described)


def apply_errors(form: forms.Form, exc) -> None:
    """Show an ApplicationError's field messages on the form (unknown fields go to the top)."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
