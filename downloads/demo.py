"""Demo videos for `seed_demo`, generated on the spot with PyAV: a moving
picture with burnt-in timecode and frame number, and a tone. One master is
not browser-playable (MPEG-4 Part 2 and MP3 in Matroska), so the web proxy path
runs too."""

import datetime
import tempfile
from fractions import Fraction
from pathlib import Path

from django.core.files import File

from . import services
from .media.synth import Spec, make_video
from .models import Video

DEMO_VIDEOS = [
    {
        "slug": "demo-summit-arrivals",
        "title": "Leaders arrive at the summit venue",
        "summary": "Delegations arrive at the conference centre on the first morning of the summit.",
        "shot_list": "00:00:00 Wide shot, motorcade approaching\n00:00:06 Medium shot, delegation leaving the cars\n00:00:12 Close-up, flags at the entrance",
        "recorded_at": "Brussels",
        "title_fr": "Les dirigeants arrivent sur le lieu du sommet",
        "summary_fr": "Les délégations arrivent au centre de conférences le premier matin du sommet.",
        "shot_list_fr": "00:00:00 Plan large, le cortège approche\n00:00:06 Plan moyen, la délégation sort des voitures\n00:00:12 Gros plan, drapeaux à l’entrée",
        "recorded_at_fr": "Bruxelles",
        "recorded_on": datetime.date(2026, 11, 20),
        "spec": Spec(
            width=1280, height=720, fps=Fraction(25), seconds=12, gop=25, bframes=2, preset="veryfast", crf=22
        ),
        "filename": "summit-arrivals.mp4",
    },
    {
        "slug": "demo-press-conference",
        "title": "Press conference after the ministerial meeting",
        "summary": "The spokesperson answers questions from the press after the meeting of ministers.",
        "shot_list": "00:00:00 Wide shot of the press room\n00:00:05 Spokesperson at the podium",
        "recorded_at": "Brussels",
        "title_fr": "Conférence de presse après la réunion ministérielle",
        "summary_fr": "Le porte-parole répond aux questions de la presse après la réunion des ministres.",
        "shot_list_fr": "00:00:00 Plan large de la salle de presse\n00:00:05 Le porte-parole au pupitre",
        "recorded_at_fr": "Bruxelles",
        "recorded_on": datetime.date(2026, 11, 21),
        "spec": Spec(
            width=1920, height=1080, fps=Fraction(30), seconds=6, gop=60, bframes=2, preset="veryfast", crf=22
        ),
        "filename": "press-conference.mp4",
    },
    {
        "slug": "demo-harbour-exercise",
        "title": "Maritime exercise in the harbour (archive master)",
        "summary": "Archive footage of a search-and-rescue exercise, supplied as a Matroska (MPEG-4 Part 2) master; the web version is made automatically.",
        "shot_list": "00:00:00 Ships leaving the harbour\n00:00:04 Rescue boat alongside",
        "recorded_at": "Toulon",
        "title_fr": "Exercice maritime dans le port (master d’archive)",
        "summary_fr": "Images d’archive d’un exercice de recherche et de sauvetage, fournies en master Matroska (MPEG-4 Part 2) ; la version web est faite automatiquement.",
        "shot_list_fr": "00:00:00 Des navires quittent le port\n00:00:04 Le canot de sauvetage le long du bord",
        "recorded_at_fr": "Toulon",
        "recorded_on": datetime.date(2026, 10, 2),
        "spec": Spec(
            width=640,
            height=360,
            fps=Fraction(25),
            seconds=8,
            gop=50,
            video_codec="mpeg4",
            audio_codec="libmp3lame",
            container="matroska",
        ),
        "filename": "harbour-exercise.mkv",
    },
]

USAGE_TERMS = (
    "Free of charge for news, current affairs and documentary use, in any medium, with the credit shown. "
    "Not for advertising or to suggest endorsement."
)
USAGE_TERMS_FR = (
    "Libre de droits pour l’information, l’actualité et le documentaire, sur tout support, avec la mention "
    "indiquée. Interdit en publicité ou pour suggérer un soutien."
)


def seed(stdout=None) -> None:
    for spec in DEMO_VIDEOS:
        if Video.objects.filter(slug=spec["slug"]).exists():
            # Seeded before videos had French texts: add them, keep any edit.
            Video.objects.filter(slug=spec["slug"], title_fr="").update(
                **{name: spec[name] for name in ("title_fr", "summary_fr", "shot_list_fr", "recorded_at_fr")},
                credits_fr="Service vidéo de Media Portal",
                usage_terms_fr=USAGE_TERMS_FR,
            )
            continue
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / spec["filename"]
            make_video(path, spec["spec"], title=spec["title"])
            with path.open("rb") as handle:
                services.video_create(
                    title=spec["title"],
                    slug=spec["slug"],
                    summary=spec["summary"],
                    publish=True,
                    master=File(handle, name=spec["filename"]),
                    shot_list=spec["shot_list"],
                    recorded_at=spec["recorded_at"],
                    recorded_on=spec["recorded_on"],
                    title_fr=spec["title_fr"],
                    summary_fr=spec["summary_fr"],
                    shot_list_fr=spec["shot_list_fr"],
                    recorded_at_fr=spec["recorded_at_fr"],
                    credits="Media Portal video unit",
                    credits_fr="Service vidéo de Media Portal",
                    usage_terms=USAGE_TERMS,
                    usage_terms_fr=USAGE_TERMS_FR,
                )
        if stdout:
            stdout.write(f"created demo video {spec['slug']}")
