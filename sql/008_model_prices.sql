-- List prices of models, for the cost the read API computes from token counts when a sender reports none (an
-- event's cost_usd, where given, always wins). Runs on PostgreSQL 15 and 16, in one transaction.
--
-- model_pattern is matched with LIKE against an event's attributes->>'model' ('claude-sonnet-4-5%' covers
-- 'claude-sonnet-4-5-20250929'); the longest matching pattern whose valid_from is not after the event wins, and of
-- those the latest valid_from, so a price change is a new row, and old events keep their old price. Prices are USD
-- per million tokens; a NULL cache price means cached tokens cost what input tokens cost. A model matching no row
-- is reported as "price not configured" (the answer's unpricedModels), never as $0.
-- Edit with SQL as the database owner, e.g.:
--   INSERT INTO model_prices (model_pattern, input_usd_per_mtok, output_usd_per_mtok, cache_read_usd_per_mtok,
--                             cache_write_usd_per_mtok, valid_from)
--   VALUES ('my-local-model%', 0, 0, NULL, NULL, '2020-01-01');

CREATE TABLE model_prices (
    model_pattern            text NOT NULL CHECK (model_pattern <> ''),
    input_usd_per_mtok       numeric NOT NULL CHECK (input_usd_per_mtok >= 0),
    output_usd_per_mtok      numeric NOT NULL CHECK (output_usd_per_mtok >= 0),
    cache_read_usd_per_mtok  numeric CHECK (cache_read_usd_per_mtok >= 0),
    cache_write_usd_per_mtok numeric CHECK (cache_write_usd_per_mtok >= 0),
    valid_from               timestamptz NOT NULL DEFAULT '2020-01-01 00:00:00+00',
    note                     text,
    PRIMARY KEY (model_pattern, valid_from)
);

-- Public list prices, standard tier, as published on the vendors' pricing pages (anthropic.com/pricing,
-- openai.com/api/pricing, ai.google.dev/gemini-api/docs/pricing), read in 2025. Anthropic's cache write is the
-- 5-minute one; OpenAI and Google charge no separate cache write; Gemini 2.5 Pro's prices are those for prompts
-- up to 200k tokens. Check them against the pages before relying on the totals.
INSERT INTO model_prices (model_pattern, input_usd_per_mtok, output_usd_per_mtok, cache_read_usd_per_mtok,
                          cache_write_usd_per_mtok, note) VALUES
    ('claude-opus-4-5%',   5,    25,   0.50,  6.25,  'Anthropic, 2025'),
    ('claude-opus-4%',     15,   75,   1.50,  18.75, 'Anthropic, 2025: Opus 4 and 4.1'),
    ('claude-sonnet-4%',   3,    15,   0.30,  3.75,  'Anthropic, 2025: Sonnet 4 and 4.5, up to 200k input tokens'),
    ('claude-3-7-sonnet%', 3,    15,   0.30,  3.75,  'Anthropic, 2025'),
    ('claude-haiku-4-5%',  1,    5,    0.10,  1.25,  'Anthropic, 2025'),
    ('claude-3-5-haiku%',  0.80, 4,    0.08,  1.00,  'Anthropic, 2025'),
    ('gpt-5-mini%',        0.25, 2,    0.025, NULL,  'OpenAI, 2025'),
    ('gpt-5%',             1.25, 10,   0.125, NULL,  'OpenAI, 2025'),
    ('gpt-4.1-mini%',      0.40, 1.60, 0.10,  NULL,  'OpenAI, 2025'),
    ('gpt-4.1%',           2,    8,    0.50,  NULL,  'OpenAI, 2025'),
    ('gpt-4o-mini%',       0.15, 0.60, 0.075, NULL,  'OpenAI, 2025'),
    ('gpt-4o%',            2.50, 10,   1.25,  NULL,  'OpenAI, 2025'),
    ('o4-mini%',           1.10, 4.40, 0.275, NULL,  'OpenAI, 2025'),
    ('o3-mini%',           1.10, 4.40, 0.55,  NULL,  'OpenAI, 2025'),
    ('o3%',                2,    8,    0.50,  NULL,  'OpenAI, 2025'),
    ('gemini-2.5-pro%',    1.25, 10,   0.31,  NULL,  'Google, 2025: prompts up to 200k tokens'),
    ('gemini-2.5-flash%',  0.30, 2.50, 0.075, NULL,  'Google, 2025'),
    ('gemini-2.0-flash%',  0.10, 0.40, 0.025, NULL,  'Google, 2025');

-- The serving collector reads prices for the read API (migration 004 gives it nothing by default); Grafana may
-- show them. The reader role may not exist when this file runs on its own.
GRANT SELECT ON model_prices TO collector_writer;
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'grafana_reader') THEN
        GRANT SELECT ON model_prices TO grafana_reader;
    END IF;
END
$$;
