"""Article search on PostgreSQL: a stored ``tsvector`` per article in its own
language (title A, standfirst and place B, body C), kept current by a trigger
in the same transaction and GIN-indexed; the article's words feed the
near-spelling lexicon. The shared functions come from downloads 0004."""

from django.db import migrations

ARTICLE_SQL = r"""
SET LOCAL statement_timeout = 0;
ALTER TABLE newsroom_article ADD COLUMN search_vector tsvector;

CREATE OR REPLACE FUNCTION newsroom_article_search_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    config regconfig := CASE NEW.language WHEN 'fr' THEN 'public.mp_french' ELSE 'public.mp_english' END;
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(config, mp_search_text(NEW.title)), 'A')
        || setweight(to_tsvector(config, mp_search_text(NEW.standfirst || ' ' || NEW.event_place)), 'B')
        || setweight(to_tsvector(config, mp_search_text(NEW.body)), 'C');
    PERFORM mp_search_words_add(concat_ws(' ', NEW.title, NEW.standfirst, NEW.event_place, NEW.body));
    RETURN NEW;
END $$;

CREATE TRIGGER newsroom_article_search_update
    BEFORE INSERT OR UPDATE OF language, title, standfirst, event_place, body
    ON newsroom_article FOR EACH ROW EXECUTE FUNCTION newsroom_article_search_update();

UPDATE newsroom_article SET title = title;
CREATE INDEX newsroom_article_search_vector ON newsroom_article USING gin (search_vector);
"""

ARTICLE_REVERSE_SQL = r"""
DROP TRIGGER IF EXISTS newsroom_article_search_update ON newsroom_article;
DROP FUNCTION IF EXISTS newsroom_article_search_update();
ALTER TABLE newsroom_article DROP COLUMN IF EXISTS search_vector;
"""


def _postgresql_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0004_field_labels"),
        ("downloads", "0004_bilingual_texts_search"),
    ]

    operations = [
        migrations.RunPython(_postgresql_only(ARTICLE_SQL), _postgresql_only(ARTICLE_REVERSE_SQL)),
    ]
