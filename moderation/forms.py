from django import forms

from .models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose a reason."},
    )
