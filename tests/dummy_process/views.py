"""Views of the dummy process: permission asked once, state changed by the service."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from civitas.core.errors import DomainError
from civitas.core.text import validate_clean_text

from .models import DummyProcessPage
from .services import note_submit


class NoteForm(forms.Form):
    text = forms.CharField(max_length=2000, validators=[validate_clean_text], widget=forms.Textarea)


def submit_note(request, page_id):
    process = get_object_or_404(DummyProcessPage.objects.live(), pk=page_id)
    if not request.user.has_perm("dummy_process.submit_note", process):
        raise PermissionDenied
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note_submit(process=process, author=request.user, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Thank you, your note was received.")
            return redirect(process.url)
    status = 400 if form.errors else 200
    return render(
        request, "civitas/form.html", {"form": form, "title": "Add a note"}, status=status
    )
