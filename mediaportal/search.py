"""Full-text search shared by the news list, the video list and the site search page.

On PostgreSQL every searchable row keeps a ``search_vector`` column (a
``tsvector`` kept current by a trigger in the same transaction, GIN-indexed;
see ``downloads/migrations/0004_bilingual_texts_search.py``) built with the
configurations ``mp_english`` / ``mp_french``: the language's stemming over
accent-folded words (``unaccent``), plus hyphenated compounds joined up
("cyber-attack" is also "cyberattack"). When the full-text query finds little,
near spellings come from a lexicon of the indexed words (``mp_search_word``,
trigram-indexed with ``pg_trgm``): "defense" also looks for "defence".

Other databases (SQLite in development) get a plain substring match.
"""

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Text search configuration per language (created by the migration above).
CONFIGS = {"en": "public.mp_english", "fr": "public.mp_french"}
# Fewer full-text matches than this: also look for near spellings.
FALLBACK_BELOW = 3
NEAR_SPELLINGS_PER_WORD = 3
MAX_WORDS = 8
# ts_headline marks matches with these; the template escapes the text, then
# turns them into <mark> (so the snippet cannot carry markup of its own).
MARK_START, MARK_STOP = "\x02", "\x03"
HEADLINE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=35, MinWords=15, MaxFragments=2"

_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_WORD = re.compile(r"[^\W_]+")


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def reader_language() -> str:
    """The active language if it has a configuration, else English."""
    code = (get_language() or "en")[:2]
    return code if code in CONFIGS else "en"


@dataclass(frozen=True)
class SearchPlan:
    """What one search asks the database: the text typed and, after a
    near-spelling lookup, the alternatives found for its words."""

    text: str
    configs: tuple[str, ...]
    alternatives: dict[str, list[str]] = field(default_factory=dict)

    def tsquery(self) -> tuple[str, list]:
        """SQL of the ``tsquery`` and its parameters: the text in every
        configuration (OR), and the same with hyphens joined; with
        alternatives, each word OR its near spellings, the words AND-ed."""
        if self.alternatives:
            groups, params = [], []
            for word, near in self.alternatives.items():
                parts = []
                for candidate in (word, *near):
                    sql, part_params = self._websearch(candidate)
                    parts.append(sql)
                    params += part_params
                groups.append("(" + " || ".join(parts) + ")")
            return "(" + " && ".join(groups) + ")", params
        return self._websearch(self.text)

    def _websearch(self, text: str) -> tuple[str, list]:
        variants = [text] + ([_HYPHEN.sub("", text)] if _HYPHEN.search(text) else [])
        parts = [f"websearch_to_tsquery('{config}'::regconfig, %s)" for config in self.configs for _ in variants]
        params = [variant for _ in self.configs for variant in variants]
        return "(" + " || ".join(parts) + ")", params

    @property
    def corrected(self) -> list[str]:
        """The near spellings searched for, to tell the reader."""
        return [near for alternatives in self.alternatives.values() for near in alternatives]


def search_plan(text: str, *, languages: Sequence[str]) -> SearchPlan:
    return SearchPlan(text=text, configs=tuple(CONFIGS[code] for code in languages if code in CONFIGS))


def near_spellings(plan: SearchPlan) -> SearchPlan | None:
    """The plan with each word's near spellings from the lexicon (one query),
    or None when no word has any."""
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(plan.text) if len(word) >= 4))[:MAX_WORDS]
    if not words:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.w, ARRAY(
                SELECT s.word FROM mp_search_word s
                WHERE s.word %% q.w AND s.word <> q.w
                ORDER BY similarity(s.word, q.w) DESC, s.word LIMIT %s)
            FROM unnest(%s::text[]) WITH ORDINALITY AS q(w, n)
            ORDER BY q.n
            """,
            [NEAR_SPELLINGS_PER_WORD, [_fold(word) for word in words]],
        )
        found = dict(cursor.fetchall())
    if not any(found.values()):
        return None
    return SearchPlan(text=plan.text, configs=plan.configs, alternatives=found)


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def search_filter(
    queryset: QuerySet,
    plan: SearchPlan,
    *,
    fallback_fields: Sequence[str],
    snippet_sql: str | None = None,
    snippet_config: str | None = None,
) -> QuerySet:
    """``queryset`` narrowed to the rows matching ``plan``, best first
    (``search_rank``), each with ``search_snippet`` (highlighted text) when
    ``snippet_sql`` names the SQL of the text to quote."""
    if not full_text_available():
        match = Q()
        for name in fallback_fields:
            match |= Q(**{f"{name}__icontains": plan.text})
        return queryset.filter(match)
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    tsquery, params = plan.tsquery()
    queryset = queryset.filter(
        RawSQL(f"{table}.search_vector @@ {tsquery}", params, output_field=BooleanField())
    ).alias(search_rank=RawSQL(f"ts_rank({table}.search_vector, {tsquery})", params, output_field=FloatField()))
    if snippet_sql:
        config = snippet_config or plan.configs[0]
        queryset = queryset.annotate(
            search_snippet=RawSQL(
                f"ts_headline('{config}'::regconfig, {snippet_sql}, {tsquery}, %s)",
                [*params, HEADLINE_OPTIONS],
                output_field=TextField(),
            )
        )
    return queryset.order_by(F("search_rank").desc(), F("published_at").desc(nulls_last=True), "-pk")


@dataclass
class SearchResult:
    page: Page
    plan: SearchPlan | None

    @property
    def corrected(self) -> list[str]:
        return self.plan.corrected if self.plan else []


def search_paginate(
    build: Callable[[SearchPlan | None], QuerySet], *, plan: SearchPlan | None, per_page: int, page_number
) -> SearchResult:
    """A page of ``build(plan)``; when the full-text search finds little, a
    second try with near spellings (a fixed number of queries either way)."""
    page = Paginator(build(plan), per_page).get_page(page_number)
    if plan is not None and full_text_available() and page.paginator.count < FALLBACK_BELOW:
        wider = near_spellings(plan)
        if wider is not None:
            wider_page = Paginator(build(wider), per_page).get_page(page_number)
            if wider_page.paginator.count > page.paginator.count:
                return SearchResult(page=wider_page, plan=wider)
    return SearchResult(page=page, plan=plan)


def snippet_html(text: str | None) -> SafeString:
    """A ts_headline snippet as HTML: escaped, its matches in <mark>."""
    if not text:
        return mark_safe("")
    # escape() leaves the two control characters alone.
    return mark_safe(escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


def search_rate_limited(request: HttpRequest) -> HttpResponse | None:
    """A 429 page when this client has searched more than SEARCH_RATE_LIMIT
    allows (searches cost the database far more than other pages), else None.
    The client is allauth's (so TRUSTED_PROXY_COUNT applies here too)."""
    usage = ratelimit.consume(
        request,
        app="mediaportal",
        action="search",
        config={"search": settings.SEARCH_RATE_LIMIT},
        limit_get=True,
    )
    if usage is not None:
        return None
    message = _("You have searched many times in a short time. Please wait a minute, then search again.")
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = "60"
    return response
