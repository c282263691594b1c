"""Validation of clip requests (the JSON API and the page's form share it)."""

import math

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .media import timecode
from .media.frames import frame_range
from .models import Clip, Rendition, Video


class TimeField(forms.Field):
    """Seconds as a JSON number, or a timecode string (HH:MM:SS.mmm / HH:MM:SS:FF)."""

    default_error_messages = {
        "required": gettext_lazy("Give both an in and an out point."),
        "invalid": gettext_lazy("Times must be numbers of seconds or timecodes such as 00:01:02.500."),
        "negative": gettext_lazy("Times cannot be negative."),
    }

    def __init__(self, *args, fps=None, **kwargs):
        self.fps = fps
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, str):
            try:
                seconds = float(timecode.parse(value, self.fps))
            except ValueError:
                try:
                    seconds = float(value)
                except ValueError:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        elif isinstance(value, int | float):
            try:
                seconds = float(value)
            except OverflowError:  # a JSON integer with hundreds of digits
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not math.isfinite(seconds):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if seconds < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        return seconds


class ClipRequestForm(forms.Form):
    start = TimeField()
    end = TimeField()
    rendition = forms.CharField(required=False)
    format = forms.CharField(required=False)

    def __init__(self, data, *, video: Video):
        self.video = video
        renditions = {r.kind: r for r in video.renditions.all()}
        self.renditions = renditions
        super().__init__(data)
        master = renditions.get(Rendition.Kind.MASTER)
        fps = master.fps if master and master.frame_rate else None
        self.fields["start"].fps = self.fields["end"].fps = fps

    def clean_rendition(self):
        value = self.cleaned_data.get("rendition")
        kind = str(value or Rendition.Kind.MASTER)
        rendition = self.renditions.get(kind)
        if rendition is None or not rendition.frame_rate:
            raise forms.ValidationError(_("Unknown rendition: choose one of the versions listed on the page."))
        return rendition

    def clean_format(self):
        value = self.cleaned_data.get("format") or Clip.Format.MASTER
        if value not in Clip.Format.values:
            raise forms.ValidationError(_("Unknown format: choose “master” or “mp4”."))
        return value

    def clean(self):
        data = super().clean()
        start, end, rendition = data.get("start"), data.get("end"), data.get("rendition")
        if start is None or end is None or rendition is None:
            return data
        if end <= start:
            raise forms.ValidationError(_("The out point must come after the in point."))
        duration = rendition.duration or 0
        if end > duration + 1e-6:
            raise forms.ValidationError(
                _("The out point is past the end of the video (%(duration)s).")
                % {"duration": timecode.format_millis(duration)}
            )
        if end - start > settings.CLIP_MAX_SECONDS:
            raise forms.ValidationError(
                _("Clips can be at most %(max)s long.") % {"max": timecode.format_millis(settings.CLIP_MAX_SECONDS)}
            )
        # The one place a request in seconds becomes frames; from here on the
        # service, the task and the engine pass frame numbers.
        first, last = frame_range(rendition.fps, start, end)
        if last <= first:
            raise forms.ValidationError(_("The clip must hold at least one frame."))
        data["first_frame"], data["end_frame"] = first, last
        return data

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return _("Invalid request.")
