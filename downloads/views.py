from django.shortcuts import get_object_or_404, render

from .models import Video


def video_list(request):
    videos = Video.objects.filter(is_published=True, status=Video.Status.READY)[:50]
    return render(request, "downloads/video_list.html", {"videos": videos})


def video_detail(request, slug):
    video = get_object_or_404(Video, slug=slug, is_published=True)
    return render(request, "downloads/video_detail.html", {"video": video})
